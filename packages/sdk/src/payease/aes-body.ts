/**
 * The envelope body cipher: AES-128-ECB with PKCS#7 padding, base64.
 * ECB is what the protocol prescribes (every PayEase client uses it); the
 * key is fresh for each message, which is what keeps ECB tolerable here.
 */

import { createCipheriv, createDecipheriv } from 'node:crypto';

import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { AES_KEY_BYTES } from '../limits.js';
import { decodeStrictBase64 } from './base64.js';

const CIPHER = 'aes-128-ecb';

/** Encrypts `plaintext` (a string is taken as UTF-8) and returns the base64 ciphertext. */
export function aesEncryptToBase64(plaintext: string | Uint8Array, aesKey: Uint8Array): string {
  checkKey(aesKey);
  const cipher = createCipheriv(CIPHER, aesKey, null); // PKCS#7 padding is Node's default
  const input = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return Buffer.concat([cipher.update(input), cipher.final()]).toString('base64');
}

/**
 * Decrypts a base64 ciphertext. Throws `MalformedInputError` for bad base64
 * and Node's error for a bad padding; callers that face the network wrap
 * both into one error (see envelope.ts).
 */
export function aesDecryptFromBase64(ciphertextBase64: string, aesKey: Uint8Array): Buffer {
  checkKey(aesKey);
  const ciphertext = decodeStrictBase64(ciphertextBase64);
  if (ciphertext === undefined || ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new MalformedInputError('AES body is not a base64 sequence of 16-byte blocks');
  }
  const decipher = createDecipheriv(CIPHER, aesKey, null);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/**
 * Decrypts every block without checking the padding as it goes, and judges
 * the PKCS#7 padding afterwards without branching on its bytes. For code
 * that faces the network: a bad padding must not end the work earlier than
 * a bad message would, or the time of a refusal would tell which one it was.
 * `plaintext` is the unpadded message when the padding is valid, all the
 * blocks otherwise.
 */
export function aesDecryptBlocks(ciphertextBase64: string, aesKey: Uint8Array): { plaintext: Buffer; paddingValid: boolean } {
  checkKey(aesKey);
  const ciphertext = decodeStrictBase64(ciphertextBase64);
  if (ciphertext === undefined || ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new MalformedInputError('AES body is not a base64 sequence of 16-byte blocks');
  }
  const decipher = createDecipheriv(CIPHER, aesKey, null).setAutoPadding(false);
  const blocks = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const pad = blocks[blocks.length - 1]!;
  // bad != 0 when the pad length is outside 1..16 or any of the last `pad` bytes differs from it.
  let bad = ((pad - 1) >>> 31) | ((16 - pad) >>> 31);
  for (let i = 0; i < 16; i++) {
    const inPad = ((i - pad) >>> 31) & 1; // 1 when i < pad
    bad |= inPad * (blocks[blocks.length - 1 - i]! ^ pad);
  }
  const paddingValid = bad === 0;
  return { plaintext: paddingValid ? blocks.subarray(0, blocks.length - pad) : blocks, paddingValid };
}

function checkKey(aesKey: Uint8Array): void {
  if (aesKey.length !== AES_KEY_BYTES) {
    throw new InvalidArgumentError(`AES key must be ${AES_KEY_BYTES} bytes, got ${aesKey.length}`);
  }
}
