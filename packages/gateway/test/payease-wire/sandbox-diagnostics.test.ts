import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aesEncryptToBase64, generateAesKey, signPayload, wrapAesKey } from '@opencashier/sdk';
import { plainErrorBody } from '../../src/protocols/payease/plain-error.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { exchangeOnOneConnection, merchantWireKeys, rawRequest, sealJsonText, type MerchantWireKeys } from './raw-wire.js';

interface Bad {
  what: string;
  check: string;
  make(keys: MerchantWireKeys): { encryptKey?: string; body: string };
}

const payload = (keys: MerchantWireKeys) => ({ merchantId: keys.merchantId, requestId: 'dg-1', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r', remark: '0' });

/** A sealed body whose JSON text is `json` exactly, with a good key wrap. */
function sealText(keys: MerchantWireKeys, json: string): { encryptKey: string; body: string } {
  const aesKey = generateAesKey();
  return { encryptKey: wrapAesKey(aesKey, keys.gatewayPublicKey), body: aesEncryptToBase64(json, aesKey) };
}

const BAD: Bad[] = [
  { what: 'no encryptKey header', check: 'ENCRYPT_KEY', make: (k) => ({ body: sealJsonText(k, JSON.stringify(payload(k)), payload(k)).body }) },
  { what: 'a body that is not base64 blocks', check: 'BODY', make: (k) => ({ ...sealJsonText(k, JSON.stringify(payload(k)), payload(k)), body: 'not base64!' }) },
  { what: 'an encryptKey of the wrong length', check: 'ENCRYPT_KEY', make: (k) => ({ ...sealJsonText(k, JSON.stringify(payload(k)), payload(k)), encryptKey: 'AAAA' }) },
  {
    what: 'a key wrapped to another key than the gateway (the merchant key)',
    check: 'DECRYPT',
    make: (k) => {
      // A block at or above the gateway modulus is refused as ENCRYPT_KEY (public arithmetic); keep one below it.
      const gatewayModulus = BigInt(`0x${Buffer.from(k.gatewayPublicKey.export({ format: 'jwk' }).n!, 'base64url').toString('hex')}`);
      for (;;) {
        const aesKey = generateAesKey();
        const encryptKey = wrapAesKey(aesKey, k.signingKey);
        if (BigInt(`0x${Buffer.from(encryptKey, 'base64').toString('hex')}`) < gatewayModulus) return { encryptKey, body: aesEncryptToBase64(JSON.stringify(payload(k)), aesKey) };
      }
    },
  },
  {
    what: 'a body encrypted with another AES key than the wrapped one',
    check: 'DECRYPT',
    make: (k) => ({ encryptKey: wrapAesKey(generateAesKey(), k.gatewayPublicKey), body: aesEncryptToBase64(JSON.stringify(payload(k)), generateAesKey()) }),
  },
  { what: 'a body that is not JSON', check: 'JSON', make: (k) => sealText(k, '{"merchantId": 1,') },
  { what: 'a JSON list', check: 'JSON', make: (k) => sealText(k, '[1,2]') },
  { what: 'no hmac', check: 'SIGNATURE', make: (k) => sealText(k, JSON.stringify(payload(k))) },
];

describe.each(testDatabases())('envelope diagnostics (%s)', (_name, env) => {
  describe('sandbox merchant', () => {
    let t: TestGateway;
    let keys: MerchantWireKeys;
    let port: number;
    beforeAll(async () => {
      t = await startTestGateway(env, { background: false });
      keys = merchantWireKeys(t);
      port = Number(new URL(t.baseUrl).port);
      expect((await t.gateway.merchants.find(keys.merchantId))?.sandbox).toBe(true);
    });
    afterAll(() => t.close());

    const send = async (sealed: { encryptKey?: string; body: string }) => {
      const headers: Record<string, string> = { merchantId: keys.merchantId, ...(sealed.encryptKey !== undefined ? { encryptKey: sealed.encryptKey } : {}) };
      const [answer] = await exchangeOnOneConnection(port, [rawRequest('/icc/order', headers, sealed.body)]);
      expect(answer!.statusLine).toBe('HTTP/1.1 400 Bad Request');
      return JSON.parse(answer!.body) as Record<string, unknown> & { diagnostic: { check: string; detail: string; canonical?: { strict: string; strictSha1: string; client: string; clientSha1: string } } };
    };

    it.each(BAD.map((b) => [b.what, b] as const))('%s: ENVELOPE_INVALID saying which check failed', async (_what, bad) => {
      const body = await send(bad.make(keys));
      expect(body).toMatchObject({ ...plainErrorBody('ENVELOPE_INVALID'), diagnostic: { check: bad.check } });
      expect(body.diagnostic.detail.length).toBeGreaterThan(0);
    });

    it('a wrong signature comes with both canonical strings the gateway verified against', async () => {
      const p = payload(keys);
      // Signed over the wrong content (another amount): the hmac does not verify.
      const hmac = signPayload({ ...p, orderAmount: '999' }, keys.signingKey, 'request');
      const body = await send(sealText(keys, JSON.stringify({ ...p, hmac })));
      expect(body.diagnostic.check).toBe('SIGNATURE');
      // Values in ksort order; remark "0" is kept by the strict rule, dropped by the PHP client's request rule.
      const strict = 'https://shop.example/r#890000593#https://shop.example/n#100#USD#0#dg-1#'.replace('890000593', keys.merchantId);
      const client = strict.replace('#0#dg-1#', '#dg-1#');
      expect(body.diagnostic.canonical).toEqual({
        strict,
        strictSha1: createHash('sha1').update(strict).digest('hex'),
        client,
        clientSha1: createHash('sha1').update(client).digest('hex'),
      });
      // Nothing was written for the refused request.
      expect(await t.gateway.orders.findByRequest(keys.merchantId, 'dg-1')).toBeUndefined();
    });

    it('masks card-number-like digit runs in the canonical strings, not in their SHA-1', async () => {
      const p = { ...payload(keys), remark: '4242424242424242' };
      const hmac = signPayload({ ...p, remark: 'x' }, keys.signingKey, 'request');
      const body = await send(sealText(keys, JSON.stringify({ ...p, hmac })));
      expect(body.diagnostic.canonical!.strict).toContain('#424242******4242#');
      expect(JSON.stringify(body)).not.toContain('4242424242424242');
      const unmasked = body.diagnostic.canonical!.strict.replace('424242******4242', '4242424242424242');
      expect(body.diagnostic.canonical!.strictSha1).toBe(createHash('sha1').update(unmasked).digest('hex'));
    });
  });

  describe('live merchant', () => {
    let t: TestGateway;
    let keys: MerchantWireKeys;
    let port: number;
    beforeAll(async () => {
      t = await startTestGateway(env, { background: false });
      keys = merchantWireKeys(t);
      port = Number(new URL(t.baseUrl).port);
      // Before any request, so no cached sandbox flag is in play.
      expect(await t.gateway.merchants.setSandbox(keys.merchantId, false)).toBe(true);
    });
    afterAll(() => t.close());

    it('answers every bad envelope with one uniform ENVELOPE_INVALID, byte for byte', async () => {
      const bodies = new Set<string>();
      for (const bad of BAD) {
        const sealed = bad.make(keys);
        const headers: Record<string, string> = { merchantId: keys.merchantId, ...(sealed.encryptKey !== undefined ? { encryptKey: sealed.encryptKey } : {}) };
        const [answer] = await exchangeOnOneConnection(port, [rawRequest('/icc/order', headers, sealed.body)]);
        expect(answer!.statusLine).toBe('HTTP/1.1 400 Bad Request');
        bodies.add(answer!.body);
      }
      expect([...bodies]).toEqual([JSON.stringify(plainErrorBody('ENVELOPE_INVALID'))]);
    });
  });
});
