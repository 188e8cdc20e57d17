import { GatewayError } from '../../domain/errors.js';
import { TEXT_LENGTH_MAX } from '../../domain/limits.js';

/** A decrypted, verified PayEase request body. */
export type Wire = Record<string, unknown>;

/** A string field; `label` is how errors name it (`payer.name` for a field of `payer`). */
export function str(payload: Wire, field: string, required: boolean, maxLength = TEXT_LENGTH_MAX, label = field): string | undefined {
  const v = payload[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw new GatewayError('FIELD_MISSING', { field: label });
    return undefined;
  }
  if (typeof v !== 'string') throw new GatewayError('FIELD_INVALID', { field: label, reason: 'must be a string' });
  if (v.length > maxLength) throw new GatewayError('FIELD_INVALID', { field: label, reason: `longer than ${maxLength} characters` });
  // Control characters have no place in order data and break the canonical string of some clients.
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new GatewayError('FIELD_INVALID', { field: label, reason: 'contains control characters' });
  return v;
}

/** An object of strings (payer, shipInfo, billInfo); `allowed` keeps only the fields the gateway knows. */
export function stringRecord(value: unknown, field: string, allowed?: readonly string[]): Record<string, string> | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new GatewayError('FIELD_INVALID', { field, reason: 'must be an object' });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Wire)) {
    if (allowed && !allowed.includes(k)) continue;
    const s = str(value as Wire, k, false, TEXT_LENGTH_MAX, `${field}.${k}`);
    if (s !== undefined) out[k] = s;
  }
  return out;
}


/**
 * A field the seed types as a whole number (`long`, or digits in a
 * varchar): clients send a digit string or a JSON integer (`"10"` or `10`).
 * Gives the digits as text for the caller's range check; a JSON integer
 * arrives exactly (a bigint, see `parseJsonExact`), so no digit is lost. A
 * fraction or exponent (`10.0`, `1e1`, a `number` here) is refused.
 */
export function wholeNumberText(payload: Wire, field: string, required: boolean, maxLength = TEXT_LENGTH_MAX, label = field): string | undefined {
  const v = payload[field];
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') throw new GatewayError('FIELD_INVALID', { field: label, reason: 'must be a whole number, without a fraction or an exponent' });
  return str(payload, field, required, maxLength, label);
}
