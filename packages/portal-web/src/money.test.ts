import { describe, expect, it } from 'vitest';
import { exponentOf, formatMinor, parseAmount, showMinor } from './money.js';

describe('amounts in the back office', () => {
  it('takes exponents from the ISO 4217 data', () => {
    expect(exponentOf('USD')).toBe(2);
    expect(exponentOf('JPY')).toBe(0);
    expect(exponentOf('KWD')).toBe(3);
    expect(exponentOf('usd')).toBeUndefined();
    expect(exponentOf('XXQ')).toBeUndefined();
  });

  it('shows minor units as decimals in the currency exponent', () => {
    expect(formatMinor('500', 'USD')).toBe('5.00');
    expect(formatMinor('5', 'USD')).toBe('0.05');
    expect(formatMinor('0', 'EUR')).toBe('0.00');
    expect(formatMinor('1500', 'JPY')).toBe('1500');
    expect(formatMinor('-1990', 'USD')).toBe('-19.90');
    expect(formatMinor('1234', 'KWD')).toBe('1.234');
    expect(showMinor('500', 'USD')).toBe('5.00 USD');
  });

  it('stays exact beyond what a float holds', () => {
    expect(formatMinor('900719925474099312', 'USD')).toBe('9007199254740993.12');
    expect(parseAmount('9007199254740993.12', 'USD')).toEqual({ ok: true, minor: '900719925474099312' });
  });

  it('accepts what a person types for the currency', () => {
    expect(parseAmount('5.00', 'USD')).toEqual({ ok: true, minor: '500' });
    expect(parseAmount('5', 'USD')).toEqual({ ok: true, minor: '500' });
    expect(parseAmount('5.5', 'USD')).toEqual({ ok: true, minor: '550' });
    expect(parseAmount(' 0.01 ', 'EUR')).toEqual({ ok: true, minor: '1' });
    expect(parseAmount('1500', 'JPY')).toEqual({ ok: true, minor: '1500' });
  });

  it('refuses what it would have to round or guess', () => {
    expect(parseAmount('5.001', 'USD')).toEqual({ ok: false, reason: 'decimals' });
    expect(parseAmount('1500.5', 'JPY')).toEqual({ ok: false, reason: 'decimals' });
    expect(parseAmount('-5', 'USD')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmount('1e3', 'USD')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmount('1,000.00', 'USD')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmount('', 'USD')).toEqual({ ok: false, reason: 'format' });
    expect(parseAmount('5.00', 'ZZZ')).toEqual({ ok: false, reason: 'currency' });
  });
});
