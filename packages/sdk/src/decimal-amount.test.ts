import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToMinor, minorToDecimal } from './decimal-amount.js';

describe('decimal amounts in major units', () => {
  it.each([
    ['2', 2, 200n],
    ['2.00', 2, 200n],
    ['2.5', 2, 250n],
    ['0.01', 2, 1n],
    ['1500', 0, 1500n],
    ['1.234', 3, 1234n],
    ['0', 2, 0n],
  ])('%s with exponent %i is %s minor units', (text, exponent, minor) => {
    expect(decimalToMinor(text, exponent)).toEqual({ ok: true, amountMinor: minor });
  });

  it.each([
    ['2.001', 2, 'too-many-decimals'],
    ['1.5', 0, 'too-many-decimals'],
    ['1.', 2, 'format'],
    ['.5', 2, 'format'],
    ['-1', 2, 'format'],
    ['+1', 2, 'format'],
    [' 1', 2, 'format'],
    ['1e2', 2, 'format'],
    ['01', 2, 'format'],
    ['1,00', 2, 'format'],
    ['9999999999999999999', 2, 'too-large'],
  ])('refuses %s with exponent %i (%s)', (text, exponent, problem) => {
    expect(decimalToMinor(text, exponent)).toEqual({ ok: false, problem });
  });

  it('refuses what is not a string (a JSON number would already have passed through a float)', () => {
    expect(decimalToMinor(2, 2)).toEqual({ ok: false, problem: 'format' });
  });

  it('writes minor units with exactly the exponent of decimals', () => {
    expect(minorToDecimal(200n, 2)).toBe('2.00');
    expect(minorToDecimal(1n, 2)).toBe('0.01');
    expect(minorToDecimal(1500n, 0)).toBe('1500');
    expect(minorToDecimal(1n, 3)).toBe('0.001');
  });

  it('round-trips every amount of up to 18 digits exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n - 1n }), fc.integer({ min: 0, max: 3 }), (amount, exponent) => {
        expect(decimalToMinor(minorToDecimal(amount, exponent), exponent)).toEqual({ ok: true, amountMinor: amount });
      }),
    );
  });
});
