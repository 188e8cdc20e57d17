/**
 * Money crosses the PayEase wire as a string of integer minor units. The
 * conversion from the domain's `bigint` happens here and only here, and an
 * amount read from the wire is checked on the way back.
 */

import { InvalidArgumentError } from './errors.js';

/** PayEase amount fields are varchar(18): at most 18 digits of minor units. */
export const AMOUNT_DIGITS_MAX = 18;

const MINOR_UNITS = new RegExp(`^(?:0|[1-9][0-9]{0,${AMOUNT_DIGITS_MAX - 1}})$`);

/** True for "0", "100", "12345"; false for "", "01", "1.5", "-1", " 1", or more than 18 digits. */
export function isAmountMinorString(value: unknown): value is string {
  return typeof value === 'string' && MINOR_UNITS.test(value);
}

/** The wire form of a non-negative amount in minor units. */
export function amountMinorToWire(amountMinor: bigint): string {
  if (amountMinor < 0n) throw new InvalidArgumentError('amounts on the PayEase wire are never negative');
  const wire = amountMinor.toString(10);
  if (wire.length > AMOUNT_DIGITS_MAX) throw new InvalidArgumentError(`amounts on the PayEase wire have at most ${AMOUNT_DIGITS_MAX} digits`);
  return wire;
}

/** The minor units of a wire amount; throws for anything but plain decimal digits. */
export function amountMinorFromWire(wire: string): bigint {
  if (!isAmountMinorString(wire)) throw new InvalidArgumentError('amount is not a string of integer minor units');
  return BigInt(wire);
}
