import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { sh } from '../test-support/fixtures.js';
import { createCipheriv } from 'node:crypto';
import { aesDecryptBlocks, aesDecryptFromBase64, aesEncryptToBase64 } from './aes-body.js';

const key = Buffer.from('A1b2C3d4E5f6G7h8', 'utf8');
const keyHex = key.toString('hex');

describe('AES-128-ECB body against openssl enc', () => {
  const plaintexts = ['{"a":"名前 / ümlaut"}', '', 'exactly sixteen!', `{"long":"${'y'.repeat(100)}"}`];

  it.each(plaintexts)('encrypts %j like `openssl enc -aes-128-ecb -K <hex> -base64 -A`', (plaintext) => {
    const expected = sh(`openssl enc -aes-128-ecb -K ${keyHex} -base64 -A`, { input: plaintext }).toString();
    expect(aesEncryptToBase64(plaintext, key)).toBe(expected);
  });

  it.each(plaintexts)('produces ciphertext openssl decrypts (%j)', (plaintext) => {
    const ciphertext = aesEncryptToBase64(plaintext, key);
    const decrypted = sh(`openssl enc -d -aes-128-ecb -K ${keyHex} -base64 -A`, { input: ciphertext }).toString('utf8');
    expect(decrypted).toBe(plaintext);
  });
});

describe('aesDecryptFromBase64', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (plaintext, aesKey) => {
        expect(aesDecryptFromBase64(aesEncryptToBase64(plaintext, aesKey), aesKey)).toEqual(Buffer.from(plaintext));
      }),
    );
  });

  it('refuses malformed base64 and partial blocks', () => {
    for (const bad of ['', 'not base64!', 'QUJD', `${aesEncryptToBase64('x', key)} `, aesEncryptToBase64('x', key).replace(/=*$/, '')]) {
      expect(() => aesDecryptFromBase64(bad, key)).toThrow(MalformedInputError);
    }
  });

  it('fails on a wrong key (bad padding) rather than returning garbage, almost always', () => {
    const ciphertext = aesEncryptToBase64('{"a":"b"}', key);
    expect(() => aesDecryptFromBase64(ciphertext, Buffer.from('B1b2C3d4E5f6G7h8'))).toThrow();
  });

  it('insists on 16-byte keys', () => {
    expect(() => aesEncryptToBase64('x', Buffer.alloc(15))).toThrow(InvalidArgumentError);
    expect(() => aesDecryptFromBase64('AAAAAAAAAAAAAAAAAAAAAA==', Buffer.alloc(32))).toThrow(InvalidArgumentError);
  });
});

describe('aesDecryptBlocks', () => {
  /** One or more raw blocks encrypted without padding, so the last block's "padding" is whatever we say. */
  const rawBlocks = (bytes: number[]) => {
    const cipher = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.from(bytes)), cipher.final()]).toString('base64');
  };

  it('agrees with the padded decryption on every valid message', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (plaintext) => {
        const { plaintext: out, paddingValid } = aesDecryptBlocks(aesEncryptToBase64(plaintext, key), key);
        expect(paddingValid).toBe(true);
        expect(out).toEqual(Buffer.from(plaintext));
      }),
      { seed: 0x9b01, numRuns: 200 },
    );
  });

  it.each([
    ['a zero pad length', [...Array(15).fill(65), 0]],
    ['a pad length beyond the block', [...Array(15).fill(65), 17]],
    ['a pad length of 255', [...Array(15).fill(65), 255]],
    ['pad bytes that disagree', [...Array(13).fill(65), 2, 3, 3]],
    ['one pad byte off at the far end', [65, ...Array(15).fill(16)]],
  ])('flags %s as invalid and returns every block', (_name, block) => {
    const { plaintext, paddingValid } = aesDecryptBlocks(rawBlocks(block as number[]), key);
    expect(paddingValid).toBe(false);
    expect(plaintext).toEqual(Buffer.from(block as number[]));
  });

  it('accepts a full block of padding', () => {
    const { plaintext, paddingValid } = aesDecryptBlocks(rawBlocks([...Array(16).fill(65), ...Array(16).fill(16)]), key);
    expect(paddingValid).toBe(true);
    expect(plaintext).toEqual(Buffer.from(Array(16).fill(65)));
  });
});
