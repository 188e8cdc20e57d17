import { GatewayError } from '../../domain/errors.js';
import { TEXT_LENGTH_MAX } from '../../domain/limits.js';

export type Wire = Readonly<Record<string, unknown>>;

/**
 * A flat string field. The seed's fields are all strings; numbers are read
 * as their text (some clients send `"amount": 2`) except where money is
 * concerned, which the amount codec refuses unless it is a string.
 */
export function text(body: Wire, field: string, required: boolean, maxLength = TEXT_LENGTH_MAX): string | undefined {
  const v = body[field];
  if (v === undefined || v === null || v === '') {
    if (required) throw new GatewayError('FIELD_MISSING', { field });
    return undefined;
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new GatewayError('FIELD_INVALID', { field, reason: 'must be a string' });
  const s = String(v);
  if (s.length > maxLength) throw new GatewayError('FIELD_INVALID', { field, reason: `longer than ${maxLength} characters` });
  if (/[\u0000-\u001f\u007f]/.test(s)) throw new GatewayError('FIELD_INVALID', { field, reason: 'contains control characters' });
  return s;
}
