import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountMinorToWire } from '@opencashier/sdk';
import { parsePositiveWireAmount } from './wire-amount.js';

describe('wire amounts', () => {
  it.each(['0', '-1', '1.5', '1e3', ' 12', '012', '1000000000000000000', '', '+5', '0x10', '１２'])('refuses %j', (wire) => {
    expect(parsePositiveWireAmount(wire)).toBeUndefined();
  });
  it('refuses non-strings, numbers included', () => {
    expect(parsePositiveWireAmount(100)).toBeUndefined();
    expect(parsePositiveWireAmount(null)).toBeUndefined();
  });
  it('accepts 18 digits exactly, beyond 2^53', () => {
    expect(parsePositiveWireAmount('999999999999999999')).toBe(999999999999999999n);
    expect(parsePositiveWireAmount('9007199254740993')).toBe(9007199254740993n);
  });
  it('round-trips every positive bigint below 10^18', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }), (n) => parsePositiveWireAmount(amountMinorToWire(n)) === n));
  });
});

