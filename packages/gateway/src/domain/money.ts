/**
 * Money is an integer count of a currency's minor units, always `bigint`.
 * The brand keeps a plain bigint (a count, an id) from being passed as money.
 */
export type AmountMinor = bigint & { readonly __brand: 'AmountMinor' };

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
