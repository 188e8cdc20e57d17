import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStrictBase64, isStrictBase64 } from './base64.js';

describe('strict base64', () => {
  it('accepts canonical padded base64 and MIME line breaks', () => {
    expect(decodeStrictBase64('aGVsbG8=')?.toString()).toBe('hello');
    const wrapped = Buffer.alloc(120, 7).toString('base64').replace(/(.{76})/g, '$1\r\n');
    expect(decodeStrictBase64(wrapped)).toEqual(Buffer.alloc(120, 7));
    expect(decodeStrictBase64(wrapped.replace(/\r/g, ''))).toEqual(Buffer.alloc(120, 7));
  });
  it.each(['aGVsbG8', 'aGVsbG8=!', 'aGVs bG8=', 'aGVsbG9=', '====', 'a', 'aGVsbG8=\t'])('refuses %j', (text) => {
    expect(isStrictBase64(text)).toBe(false);
    expect(decodeStrictBase64(text)).toBeUndefined();
  });
  it('round-trips any bytes, wrapped or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, wrap) => {
        let text = Buffer.from(bytes).toString('base64');
        if (wrap) text = text.replace(/(.{76})/g, '$1\n');
        return Buffer.from(bytes).equals(decodeStrictBase64(text)!);
      }),
    );
  });
});

describe('strict base64 of large bodies', () => {
  it('checks a body of several MB without overflowing the regular-expression stack', () => {
    const large = Buffer.alloc(8 * 1024 * 1024, 0x5a).toString('base64');
    expect(isStrictBase64(large)).toBe(true);
    expect(isStrictBase64(`${large.slice(0, -4)}A===`)).toBe(false);
    expect(isStrictBase64(`${large}A`)).toBe(false);
  });
});
