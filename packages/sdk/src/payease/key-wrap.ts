/**
 * `encryptKey`: the per-message AES key, RSA-encrypted (PKCS#1 v1.5) to the
 * receiver's certificate.
 *
 * Unwrapping PKCS#1 v1.5 is the classic Bleichenbacher/Marvin oracle: if a
 * sender can tell a bad padding from a good one (by an error, or by timing),
 * it can decrypt any captured `encryptKey`. Node ≥ 20.11 therefore refuses
 * `RSA_PKCS1_PADDING` for private decryption, and we must not switch that
 * protection off. Instead we decrypt raw (`RSA_NO_PADDING`, blinded inside
 * OpenSSL) and check the padding here without data-dependent branches; a bad
 * padding yields a deterministic pseudo-random key (implicit rejection, as in
 * OpenSSL 3.2+), so the caller proceeds identically and fails later on the
 * AES padding or the JSON, indistinguishably from a right-length wrong key.
 */

import { constants, createHmac, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';

import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { AES_KEY_BYTES, REJECTION_SECRET_BYTES_MIN, RSA_MODULUS_BYTES_MIN } from '../limits.js';
import { decodeStrictBase64 } from './base64.js';

/** Encrypts `aesKey` to `recipient` (a public key, or a private key's public half); base64. */
export function wrapAesKey(aesKey: Uint8Array, recipient: KeyObject): string {
  if (aesKey.length !== AES_KEY_BYTES) {
    throw new InvalidArgumentError(`AES key must be ${AES_KEY_BYTES} bytes, got ${aesKey.length}`);
  }
  modulusBytes(recipient);
  return publicEncrypt({ key: recipient, padding: constants.RSA_PKCS1_PADDING }, aesKey).toString('base64');
}

/**
 * Decrypts `encryptKeyBase64` with `privateKey` and returns the 16-byte AES
 * key — or, if the padding is wrong or the key is not 16 bytes, the first 16
 * bytes of HMAC-SHA256(rejectionSecret, ciphertext). Never reports which.
 *
 * Throws `MalformedInputError` only for what is visible without the private
 * key: malformed base64 or a ciphertext that is not exactly one modulus long.
 */
export function unwrapAesKey(encryptKeyBase64: string, privateKey: KeyObject, rejectionSecret: Uint8Array): Buffer {
  if (rejectionSecret.length < REJECTION_SECRET_BYTES_MIN) {
    throw new InvalidArgumentError(`rejection secret must be at least ${REJECTION_SECRET_BYTES_MIN} bytes`);
  }
  const k = modulusBytes(privateKey);
  const ciphertext = decodeStrictBase64(encryptKeyBase64);
  if (ciphertext === undefined || ciphertext.length !== k) {
    throw new MalformedInputError('encryptKey is not base64 of one RSA block');
  }

  // Computed before decryption and unconditionally, so the work is the same for good and bad paddings.
  const synthetic = createHmac('sha256', rejectionSecret).update(ciphertext).digest().subarray(0, AES_KEY_BYTES);
  let em: Buffer;
  try {
    em = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    // OpenSSL rejects only a ciphertext numerically ≥ the modulus: public information.
    throw new MalformedInputError('encryptKey is not base64 of one RSA block');
  }
  if (em.length !== k) throw new MalformedInputError('encryptKey is not base64 of one RSA block');

  const good = paddingIsValidMask(em, k);
  const key = Buffer.alloc(AES_KEY_BYTES);
  const messageStart = k - AES_KEY_BYTES;
  for (let i = 0; i < AES_KEY_BYTES; i++) {
    // good is 0xff or 0x00: pick one byte or the other without branching on it.
    key[i] = (em[messageStart + i]! & good) | (synthetic[i]! & ~good & 0xff);
  }
  em.fill(0);
  return key;
}

/**
 * A rejection secret derived from the private key itself (as OpenSSL 3.2
 * derives its implicit-rejection key), so it is stable across restarts and
 * across gateway instances sharing the key, and needs no storage of its own.
 */
export function rejectionSecretFor(privateKey: KeyObject): Buffer {
  return createHmac('sha256', privateKey.export({ type: 'pkcs8', format: 'der' }))
    .update('OpenCashier PKCS#1 v1.5 implicit rejection v1')
    .digest();
}

/**
 * 0xff if EM = 00 || 02 || PS (k-19 non-zero bytes) || 00 || M (16 bytes),
 * 0x00 otherwise. Every byte is read and folded in with arithmetic only; the
 * expected message length is fixed, so the position of the separator is
 * public and no scan for it is needed.
 */
function paddingIsValidMask(em: Buffer, k: number): number {
  const separator = k - AES_KEY_BYTES - 1;
  let bad = 0;
  bad |= isZeroBit(em[0]!) ^ 1;
  bad |= isZeroBit(em[1]! ^ 0x02) ^ 1;
  for (let i = 2; i < separator; i++) bad |= isZeroBit(em[i]!);
  bad |= isZeroBit(em[separator]!) ^ 1;
  // bad is 0 or 1; (bad - 1) is -1 (all ones) when good, 0 when bad.
  return (bad - 1) & 0xff;
}

/** 1 if the byte is zero, 0 otherwise, without a comparison: (0 - 1) has its sign bit set, (1..255) - 1 does not. */
function isZeroBit(byte: number): number {
  return ((byte - 1) >>> 31) & 1;
}

function modulusBytes(key: KeyObject): number {
  if (key.asymmetricKeyType !== 'rsa') {
    throw new InvalidArgumentError('encryptKey needs an RSA key');
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits === undefined || bits % 8 !== 0 || bits / 8 < RSA_MODULUS_BYTES_MIN) {
    throw new InvalidArgumentError(`RSA key must be at least ${RSA_MODULUS_BYTES_MIN * 8} bits and a whole number of bytes`);
  }
  return bits / 8;
}
