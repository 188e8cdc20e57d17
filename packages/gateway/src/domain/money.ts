/**
 * Money is an integer count of a currency's minor units, always `bigint`.
 * The brand keeps a plain bigint (a count, an id) from being passed as money.
 */
export type AmountMinor = bigint & { readonly __brand: 'AmountMinor' };

/** Wire amounts are `varchar(18)` in fen: at most 18 decimal digits, no sign, no leading zeros. */
export const WIRE_AMOUNT_DIGITS_MAX = 18;

const WIRE_AMOUNT = /^[1-9][0-9]{0,17}$/;

export function amountMinor(value: bigint): AmountMinor {
  if (typeof value !== 'bigint') throw new TypeError('money must be a bigint');
  if (value < 0n) throw new RangeError('money must not be negative');
  return value as AmountMinor;
}

/**
 * Parses a positive wire amount. Anything but plain digits is refused:
 * `0`, `-1`, `1.5`, `1e3`, ` 12`, `012` and 19-digit values all return undefined.
 */
export function parseWireAmount(wire: unknown): AmountMinor | undefined {
  if (typeof wire !== 'string' || !WIRE_AMOUNT.test(wire)) return undefined;
  return BigInt(wire) as AmountMinor;
}

export function toWireAmount(amount: AmountMinor): string {
  return amount.toString(10);
}

/** Formats minor units for people, e.g. 12345n with exponent 2 → "123.45". */
export function formatMinor(amount: bigint, exponent: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString(10);
  if (exponent === 0) return (negative ? '-' : '') + digits;
  const padded = digits.padStart(exponent + 1, '0');
  const whole = padded.slice(0, padded.length - exponent);
  const fraction = padded.slice(padded.length - exponent);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}
