import { constants, createHmac, generateKeyPairSync, publicEncrypt, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { InvalidArgumentError, MalformedInputError } from '../errors.js';
import { loadVectorKeys, makeTempDir, sh, VECTOR_KEY_DIR } from '../test-support/fixtures.js';
import { rejectionSecretFor, unwrapAesKey, wrapAesKey } from './key-wrap.js';

const keys = loadVectorKeys();
const gatewayKeyFile = join(VECTOR_KEY_DIR, 'gateway.key');
const gatewayCertFile = join(VECTOR_KEY_DIR, 'gateway.pem');
const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const temp = makeTempDir();
afterAll(() => temp.remove());

const k = 256; // gateway.key is RSA-2048

/** What implicit rejection must return, computed here with node:crypto directly. */
function syntheticKey(ciphertextBase64: string, rejectionSecret: Buffer = secret): Buffer {
  return createHmac('sha256', rejectionSecret).update(Buffer.from(ciphertextBase64, 'base64')).digest().subarray(0, 16);
}

/** Encrypts a hand-built encoded message EM with raw RSA, to probe the padding check. */
function rawEncrypt(em: Buffer): string {
  expect(em.length).toBe(k);
  return publicEncrypt({ key: keys.gatewayCert.publicKey, padding: constants.RSA_NO_PADDING }, em).toString('base64');
}

function wellFormedEm(message: Buffer): Buffer {
  const em = Buffer.alloc(k);
  em[1] = 0x02;
  const psEnd = k - message.length - 1;
  for (let i = 2; i < psEnd; i++) em[i] = 1 + (i % 255);
  message.copy(em, psEnd + 1);
  return em;
}

describe('wrapAesKey / unwrapAesKey', () => {
  it('round-trip', () => {
    for (let i = 0; i < 5; i++) {
      const aesKey = randomBytes(16);
      expect(unwrapAesKey(wrapAesKey(aesKey, keys.gatewayCert.publicKey), keys.gatewayKey, secret)).toEqual(aesKey);
    }
  });

  it('unwraps what `openssl pkeyutl -encrypt` (PKCS#1 v1.5) wrapped', () => {
    const aesKey = Buffer.from('Zz09Yy18Xx27Ww36');
    const wrapped = sh(`openssl pkeyutl -encrypt -certin -inkey '${gatewayCertFile}' -pkeyopt rsa_padding_mode:pkcs1 | base64 -w0`, {
      input: aesKey,
    }).toString();
    expect(unwrapAesKey(wrapped, keys.gatewayKey, secret)).toEqual(aesKey);
  });

  it('wraps what `openssl pkeyutl -decrypt` unwraps', () => {
    const aesKey = Buffer.from('Qq45Rr67Ss89Tt01');
    const file = join(temp.dir, 'wrapped.bin');
    writeFileSync(file, Buffer.from(wrapAesKey(aesKey, keys.gatewayCert.publicKey), 'base64'));
    expect(sh(`openssl pkeyutl -decrypt -inkey '${gatewayKeyFile}' -pkeyopt rsa_padding_mode:pkcs1 -in '${file}'`)).toEqual(aesKey);
  });

  it('reads a hand-built valid padding (PS bytes all non-zero, zero separator)', () => {
    const message = Buffer.from('0000000000000000'); // the message itself may hold any bytes
    expect(unwrapAesKey(rawEncrypt(wellFormedEm(message)), keys.gatewayKey, secret)).toEqual(message);
    const zeros = Buffer.alloc(16);
    expect(unwrapAesKey(rawEncrypt(wellFormedEm(zeros)), keys.gatewayKey, secret)).toEqual(zeros);
  });

  describe('implicit rejection', () => {
    const message = Buffer.from('Kk11Ll22Mm33Nn44');
    const broken: [string, () => Buffer][] = [
      ['first byte not 0', () => Object.assign(wellFormedEm(message), { 0: 0x01 })],
      ['block type 1', () => Object.assign(wellFormedEm(message), { 1: 0x01 })],
      ['block type 0', () => Object.assign(wellFormedEm(message), { 1: 0x00 })],
      ['zero byte inside PS', () => Object.assign(wellFormedEm(message), { 40: 0x00 })],
      ['zero as the first PS byte', () => Object.assign(wellFormedEm(message), { 2: 0x00 })],
      ['separator not zero', () => Object.assign(wellFormedEm(message), { [k - 17]: 0x05 })],
      ['15-byte key', () => wellFormedEm(message.subarray(0, 15))],
      ['17-byte key', () => wellFormedEm(Buffer.concat([message, Buffer.from('!')]))],
    ];

    it.each(broken)('returns HMAC-SHA256(secret, ciphertext)[0..16] for %s, deterministically', (_name, build) => {
      const ciphertext = rawEncrypt(build());
      const first = unwrapAesKey(ciphertext, keys.gatewayKey, secret);
      expect(first).toEqual(syntheticKey(ciphertext));
      expect(unwrapAesKey(ciphertext, keys.gatewayKey, secret)).toEqual(first);
      const otherSecret = Buffer.alloc(32, 9);
      expect(unwrapAesKey(ciphertext, keys.gatewayKey, otherSecret)).toEqual(syntheticKey(ciphertext, otherSecret));
    });

    it('also for a 24-byte key wrapped by openssl', () => {
      const wrapped = sh(`openssl pkeyutl -encrypt -certin -inkey '${gatewayCertFile}' | base64 -w0`, { input: 'twenty-four bytes long!!' }).toString();
      expect(unwrapAesKey(wrapped, keys.gatewayKey, secret)).toEqual(syntheticKey(wrapped));
    });

    it('and for a key wrapped to another recipient', () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const gatewayModulus = BigInt(`0x${Buffer.from(keys.gatewayCert.publicKey.export({ format: 'jwk' }).n!, 'base64url').toString('hex')}`);
      // Another recipient's ciphertext is below *its* modulus, not necessarily below ours; one
      // that is not is refused as malformed (public information, tested below). The padding is
      // random, so wrapping again soon gives a ciphertext that reaches the padding check.
      let wrapped = '';
      for (let attempt = 0; attempt < 64; attempt++) {
        wrapped = wrapAesKey(Buffer.from('Kk11Ll22Mm33Nn44'), other.publicKey);
        if (BigInt(`0x${Buffer.from(wrapped, 'base64').toString('hex')}`) < gatewayModulus) break;
        expect(() => unwrapAesKey(wrapped, keys.gatewayKey, secret)).toThrow(MalformedInputError);
      }
      expect(unwrapAesKey(wrapped, keys.gatewayKey, secret)).toEqual(syntheticKey(wrapped));
    });
  });

  it('derives a stable per-key rejection secret the unwrapper accepts', () => {
    const secretOfGateway = rejectionSecretFor(keys.gatewayKey);
    expect(secretOfGateway).toHaveLength(32);
    expect(rejectionSecretFor(keys.gatewayKey)).toEqual(secretOfGateway);
    expect(rejectionSecretFor(keys.merchantKey)).not.toEqual(secretOfGateway);
    const aesKey = randomBytes(16);
    expect(unwrapAesKey(wrapAesKey(aesKey, keys.gatewayCert.publicKey), keys.gatewayKey, secretOfGateway)).toEqual(aesKey);
  });

  it('throws a typed error only for what is public: base64 and length', () => {
    const good = wrapAesKey(randomBytes(16), keys.gatewayCert.publicKey);
    for (const bad of ['', '***', `${good}=`, good.slice(4), Buffer.alloc(257).toString('base64'), Buffer.alloc(256, 0xff).toString('base64')]) {
      expect(() => unwrapAesKey(bad, keys.gatewayKey, secret)).toThrow(MalformedInputError);
    }
  });

  it('refuses short secrets, wrong key sizes and non-RSA keys', () => {
    const good = wrapAesKey(randomBytes(16), keys.gatewayCert.publicKey);
    expect(() => unwrapAesKey(good, keys.gatewayKey, Buffer.alloc(15))).toThrow(InvalidArgumentError);
    expect(() => wrapAesKey(randomBytes(32), keys.gatewayCert.publicKey)).toThrow(InvalidArgumentError);
    expect(() => wrapAesKey(randomBytes(16), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey)).toThrow(InvalidArgumentError);
    expect(() => wrapAesKey(randomBytes(16), generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey)).toThrow(InvalidArgumentError);
  });
});
