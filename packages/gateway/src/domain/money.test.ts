import { describe, expect, it } from 'vitest';
import { formatMinor } from './money.js';
import { currency, findCurrency, SUPPORTED_CURRENCIES } from './currencies.js';

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
