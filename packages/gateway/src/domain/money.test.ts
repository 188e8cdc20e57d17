import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMinor, parseWireAmount, toWireAmount } from './money.js';
import { currency, findCurrency, SUPPORTED_CURRENCIES } from './currencies.js';

describe('wire amounts', () => {
  it.each(['0', '-1', '1.5', '1e3', ' 12', '012', '1000000000000000000', '', '+5', '0x10', '１２'])('refuses %j', (wire) => {
    expect(parseWireAmount(wire)).toBeUndefined();
  });
  it('refuses non-strings, numbers included', () => {
    expect(parseWireAmount(100)).toBeUndefined();
    expect(parseWireAmount(null)).toBeUndefined();
  });
  it('accepts 18 digits exactly, beyond 2^53', () => {
    expect(parseWireAmount('999999999999999999')).toBe(999999999999999999n);
    expect(parseWireAmount('9007199254740993')).toBe(9007199254740993n);
  });
  it('round-trips every positive bigint below 10^18', () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 10n ** 18n - 1n }), (n) => parseWireAmount(toWireAmount(n as never)) === n));
  });
});

describe('currencies', () => {
  it('takes exponents from ISO 4217 data', () => {
    expect(currency('JPY').exponent).toBe(0);
    expect(currency('USD').exponent).toBe(2);
    expect(currency('CNY').exponent).toBe(2);
    expect(SUPPORTED_CURRENCIES).toHaveLength(9);
    expect(findCurrency('XYZ')).toBeUndefined();
    expect(findCurrency('__proto__')).toBeUndefined();
  });
  it('formats minor units for people', () => {
    expect(formatMinor(12345n, 2)).toBe('123.45');
    expect(formatMinor(5n, 2)).toBe('0.05');
    expect(formatMinor(1500n, 0)).toBe('1500');
    expect(formatMinor(999999999999999999n, 2)).toBe('9999999999999999.99');
  });
});
