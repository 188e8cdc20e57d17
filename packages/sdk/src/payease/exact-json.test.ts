import { describe, expect, it } from 'vitest';
import { parseJsonExact } from './exact-json.js';

describe('parseJsonExact', () => {
  it('reads integer literals as exact bigints and other numbers as doubles', () => {
    expect(parseJsonExact('{"a":10000,"b":12345678901234567890123,"c":-0,"d":1.5,"e":1e3,"f":10000.0,"g":"10000"}')).toEqual({
      a: 10000n,
      b: 12345678901234567890123n,
      c: 0n,
      d: 1.5,
      e: 1000,
      f: 10000,
      g: '10000',
    });
  });

  it('reads everything else as JSON.parse does', () => {
    const text = ' { "s" : "a\\"b\\u00e9\\n/", "l" : [ true , false , null , [ ] , { } ], "o": {"x": {"y": "z"}}, "k": 1, "k": 2 } ';
    const exact = parseJsonExact(text);
    const plain = JSON.parse(text.replace(/"k": 1, /, '')) as Record<string, unknown>;
    expect(exact).toEqual({ ...plain, k: 2n });
  });

  it('keeps __proto__ as an own key, so a forbidden-key check sees it', () => {
    const parsed = parseJsonExact('{"__proto__":{"polluted":"yes"}}') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
  });

  it.each(['', '{', '{"a":}', '{"a":1,}', '[1,]', '{"a":01}', '{"a":1.}', '{"a":.5}', '{"a":+1}', '{"a":1e}', '{a:1}', "{'a':1}", '{"a":"\\x"}', '{"a":"\u0001"}', '{"a":1} x', 'tru', 'NaN', '{"a":-}'])(
    'refuses %j like JSON.parse',
    (text) => {
      expect(() => JSON.parse(text)).toThrow(SyntaxError);
      expect(() => parseJsonExact(text)).toThrow(SyntaxError);
    },
  );
});
