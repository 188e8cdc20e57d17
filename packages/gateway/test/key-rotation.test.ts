import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, loadCertificate, loadPfx, openEnvelope, sealRequest, rejectionSecretFor, verifyPayload } from '@opencashier/sdk';
import { loadGatewayKeys, rotateGatewayKey } from '../src/keys/gateway-keys.js';
import { GatewayEnvelope } from '../src/protocols/payease/gateway-envelope.js';
import { EnvelopePool } from '../src/protocols/payease/envelope-pool.js';
import { GatewayError } from '../src/domain/errors.js';
import { startTestGateway, type TestGateway } from './harness.js';

describe('key rotation', () => {
  let t: TestGateway;
  let nowMs = Date.now();
  beforeAll(async () => {
    t = await startTestGateway({}, { background: false, clock: () => nowMs });
  });
  afterAll(async () => t?.close());

  const payload = (requestId: string) => ({ merchantId: t.merchant.merchantId, requestId });

  it('a rotated gateway key keeps opening requests during the overlap, then stops', async () => {
    const merchant = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
    const oldGatewayCert = loadCertificate(readFileSync(t.merchant.gatewayCertPath));
    const ring = rotateGatewayKey(t.config.dataDir, t.gateway.kek, nowMs, 60_000);
    expect(loadGatewayKeys(t.config.dataDir, t.gateway.kek)!.current.id).toBe(ring.current.id);
    const newGatewayCert = loadCertificate(readFileSync(t.merchant.gatewayCertPath));
    expect(newGatewayCert.fingerprint256).not.toBe(oldGatewayCert.fingerprint256);
    const envelope = new GatewayEnvelope(ring, t.gateway.merchants, Buffer.alloc(32, 7), () => nowMs);

    for (const cert of [oldGatewayCert, newGatewayCert]) {
      const s = sealRequest({ payload: payload('rot-1'), merchantId: t.merchant.merchantId, signingKey: merchant.privateKey, recipient: cert.publicKey });
      const opened = await envelope.openRequest(s.headers, s.body);
      expect(opened.payload.requestId).toBe('rot-1');
      // Answers are signed with the new key.
      const answer = await envelope.seal(t.merchant.merchantId, { key: opened.recipient, pem: opened.recipientPem }, { status: 'SUCCESS' });
      const fields = openEnvelope({ encryptKey: answer.headers.encryptKey!, ciphertext: JSON.parse(answer.body).data, privateKey: merchant.privateKey, rejectionSecret: rejectionSecretFor(merchant.privateKey) }).payload;
      expect(verifyPayload(fields, [newGatewayCert.publicKey])).toBe(true);
      expect(verifyPayload(fields, [oldGatewayCert.publicKey])).toBe(false);
    }
    // On envelope threads too, by the gateway's clock.
    const pool = new EnvelopePool(1, ring, Buffer.alloc(32, 7));
    try {
      const threaded = new GatewayEnvelope(ring, t.gateway.merchants, Buffer.alloc(32, 7), () => nowMs, pool);
      const early = sealRequest({ payload: payload('rot-3'), merchantId: t.merchant.merchantId, signingKey: merchant.privateKey, recipient: oldGatewayCert.publicKey });
      expect((await threaded.openRequest(early.headers, early.body)).payload.requestId).toBe('rot-3');
      nowMs += 60_001;
      const late = sealRequest({ payload: payload('rot-2'), merchantId: t.merchant.merchantId, signingKey: merchant.privateKey, recipient: oldGatewayCert.publicKey });
      await expect(envelope.openRequest(late.headers, late.body)).rejects.toMatchObject({ code: 'ENVELOPE_INVALID' });
      await expect(threaded.openRequest(late.headers, late.body)).rejects.toMatchObject({ code: 'ENVELOPE_INVALID' });
    } finally {
      await pool.close();
    }
  });

  it('an uploaded merchant certificate verifies beside the previous one during the overlap; answers go to the key that signed', async () => {
    const ring = loadGatewayKeys(t.config.dataDir, t.gateway.kek)!;
    const gatewayCert = ring.current.certificate;
    const oldMerchant = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
    const fresh = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const freshCert = createSelfSignedCertificate({ privateKey: fresh.privateKey, publicKey: fresh.publicKey, commonName: 'rotated merchant', validityDays: 30 });
    await t.gateway.merchants.addCertificate(t.merchant.merchantId, freshCert, nowMs, 60_000);
    const envelope = new GatewayEnvelope(ring, t.gateway.merchants, Buffer.alloc(32, 7), () => nowMs);

    for (const key of [oldMerchant.privateKey, fresh.privateKey]) {
      const s = sealRequest({ payload: payload('mrot-1'), merchantId: t.merchant.merchantId, signingKey: key, recipient: gatewayCert.publicKey });
      const opened = await envelope.openRequest(s.headers, s.body);
      const answer = await envelope.seal(t.merchant.merchantId, { key: opened.recipient, pem: opened.recipientPem }, { status: 'SUCCESS' });
      // The merchant that sent the request can read the answer with the key it used.
      const fields = openEnvelope({ encryptKey: answer.headers.encryptKey!, ciphertext: JSON.parse(answer.body).data, privateKey: key, rejectionSecret: rejectionSecretFor(key) }).payload;
      expect(fields.status).toBe('SUCCESS');
    }
    nowMs += 60_001;
    const fresher = new GatewayEnvelope(ring, t.gateway.merchants, Buffer.alloc(32, 7), () => nowMs);
    const late = sealRequest({ payload: payload('mrot-2'), merchantId: t.merchant.merchantId, signingKey: oldMerchant.privateKey, recipient: gatewayCert.publicKey });
    await expect(fresher.openRequest(late.headers, late.body)).rejects.toBeInstanceOf(GatewayError);
  });
});
