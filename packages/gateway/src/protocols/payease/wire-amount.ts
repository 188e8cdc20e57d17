import { isAmountMinorString } from '@opencashier/sdk';
import type { AmountMinor } from '../../domain/money.js';

/**
 * A positive amount from the PayEase wire: a string of 1 to 18 digits, no
 * sign, no leading zero (the SDK's codec). `0`, `-1`, `1.5`, `1e3`, ` 12`,
 * `012`, 19 digits and JSON numbers all give undefined.
 */
export function parsePositiveWireAmount(wire: unknown): AmountMinor | undefined {
  if (!isAmountMinorString(wire) || wire === '0') return undefined;
  return BigInt(wire) as AmountMinor;
}
