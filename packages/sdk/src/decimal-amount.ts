/**
 * Amounts written in a currency's major units ("2.00" US dollars), as the
 * flat-JSON card API sends them. Exact: digits are moved, never parsed as a
 * float. The exponent (2 for USD, 0 for JPY) comes from the caller, who
 * reads it from ISO 4217 data.
 */
import { InvalidArgumentError } from './errors.js';
import { AMOUNT_DIGITS_MAX } from './amount.js';

export type DecimalAmountProblem = 'format' | 'too-many-decimals' | 'too-large';

export type DecimalAmountResult = { ok: true; amountMinor: bigint } | { ok: false; problem: DecimalAmountProblem };

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * "2" → 200n, "2.5" → 250n, "2.00" → 200n with exponent 2; "2.001" is refused
 * (`too-many-decimals`) rather than rounded, as are signs, spaces, exponents
 * and more than 18 digits of minor units.
 */
export function decimalToMinor(text: unknown, exponent: number): DecimalAmountResult {
  if (typeof text !== 'string') return { ok: false, problem: 'format' };
  const m = DECIMAL.exec(text);
  if (!m) return { ok: false, problem: 'format' };
  const fraction = m[2] ?? '';
  if (fraction.length > exponent) return { ok: false, problem: 'too-many-decimals' };
  const digits = (m[1]! + fraction.padEnd(exponent, '0')).replace(/^0+(?=.)/, '');
  if (digits.length > AMOUNT_DIGITS_MAX) return { ok: false, problem: 'too-large' };
  return { ok: true, amountMinor: BigInt(digits) };
}

/** 200n → "2.00" with exponent 2; 1500n → "1500" with exponent 0. */
export function minorToDecimal(amountMinor: bigint, exponent: number): string {
  if (amountMinor < 0n) throw new InvalidArgumentError('amounts are never negative on this wire');
  if (!Number.isInteger(exponent) || exponent < 0) throw new InvalidArgumentError('exponent must be a whole number');
  const digits = amountMinor.toString(10).padStart(exponent + 1, '0');
  return exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
