import { isAmountMinorString } from '@opencashier/sdk';
import type { AmountMinor } from '../../domain/money.js';

/**
 * A positive amount from the PayEase wire: a string of 1 to 18 digits, no
 * sign, no leading zero (the SDK's codec), or a JSON integer in that range
 * (merchants send `"orderAmount": 10000` too; it arrives as an exact
 * bigint). `0`, `-1`, `"1.5"`, `1.5`, `1e3`, `10000.0`, ` 12`, `012` and 19
 * digits all give undefined.
 */
export function parsePositiveWireAmount(wire: unknown): AmountMinor | undefined {
  const text = typeof wire === 'bigint' ? wire.toString() : wire;
  if (!isAmountMinorString(text) || text === '0') return undefined;
  return BigInt(text) as AmountMinor;
}
