import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { CanonicalError } from '../errors.js';
import { canonicalString, type SkipRule } from './canonical.js';
import { jsonPayload, withKeysReversed } from '../test-support/arbitraries.js';

const rules: SkipRule[] = ['request', 'verify'];

describe('canonicalString, by example', () => {
  it('is the example of the protocol notes', () => {
    const payload = {
      merchantId: '890000593',
      requestId: 'R2',
      orderAmount: '100',
      orderCurrency: 'USD',
      remark: '',
      clientIp: '0',
      productDetails: [{ name: 'IPHONE', quantity: '1', amount: '0', receiver: '', description: ' lead' }],
      payer: { name: 'A', idType: '', idNum: '0' },
      timeout: '10',
    };
    expect(canonicalString(payload, 'request')).toBe('890000593#100#USD#A#0#lead#IPHONE#1##R2#10#');
    expect(canonicalString(payload, 'verify')).toBe('0#890000593#100#USD#A#0#lead#IPHONE#1##R2#10#');
  });

  it('drops hmac, sorts bytewise, keeps list order', () => {
    expect(canonicalString({ b: '2', a: '1', hmac: 'x', B: '0B', list: ['z', 'y'] }, 'verify')).toBe('0B#1#2#z#y#');
  });

  it('orders keys by UTF-8 bytes, not UTF-16 units', () => {
    // UTF-16: U+1F600 is D83D DE00, before FF5E. UTF-8 (PHP strcmp): EF BD 9E before F0 9F 98 80.
    expect(canonicalString({ '\u{1F600}': 'emoji', '\uFF5E': 'tilde' }, 'verify')).toBe('tilde#emoji#');
  });

  it('orders integer keys numerically, as PHP ksort does', () => {
    expect(canonicalString({ '10': 'ten', '9': 'nine', a: 'a' }, 'verify')).toBe('nine#ten#a#');
  });

  it('applies PHP trim to value + "#": leading white space goes, trailing stays', () => {
    expect(canonicalString({ a: ' \t\n\r\0\x0Bv ', b: '   ' }, 'verify')).toBe('v #' + '#');
    expect(canonicalString({ a: '\u00A0v' }, 'verify')).toBe('\u00A0v#'); // NBSP is not PHP white space
  });

  it('stringifies integers and booleans as PHP does, and skips per rule at the top level', () => {
    const payload = { n: 100, zero: 0, negativeZero: -0, t: true, f: false, nul: null, e: '', z: '0' };
    expect(canonicalString(payload, 'request')).toBe('100#1#');
    expect(canonicalString(payload, 'verify')).toBe('100#0#1#0#0#');
  });

  it('drops falsy members of top-level objects and lists, keeps everything one level further', () => {
    const payload = {
      obj: { a: '', b: '0', c: 0, d: false, e: null, f: true, g: 'x' },
      list: ['', '0', 0, false, null, 'kept', 7],
      nested: [{ a: '', b: '0', c: 0, d: false, e: null, f: true }],
      inner: { list: ['', '0', null] },
    };
    for (const rule of rules) {
      // inner (level 3, nothing dropped), list (level 2), nested (level 3), obj (level 2)
      expect(canonicalString(payload, rule)).toBe('#0##' + 'kept#7#' + '#0#0###1#' + '1#x#');
    }
  });

  it('emits nothing for empty objects and lists', () => {
    for (const rule of rules) {
      expect(canonicalString({ a: {}, b: [], c: [{}, []], d: { e: {} }, f: 'x' }, rule)).toBe('x#');
    }
  });

  it('treats undefined members as absent and undefined list elements as null', () => {
    expect(canonicalString({ a: undefined, b: { c: undefined, d: 'd' }, e: [[undefined]] }, 'verify')).toBe('d##');
  });

  it('refuses content deeper than three levels, even an empty container', () => {
    for (const rule of rules) {
      expect(() => canonicalString({ a: [{ b: { c: 'deep' } }] }, rule)).toThrow(CanonicalError);
      expect(() => canonicalString({ a: { b: [[]] } }, rule)).toThrow(CanonicalError);
      expect(() => canonicalString({ a: [[{}]] }, rule)).toThrow(CanonicalError);
    }
    expect(canonicalString({ a: [{ b: 'level' }, ['three']] }, 'verify')).toBe('level#three#');
  });

  it('signs numbers as PHP prints what json_decode made of them', () => {
    // JSON integers (bigint from the exact parser): every digit, up to PHP's int range; beyond it a float.
    expect(canonicalString({ a: 10000n, b: 12345678901234567n, c: 9223372036854775807n, d: 9223372036854775808n }, 'verify')).toBe(
      '10000#12345678901234567#9223372036854775807#9.2233720368548E+18#',
    );
    // Fractions and exponents are PHP floats: 14 significant digits.
    expect(canonicalString({ a: 1.5, b: 1000, c: 1e20, d: 0.1 + 0.2, e: 2 ** 53 }, 'verify')).toBe('1.5#1000#1.0E+20#0.3#9.007199254741E+15#');
    // Zero is empty() for the request rule whether an int or a float; the verify rule keeps it.
    expect(canonicalString({ a: 0n, b: 0, c: 5n }, 'request')).toBe('5#');
    expect(canonicalString({ a: 0n, b: 5n }, 'verify')).toBe('0#5#');
    expect(canonicalString({ a: { x: 0n, y: 7n } }, 'verify')).toBe('7#');
  });

  it('refuses non-JSON values', () => {
    for (const value of [Number.NaN, Infinity, Symbol('s'), () => 1, new Date(0), Buffer.from('a')]) {
      expect(() => canonicalString({ a: value }, 'verify')).toThrow(CanonicalError);
    }
    expect(() => canonicalString([] as unknown as Record<string, unknown>, 'verify')).toThrow(CanonicalError);
  });

  it('accepts objects with a null prototype', () => {
    const payload = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x', b: Object.assign(Object.create(null), { c: 'y' }) });
    expect(canonicalString(payload, 'verify')).toBe('x#y#');
  });
});

describe('canonicalString, by property', () => {
  it('does not depend on key order at any level', () => {
    fc.assert(
      fc.property(jsonPayload(), fc.constantFrom(...rules), (payload, rule) => {
        expect(canonicalString(withKeysReversed(payload), rule)).toBe(canonicalString(payload, rule));
      }),
    );
  });

  it('ignores added top-level "", null, false, {} and [] under both rules', () => {
    fc.assert(
      fc.property(jsonPayload(), fc.constantFrom('', null, false, {}, [], [{}]), fc.constantFrom(...rules), (payload, empty, rule) => {
        expect(canonicalString({ ...payload, zzEmpty: empty, AAEmpty: empty }, rule)).toBe(canonicalString(payload, rule));
      }),
    );
  });

  it('keeps a top-level "0" or 0 only under the verify rule', () => {
    fc.assert(
      fc.property(jsonPayload(), fc.constantFrom('0', 0), (payload, zero) => {
        const withZero = { ...payload, '\u{10FFFF}zero': zero }; // sorts last
        expect(canonicalString(withZero, 'request')).toBe(canonicalString(payload, 'request'));
        expect(canonicalString(withZero, 'verify')).toBe(`${canonicalString(payload, 'verify')}0#`);
      }),
    );
  });

  it('gives both rules the same string when no top-level value is "0" or 0', () => {
    fc.assert(
      fc.property(jsonPayload(), (payload) => {
        const noZero = Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== '0' && value !== 0));
        expect(canonicalString(noZero, 'request')).toBe(canonicalString(noZero, 'verify'));
      }),
    );
  });

  it('emits any Unicode string value whole, after leading-white-space trimming', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (text) => {
        const expected = `${text}#`.replace(/^[ \t\n\r\0\x0B]+/, '');
        expect(canonicalString({ k: text }, 'verify')).toBe(expected);
        expect(canonicalString({ k: [{ v: text }] }, 'request')).toBe(expected);
      }),
    );
  });
});
