import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { amountMinorFromWire, amountMinorToWire, isAmountMinorString } from './amount.js';
import { InvalidArgumentError } from './errors.js';

describe('amounts on the wire', () => {
  it('round-trip any non-negative bigint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), (amountMinor) => {
        const wire = amountMinorToWire(amountMinor);
        expect(isAmountMinorString(wire)).toBe(true);
        expect(amountMinorFromWire(wire)).toBe(amountMinor);
      }),
    );
  });

  it('accept only plain decimal digits', () => {
    for (const good of ['0', '1', '12345']) expect(isAmountMinorString(good)).toBe(true);
    for (const bad of ['', '01', '1.5', '-1', ' 1', '1e3', 100, null, '1000000000000000000']) expect(isAmountMinorString(bad)).toBe(false);
    expect(isAmountMinorString('999999999999999999')).toBe(true);
    expect(() => amountMinorFromWire('1.00')).toThrow(InvalidArgumentError);
    expect(() => amountMinorToWire(-1n)).toThrow(InvalidArgumentError);
    expect(() => amountMinorToWire(10n ** 18n)).toThrow(InvalidArgumentError);
  });
});
