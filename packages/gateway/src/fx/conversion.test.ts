import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SUPPORTED_CURRENCIES, currency, type CurrencyCode } from '../domain/currencies.js';
import { convertMinor, convertMinorInverse, pow10, roundHalfUp } from './conversion.js';
import { formatRate, parseRate, withMarkup, type ExactRate } from './exact-rate.js';

const amounts = fc.bigInt({ min: 0n, max: 10n ** 15n });
const rates = fc.record({ units: fc.bigInt({ min: 1n, max: 10n ** 12n }), scale: fc.integer({ min: 0, max: 8 }) }) as fc.Arbitrary<ExactRate>;
const currencies = fc.constantFrom(...SUPPORTED_CURRENCIES);

/** The exact value of amount × rate in target minor units, as a fraction n / d. */
function exact(amount: bigint, from: CurrencyCode, to: CurrencyCode, rate: ExactRate): { n: bigint; d: bigint } {
  return { n: amount * rate.units * pow10(currency(to).exponent), d: pow10(rate.scale) * pow10(currency(from).exponent) };
}

describe('conversion rounding (half up on the target minor unit)', () => {
  it('is within half a minor unit of the exact product, and exactly half rounds up', () => {
    fc.assert(
      fc.property(amounts, currencies, currencies, rates, (amount, from, to, rate) => {
        const result = convertMinor(amount, from, to, rate);
        const { n, d } = exact(amount, from, to, rate);
        // |result − n/d| ≤ 1/2  ⇔  |2·result·d − 2n| ≤ d, and a tie (= d) only on the upper side.
        const diff = 2n * result * d - 2n * n;
        expect(diff <= d && diff > -d).toBe(true);
      }),
    );
  });

  it('is monotonic: more money never converts to less', () => {
    fc.assert(
      fc.property(amounts, amounts, currencies, currencies, rates, (a, b, from, to, rate) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(convertMinor(lo, from, to, rate) <= convertMinor(hi, from, to, rate)).toBe(true);
      }),
    );
  });

  it('splitting an amount changes the total by at most one minor unit per extra part', () => {
    fc.assert(
      fc.property(amounts, amounts, currencies, currencies, rates, (a, b, from, to, rate) => {
        const whole = convertMinor(a + b, from, to, rate);
        const parts = convertMinor(a, from, to, rate) + convertMinor(b, from, to, rate);
        expect(whole - parts <= 1n && parts - whole <= 1n).toBe(true);
      }),
    );
  });

  it('a rate of one between currencies of the same exponent changes nothing; the inverse of an exact product gives the amount back', () => {
    fc.assert(
      fc.property(amounts, (a) => {
        expect(convertMinor(a, 'USD', 'EUR', { units: 1n, scale: 0 })).toBe(a);
        const rate = { units: 71234n, scale: 4 };
        // CNY → USD at 7.1234: the CNY amount of a USD amount, converted back, is that USD amount.
        const usd = a;
        const cnyExact = usd * 71234n; // in 1/10000 fen: exact
        if (cnyExact % 10000n === 0n) expect(convertMinorInverse(cnyExact / 10000n, 'CNY', 'USD', rate)).toBe(usd);
      }),
    );
  });

  it('known values, with ISO 4217 exponents (JPY has none)', () => {
    expect(convertMinor(10000n, 'USD', 'CNY', parseRate('7.1234')!)).toBe(71234n);
    expect(convertMinor(1n, 'USD', 'CNY', parseRate('7.125')!)).toBe(7n); // 7.125 fen → 7
    expect(convertMinor(1n, 'USD', 'CNY', parseRate('7.15')!)).toBe(7n); // 7.15 → 7
    expect(convertMinor(1n, 'USD', 'CNY', parseRate('7.5')!)).toBe(8n); // a tie rounds up
    expect(convertMinor(100n, 'USD', 'JPY', parseRate('150.5')!)).toBe(151n); // $1 → ¥150.5 → ¥151
    expect(convertMinor(100n, 'JPY', 'USD', parseRate('0.0066')!)).toBe(66n); // ¥100 → $0.66
    expect(convertMinor(1000n, 'JPY', 'CNY', parseRate('0.0475')!)).toBe(4750n);
    expect(convertMinorInverse(71234n, 'CNY', 'USD', parseRate('7.1234')!)).toBe(10000n);
    expect(convertMinorInverse(100n, 'CNY', 'USD', parseRate('7.1234')!)).toBe(14n); // 14.038… cents
    expect(roundHalfUp(-5n, 10n)).toBe(-1n);
    expect(roundHalfUp(-4n, 10n)).toBe(0n);
  });
});

describe('exact rates', () => {
  it('parses decimal strings only, and formats them back', () => {
    expect(parseRate('7.1234')).toEqual({ units: 71234n, scale: 4 });
    for (const bad of ['', '0', '0.000', '-7.1', '+7', '7.', '.5', '1e3', ' 7.1', '07.1', 7.1, null, '1234567890123456789']) expect(parseRate(bad)).toBeUndefined();
    expect(formatRate(parseRate('7.1000')!)).toBe('7.1');
    expect(formatRate(parseRate('0.0066')!)).toBe('0.0066');
    fc.assert(
      fc.property(rates, (r) => {
        const back = parseRate(formatRate(r));
        // Same value: cross-multiplied units agree.
        expect(back!.units * pow10(r.scale)).toBe(r.units * pow10(back!.scale));
      }),
    );
  });
  it('applies a markup exactly, in both directions', () => {
    expect(formatRate(withMarkup(parseRate('7.2')!, 50, 'up'))).toBe('7.236');
    expect(formatRate(withMarkup(parseRate('7.2')!, 50, 'down'))).toBe('7.164');
    expect(withMarkup(parseRate('7.2')!, 0, 'up')).toEqual(parseRate('7.2'));
    expect(() => withMarkup(parseRate('7.2')!, -1, 'up')).toThrow(RangeError);
  });
});
