/**
 * Byte-exact reproduction of the vectors the real PHP merchant client
 * (hedeqiang/payease) produced: if any of these fails, a real merchant or
 * the real gateway would reject us.
 */

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';

import { loadVectorKeys, loadVectors, vectorFile, VECTOR_PFX_PASSWORD } from '../test-support/fixtures.js';
import { aesDecryptFromBase64, aesEncryptToBase64 } from './aes-body.js';
import { canonicalString } from './canonical.js';
import { extractCiphertext, openEnvelope, sealRequest, sealResponse } from './envelope.js';
import { unwrapAesKey } from './key-wrap.js';
import { loadCertificate, loadPfx } from './keys.js';
import { signPayload, verifyPayload } from './signature.js';

const vectors = loadVectors();
const keys = loadVectorKeys();
const rejectionSecret = Buffer.alloc(32, 7);

describe('the vector keys', () => {
  it('are read the same from the .pfx files as from the PEM/DER files', () => {
    for (const side of ['merchant', 'gateway'] as const) {
      const { privateKey, certificate } = loadPfx(vectorFile(`${side}.pfx`), VECTOR_PFX_PASSWORD);
      const pem = side === 'merchant' ? keys.merchantKey : keys.gatewayKey;
      expect(privateKey.export({ type: 'pkcs8', format: 'der' })).toEqual(pem.export({ type: 'pkcs8', format: 'der' }));
      expect(certificate.raw).toEqual(vectorFile(`${side}.cer`));
      expect(loadCertificate(vectorFile(`${side}.pem`)).raw).toEqual(vectorFile(`${side}.cer`));
    }
  });
});

describe.each(vectors)('vector $name', (vector) => {
  const aesKey = Buffer.from(vector.aesKey, 'utf8');

  it('builds the request canonical string', () => {
    expect(canonicalString(vector.payload, 'request')).toBe(vector.requestCanonical);
    expect(createHash('sha1').update(vector.requestCanonical, 'utf8').digest('hex')).toBe(vector.requestCanonicalSha1Hex);
  });

  it('builds the verify canonical string', () => {
    expect(canonicalString(vector.payload, 'verify')).toBe(vector.verifyCanonical);
  });

  it('signs the request like the client (MD5withRSA over raw SHA1)', () => {
    expect(signPayload(vector.payload, keys.merchantKey, 'request')).toBe(vector.requestHmac);
  });

  it('signs an answer the way the client verifies it', () => {
    expect(signPayload(vector.payload, keys.gatewayKey, 'verify')).toBe(vector.verifyHmacByGateway);
    expect(signPayload(vector.payload, keys.gatewayKey)).toBe(vector.verifyHmacByGateway);
  });

  it('writes the same JSON and AES body', () => {
    expect(JSON.stringify({ ...vector.payload, hmac: vector.requestHmac })).toBe(vector.requestJson);
    expect(aesEncryptToBase64(vector.requestJson, aesKey)).toBe(vector.body);
    expect(aesDecryptFromBase64(vector.body, aesKey).toString('utf8')).toBe(vector.requestJson);
  });

  it('unwraps the encryptKey with the gateway key', () => {
    expect(unwrapAesKey(vector.encryptKey, keys.gatewayKey, rejectionSecret).toString('utf8')).toBe(vector.aesKey);
  });

  it('seals the request byte for byte', () => {
    const sealed = sealRequest({
      payload: vector.payload,
      merchantId: '890000593',
      signingKey: keys.merchantKey,
      recipient: keys.gatewayCert.publicKey,
      aesKey: vector.aesKey,
    });
    expect(sealed.body).toBe(vector.body);
    expect(sealed.json).toBe(vector.requestJson);
    expect(sealed.headers['Content-Type']).toBe('application/vnd.5upay-v3.0+json');
    expect(sealed.headers.merchantId).toBe('890000593');
    expect(sealed.headers.requestId).toBe(vector.payload['requestId']);
    // The wrap is randomized; it must still carry the same key to the gateway.
    expect(unwrapAesKey(sealed.headers.encryptKey, keys.gatewayKey, rejectionSecret).toString('utf8')).toBe(vector.aesKey);
  });

  it('opens the client request and verifies it against merchant.cer', () => {
    const { payload, json } = openEnvelope({
      encryptKey: vector.encryptKey,
      ciphertext: extractCiphertext(vector.body),
      privateKey: keys.gatewayKey,
      rejectionSecret,
    });
    expect(json).toBe(vector.requestJson);
    expect(payload).toEqual({ ...vector.payload, hmac: vector.requestHmac });
    expect(verifyPayload(payload, [loadCertificate(vectorFile('merchant.cer')).publicKey])).toBe(true);
    expect(verifyPayload(payload, [keys.gatewayCert.publicKey])).toBe(false);
  });

  it('accepts the gateway-signed answer with gateway.cer', () => {
    const answer = { ...vector.payload, hmac: vector.verifyHmacByGateway };
    expect(verifyPayload(answer, [keys.gatewayCert.publicKey])).toBe(true);
    expect(verifyPayload(answer, [keys.merchantCert.publicKey])).toBe(false);
  });

  it('seals an answer that opens and verifies on the merchant side', () => {
    const sealed = sealResponse({
      payload: vector.payload,
      merchantId: '890000593',
      signingKey: keys.gatewayKey,
      recipient: keys.merchantCert.publicKey,
    });
    const { payload } = openEnvelope({
      encryptKey: sealed.headers.encryptKey,
      ciphertext: extractCiphertext(sealed.body),
      privateKey: keys.merchantKey,
      rejectionSecret,
    });
    expect(verifyPayload(payload, [keys.gatewayCert.publicKey])).toBe(true);
    // Omitting top-level "" / null does not change the verify canonical string the client rebuilds.
    expect(canonicalString(payload, 'verify')).toBe(vector.verifyCanonical);
  });
});
