import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificate, loadPfx, openEnvelope, sealRequest, signPayload, aesEncryptToBase64, wrapAesKey, PAYEASE_V3_CONTENT_TYPE } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

/**
 * Every bad input gets its documented code and writes nothing. Requests are
 * built by hand with the codec so each can be broken in one precise way.
 */
describe.each(testDatabases())('bad input to the PayEase API (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let merchantKey: KeyObject;
  let gatewayCert: KeyObject;

  const order = (over: Record<string, unknown> = {}) => ({
    merchantId: t.merchant.merchantId,
    requestId: `bad-${Math.random().toString(36).slice(2)}`,
    orderAmount: '1000',
    orderCurrency: 'USD',
    notifyUrl: 'https://shop.example/notify',
    callbackUrl: 'https://shop.example/return',
    ...over,
  });

  const post = async (headers: Record<string, string>, body: string, path = 'icc/order') => {
    const res = await fetch(`${t.baseUrl}/${path}`, { method: 'POST', headers, body });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };

  /** Opens a sealed answer with the merchant key, as a client would. */
  const openAnswer = (r: { headers: Headers; text: string }) =>
    openEnvelope({ encryptKey: r.headers.get('encryptKey')!, ciphertext: JSON.parse(r.text).data, privateKey: merchantKey, rejectionSecret: Buffer.alloc(32) }).payload;

  const sealed = (payload: Record<string, unknown>, merchantId = t.merchant.merchantId) =>
    sealRequest({ payload, merchantId, signingKey: merchantKey, recipient: gatewayCert });

  const orderCount = async () => Number((await t.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    const pfx = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
    merchantKey = pfx.privateKey;
    gatewayCert = loadCertificate(readFileSync(t.merchant.gatewayCertPath)).publicKey;
  });
  afterAll(async () => t?.close());

  const expectPlain = async (r: { status: number; text: string }, status: number, code: string) => {
    expect(r.status).toBe(status);
    expect(JSON.parse(r.text)).toMatchObject({ code });
  };

  const expectEnvelopeInvalid = async (headers: Record<string, string>, body: string) => {
    const before = await orderCount();
    const r = await post(headers, body);
    await expectPlain(r, 400, 'ENVELOPE_INVALID');
    // Uniform: the body is the same for every envelope failure. The demo merchant is a sandbox
    // merchant, so it is also told which check failed; a live merchant is not (payease-wire/sandbox-diagnostics.test.ts).
    const { diagnostic, ...uniform } = JSON.parse(r.text) as Record<string, unknown>;
    expect(uniform).toEqual({ status: 'ERROR', code: 'ENVELOPE_INVALID', errorMessage: 'The request envelope could not be opened or verified.' });
    expect(diagnostic).toMatchObject({ check: expect.stringMatching(/^(BODY|ENCRYPT_KEY|DECRYPT|JSON|SIGNATURE)$/) });
    expect(await orderCount()).toBe(before);
  };

  it('malformed base64 body', async () => {
    const s = sealed(order());
    await expectEnvelopeInvalid({ ...s.headers }, `${s.body.slice(0, 20)}!!!${s.body.slice(23)}`);
  });

  it('AES key wrapped with the wrong key', async () => {
    const s = sealed(order());
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    await expectEnvelopeInvalid({ ...s.headers, encryptKey: wrapAesKey(Buffer.from('A1b2C3d4E5f6G7h8'), stranger) }, s.body);
  });

  it('tampered body', async () => {
    const s = sealed(order());
    const bytes = Buffer.from(s.body, 'base64');
    bytes[bytes.length - 20]! ^= 0x01;
    await expectEnvelopeInvalid({ ...s.headers }, bytes.toString('base64'));
  });

  it('tampered hmac: a field changed after signing', async () => {
    const payload = order();
    const hmac = signPayload(payload, merchantKey, 'request');
    const aesKey = Buffer.from('A1b2C3d4E5f6G7h8');
    const json = JSON.stringify({ ...payload, orderAmount: '1', hmac });
    await expectEnvelopeInvalid(
      { 'Content-Type': PAYEASE_V3_CONTENT_TYPE, merchantId: t.merchant.merchantId, encryptKey: wrapAesKey(aesKey, gatewayCert) },
      aesEncryptToBase64(json, aesKey),
    );
  });

  it('signature by a key that is not the merchant’s', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const s = sealRequest({ payload: order(), merchantId: t.merchant.merchantId, signingKey: other, recipient: gatewayCert });
    await expectEnvelopeInvalid({ ...s.headers }, s.body);
  });

  it('missing encryptKey header and an empty body', async () => {
    const s = sealed(order());
    const { encryptKey: _drop, ...headers } = s.headers;
    await expectEnvelopeInvalid({ ...headers }, s.body);
    await expectEnvelopeInvalid({ ...s.headers }, '');
  });

  it('accepts the ciphertext inside {"data": …} as well as raw', async () => {
    const s = sealed(order());
    const r = await post({ ...s.headers }, JSON.stringify({ data: s.body }));
    expect(r.status).toBe(200);
    expect(openAnswer(r).status).toBe('SUCCESS');
  });

  it('accepts a body wrapped at 76 columns (Java MIME base64)', async () => {
    const s = sealed(order());
    const r = await post({ ...s.headers }, s.body.replace(/(.{76})/g, '$1\r\n'));
    expect(r.status).toBe(200);
    expect(openAnswer(r).status).toBe('SUCCESS');
  });

  it('__proto__ key inside the encrypted body', async () => {
    const aesKey = Buffer.from('A1b2C3d4E5f6G7h8');
    const hmac = signPayload(order({ requestId: 'proto-1' }), merchantKey, 'request');
    const json = `{"__proto__":{"admin":true},"merchantId":"${t.merchant.merchantId}","requestId":"proto-1","orderAmount":"1000","orderCurrency":"USD","notifyUrl":"https://shop.example/notify","callbackUrl":"https://shop.example/return","hmac":"${hmac}"}`;
    await expectEnvelopeInvalid(
      { 'Content-Type': PAYEASE_V3_CONTENT_TYPE, merchantId: t.merchant.merchantId, encryptKey: wrapAesKey(aesKey, gatewayCert) },
      aesEncryptToBase64(json, aesKey),
    );
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('unknown merchant', async () => {
    const s = sealed(order({ merchantId: '999999999' }), '999999999');
    const r = await post({ ...s.headers }, s.body);
    await expectPlain(r, 400, 'MERCHANT_UNKNOWN');
  });

  it('body over 100 KB', async () => {
    const s = sealed(order());
    const r = await post({ ...s.headers }, 'A'.repeat(100 * 1024 + 4));
    await expectPlain(r, 413, 'BODY_TOO_LARGE');
  });

  describe('sealed refusals (HTTP 200, signed, nothing written)', () => {
    const refuse = async (payload: Record<string, unknown>, code: string) => {
      const before = await orderCount();
      const s = sealed(payload);
      const r = await post({ ...s.headers }, s.body);
      expect(r.status).toBe(200);
      const answer = openAnswer(r);
      expect(answer).toMatchObject({ status: 'FAILED', code });
      expect(typeof answer.errorMessage).toBe('string');
      expect(await orderCount()).toBe(before);
      return answer;
    };

    it.each(['0', '-1', '1.5', '1e3', '1000000000000000000', ' 100', '01'])('amount %j', async (orderAmount) => {
      await refuse(order({ orderAmount }), 'AMOUNT_INVALID');
    });

    // A JSON integer is an amount (seed 002 types amounts as numbers; see payease-wire/json-numbers.test.ts).
    it('amount as a JSON number with a fraction or an exponent', async () => {
      await refuse(order({ orderAmount: 100.5 }), 'AMOUNT_INVALID');
      await refuse(order({ orderAmount: 1e21 }), 'AMOUNT_INVALID');
    });

    it.each(['orderCurrency', 'requestId', 'notifyUrl', 'callbackUrl', 'orderAmount'])('missing %s', async (field) => {
      const p: Record<string, unknown> = order();
      delete p[field];
      const answer = await refuse(p, 'FIELD_MISSING');
      expect(answer.errorMessage).toContain(field);
    });

    it('names the nested field at fault', async () => {
      const amount = await refuse(order({ productDetails: [{ name: 'Mug', quantity: '1', amount: '-5' }] }), 'AMOUNT_INVALID');
      expect(amount.errorMessage).toContain('productDetails[0].amount');
      const name = await refuse(order({ productDetails: [{ name: 'Mug', quantity: '1', amount: '5' }, { quantity: '1', amount: '5' }] }), 'FIELD_MISSING');
      expect(name.errorMessage).toContain('productDetails[1].name');
      const payer = await refuse(order({ payer: { name: 'A\u0007B' } }), 'FIELD_INVALID');
      expect(payer.errorMessage).toContain('payer.name');
    });

    it('unsupported currency', async () => {
      await refuse(order({ orderCurrency: 'XYZ' }), 'CURRENCY_UNSUPPORTED');
    });

    it.each(['ftp://shop.example/n', 'javascript:alert(1)', 'not a url', 'https://user:pw@shop.example/n', 'http://shop.example:25/n'])('disallowed notifyUrl %j', async (notifyUrl) => {
      await refuse(order({ notifyUrl }), 'URL_NOT_ALLOWED');
    });

    it('notifyUrl on a host the merchant did not register', async () => {
      await t.gateway.merchants.setAllowedHosts(t.merchant.merchantId, ['shop.example']);
      try {
        await new Promise((r) => setTimeout(r, 5_100)); // merchant cache TTL
        await refuse(order({ notifyUrl: 'https://evil.example/n' }), 'URL_NOT_ALLOWED');
      } finally {
        await t.gateway.merchants.setAllowedHosts(t.merchant.merchantId, ['*']);
      }
    });

    it('merchantId in the body differs from the header', async () => {
      await refuse(order({ merchantId: '123456789' }), 'MERCHANT_MISMATCH');
    });

    it('orderType RISK_SHIP without shipInfo', async () => {
      await refuse(order({ orderType: 'RISK_SHIP' }), 'FIELD_MISSING');
    });

    it('duplicate requestId with other content; the same content replays the original answer', async () => {
      const first = order({ requestId: 'dup-1' });
      const s1 = sealed(first);
      const a1 = openAnswer(await post({ ...s1.headers }, s1.body));
      expect(a1.status).toBe('SUCCESS');
      const s2 = sealed(first);
      const a2 = openAnswer(await post({ ...s2.headers }, s2.body));
      expect(a2.paymentOrderId).toBe(a1.paymentOrderId);
      expect(a2.redirectUrl).toBe(a1.redirectUrl);
      await refuse({ ...first, orderAmount: '1001' }, 'REQUEST_ID_CONFLICT');
    });

    it('suspended merchant', async () => {
      await t.gateway.merchants.setStatus(t.merchant.merchantId, 'suspended');
      try {
        await new Promise((r) => setTimeout(r, 5_100)); // merchant cache TTL
        const before = await orderCount();
        const s = sealed(order());
        const answer = openAnswer(await post({ ...s.headers }, s.body));
        expect(answer).toMatchObject({ code: 'MERCHANT_SUSPENDED' });
        expect(await orderCount()).toBe(before);
      } finally {
        await t.gateway.merchants.setStatus(t.merchant.merchantId, 'active');
      }
    });
  });

  it('answers are signed by the gateway and verify with its certificate', async () => {
    const { verifyPayload } = await import('@opencashier/sdk');
    const s = sealed(order());
    const answer = openAnswer(await post({ ...s.headers }, s.body));
    expect(verifyPayload(answer, [loadCertificate(readFileSync(t.merchant.gatewayCertPath)).publicKey])).toBe(true);
    expect(verifyPayload({ ...answer, status: 'TAMPERED' }, [loadCertificate(readFileSync(t.merchant.gatewayCertPath)).publicKey])).toBe(false);
  });
});
