import { createHash, verify } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { PayEaseClient } from './client.js';
import {
  BusinessError,
  ConnectionError,
  EnvelopeError,
  HttpError,
  InvalidArgumentError,
  OpenCashierError,
  PfxPasswordError,
  SignatureVerificationError,
} from './errors.js';
import { aesEncryptToBase64 } from './payease/aes-body.js';
import { canonicalString } from './payease/canonical.js';
import { sealResponse } from './payease/envelope.js';
import { wrapAesKey } from './payease/key-wrap.js';
import { createSelfSignedCertificate, certificateToDer } from './payease/provisioning.js';
import { signPayload } from './payease/signature.js';
import { impostorKey, startFakeGateway, type FakeGateway } from './test-support/fake-gateway.js';
import { loadVectorKeys, vectorFile, VECTOR_PFX_PASSWORD } from './test-support/fixtures.js';
import type { IccOrderRequest } from './types.js';

const keys = loadVectorKeys();
const merchantId = '890000593';
let gateway: FakeGateway;
let client: PayEaseClient;

const order: IccOrderRequest = {
  requestId: 'ORDER-1',
  orderAmount: '12345',
  orderCurrency: 'USD',
  language: 'en',
  notifyUrl: 'https://shop.example/notify',
  callbackUrl: 'https://shop.example/return',
  remark: '',
  clientIp: '0',
  orderType: 'RISK_BILL',
  billInfo: { firstName: 'Li', lastName: 'Lei', country: 'CN', city: '北京', zipCode: '' },
  productDetails: [{ name: 'Phone', quantity: '1', amount: '12345', receiver: '' }],
};

beforeAll(async () => {
  gateway = await startFakeGateway(keys);
  client = new PayEaseClient({
    merchantId,
    pfx: vectorFile('merchant.pfx'),
    pfxPassword: VECTOR_PFX_PASSWORD,
    gatewayCertificate: vectorFile('gateway.cer'),
    baseUrl: gateway.baseUrl,
    timeoutMs: 2_000,
  });
});
afterAll(() => gateway.close());
beforeEach(() => {
  gateway.received.length = 0;
});

describe('PayEaseClient.createIccOrder', () => {
  it('sends what the PHP client sends and returns the verified answer', async () => {
    gateway.respond = (request, reply) =>
      reply.sealed({ merchantId, requestId: request.payload['requestId'], status: 'SUCCESS', paymentOrderId: 'P1', redirectUrl: 'https://pay.example/c/P1' });
    const answer = await client.createIccOrder(order);
    expect(answer).toMatchObject({ status: 'SUCCESS', requestId: 'ORDER-1', redirectUrl: 'https://pay.example/c/P1' });
    expect(typeof answer.hmac).toBe('string');

    const [request] = gateway.received;
    expect(request?.path).toBe('/v3/icc/order');
    expect(request?.headers['content-type']).toBe('application/vnd.5upay-v3.0+json');
    expect(request?.headers['merchantid']).toBe(merchantId);
    expect(request?.headers['requestid']).toBe('ORDER-1');
    expect(request?.rawBody).toMatch(/^[A-Za-z0-9+/]+={0,2}$/); // raw base64, not {"data":…}
    expect(request?.signatureValid).toBe(true);
    const { hmac, ...fields } = request!.payload;
    expect(fields).toEqual({ ...order, merchantId });
    // Signed over the client's request rule: top-level "" and "0" skipped, list members kept.
    const digest = createHash('sha1').update(canonicalString(fields, 'request')).digest();
    expect(verify('md5', digest, keys.merchantCert.publicKey, Buffer.from(hmac as string, 'base64'))).toBe(true);
  });

  it('refuses amounts that are not strings of minor units, before sending', async () => {
    await expect(client.createIccOrder({ ...order, orderAmount: '123.45' })).rejects.toThrow(InvalidArgumentError);
    await expect(client.createIccOrder({ ...order, orderAmount: 12345 as unknown as string })).rejects.toThrow(InvalidArgumentError);
    const badDetail = { ...order, productDetails: [{ name: 'x', quantity: '1', amount: '1.5' }] };
    await expect(client.createIccOrder(badDetail)).rejects.toThrow(/productDetails\[0\]\.amount/);
    expect(gateway.received).toHaveLength(0);
  });

  it('turns FAILED and ERROR answers into BusinessError', async () => {
    for (const status of ['FAILED', 'ERROR'] as const) {
      gateway.respond = (request, reply) =>
        reply.sealed({ merchantId, requestId: request.payload['requestId'], status, code: 'E1001', errorMessage: '金额错误' });
      const error = (await client.createIccOrder(order).catch((caught: unknown) => caught)) as BusinessError;
      expect(error).toBeInstanceOf(BusinessError);
      expect([error.status, error.code, error.errorMessage]).toEqual([status, 'E1001', '金额错误']);
    }
  });

  it('turns non-2xx answers into HttpError', async () => {
    gateway.respond = (_request, reply) => reply.raw(502, '<html>bad gateway</html>');
    const error = (await client.createIccOrder(order).catch((caught: unknown) => caught)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect([error.status, error.bodyExcerpt]).toEqual([502, '<html>bad gateway</html>']);
  });

  it('rejects an answer signed by another key', async () => {
    gateway.respond = (request, reply) =>
      reply.sealed({ merchantId, requestId: request.payload['requestId'], status: 'SUCCESS' }, { signingKey: impostorKey });
    await expect(client.createIccOrder(order)).rejects.toThrow(SignatureVerificationError);
  });

  it('rejects an answer whose fields were changed after signing', async () => {
    gateway.respond = (request, reply) => {
      const signed = { merchantId, requestId: request.payload['requestId'], status: 'FAILED' };
      const hmac = signPayload(signed, keys.gatewayKey);
      const aesKey = Buffer.from('Tt55Uu66Vv77Ww88');
      const json = JSON.stringify({ ...signed, status: 'SUCCESS', hmac });
      reply.raw(200, JSON.stringify({ data: aesEncryptToBase64(json, aesKey) }), {
        encryptKey: wrapAesKey(aesKey, keys.merchantCert.publicKey),
      });
    };
    await expect(client.createIccOrder(order)).rejects.toThrow(SignatureVerificationError);
  });

  it('rejects a genuine answer replayed for another request', async () => {
    gateway.respond = (_request, reply) => reply.sealed({ merchantId, requestId: 'SOME-OTHER-ORDER', status: 'SUCCESS' });
    await expect(client.createIccOrder(order)).rejects.toThrow(/another request/);
  });

  it('throws EnvelopeError for an answer it cannot open', async () => {
    gateway.respond = (_request, reply) => reply.raw(200, '{"data":"AAAAAAAAAAAAAAAAAAAAAA=="}', { encryptKey: 'AAAA' });
    await expect(client.createIccOrder(order)).rejects.toThrow(EnvelopeError);
    gateway.respond = (_request, reply) => reply.raw(200, '{"code":"0"}');
    await expect(client.createIccOrder(order)).rejects.toThrow(EnvelopeError);
  });

  it('refuses oversized answers', async () => {
    gateway.respond = (_request, reply) => reply.raw(200, 'A'.repeat(2 * 1024 * 1024));
    const error = await client.createIccOrder(order).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenCashierError);
    expect((error as Error).message).toMatch(/larger than/);
  });

  it('reports a timeout as ConnectionError', async () => {
    gateway.respond = (_request, reply) => reply.hang();
    const quick = new PayEaseClient({
      merchantId,
      privateKeyPem: vectorFile('merchant.key').toString(),
      gatewayCertificate: vectorFile('gateway.pem'),
      baseUrl: gateway.baseUrl,
      timeoutMs: 200,
    });
    const error = (await quick.createIccOrder(order).catch((caught: unknown) => caught)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.timedOut).toBe(true);
  });

  it('reports a refused connection as ConnectionError', async () => {
    const port = await unusedPort();
    const offline = new PayEaseClient({
      merchantId,
      privateKeyPem: vectorFile('merchant.key').toString(),
      gatewayCertificate: vectorFile('gateway.cer'),
      baseUrl: `http://127.0.0.1:${port}`,
    });
    const error = (await offline.createIccOrder(order).catch((caught: unknown) => caught)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.timedOut).toBe(false);
  });
});

describe('PayEaseClient.queryIccOrder and call', () => {
  const state = { merchantId, requestId: 'ORDER-1', serialNumber: 'S1', orderAmount: '12345', orderCurrency: 'USD', totalRefundAmount: '0' };

  it('returns the order state, FAILED included when the order exists', async () => {
    for (const status of ['SUCCESS', 'FAILED'] as const) {
      gateway.respond = (_request, reply) => reply.sealed({ ...state, status });
      expect(await client.queryIccOrder({ requestId: 'ORDER-1' })).toMatchObject({ status, serialNumber: 'S1', totalRefundAmount: '0' });
    }
    expect(gateway.received[0]?.path).toBe('/v3/icc/query');
    expect(gateway.received[0]?.payload).toMatchObject({ merchantId, requestId: 'ORDER-1' });
  });

  it('throws BusinessError for ERROR or for FAILED without an order', async () => {
    gateway.respond = (_request, reply) => reply.sealed({ merchantId, requestId: 'ORDER-1', status: 'FAILED', code: 'NOT_FOUND' });
    await expect(client.queryIccOrder({ requestId: 'ORDER-1' })).rejects.toThrow(BusinessError);
    gateway.respond = (_request, reply) => reply.sealed({ ...state, status: 'ERROR' });
    await expect(client.queryIccOrder({ requestId: 'ORDER-1' })).rejects.toThrow(BusinessError);
  });

  it('rejects a verified answer with a malformed amount', async () => {
    gateway.respond = (_request, reply) => reply.sealed({ ...state, status: 'SUCCESS', orderAmount: '123.45' });
    await expect(client.queryIccOrder({ requestId: 'ORDER-1' })).rejects.toThrow(/malformed orderAmount/);
  });

  it('calls any other path', async () => {
    gateway.respond = (request, reply) => reply.sealed({ merchantId, requestId: request.payload['requestId'], status: 'SUCCESS', serialNumber: 'RF1' });
    const answer = await client.call('/icc/refund', { requestId: 'REFUND-1', orderId: 'S1', amount: '100' });
    expect(answer).toMatchObject({ status: 'SUCCESS', serialNumber: 'RF1' });
    expect(gateway.received[0]?.path).toBe('/v3/icc/refund');
  });
});

describe('PayEaseClient.parseNotification', () => {
  const notification = { merchantId, requestId: 'ORDER-1', serialNumber: 'S1', status: 'SUCCESS', orderAmount: '12345', orderCurrency: 'USD', totalRefundCount: '0' };
  const seal = (payload: Record<string, unknown>, signingKey = keys.gatewayKey) =>
    sealResponse({ payload, merchantId, signingKey, recipient: keys.merchantCert.publicKey, requestId: 'ORDER-1' });

  it('opens and verifies, whatever the header case', () => {
    const sealed = seal(notification);
    const lowerCased = Object.fromEntries(Object.entries(sealed.headers).map(([name, value]) => [name.toLowerCase(), value]));
    expect(client.parseNotification(lowerCased, sealed.body)).toMatchObject(notification);
    expect(client.parseNotification(new Headers(sealed.headers), Buffer.from(sealed.body))).toMatchObject(notification);
  });

  it('throws SignatureVerificationError for a forged or misdirected notification', () => {
    const forged = seal(notification, impostorKey);
    expect(() => client.parseNotification(forged.headers, forged.body)).toThrow(SignatureVerificationError);
    const elsewhere = seal({ ...notification, merchantId: '890000594' });
    expect(() => client.parseNotification(elsewhere.headers, elsewhere.body)).toThrow(/another merchant/);
  });

  it('throws EnvelopeError for what does not open', () => {
    const sealed = seal(notification);
    expect(() => client.parseNotification({}, sealed.body)).toThrow(EnvelopeError);
    expect(() => client.parseNotification(sealed.headers, 'garbage')).toThrow(EnvelopeError);
  });
});

describe('PayEaseClient refunds and cancellation', () => {
  it('refunds: sends the refund fields, returns a FAILED refund as data, checks amounts', async () => {
    gateway.respond = (request, reply) => reply.sealed({ merchantId, requestId: request.payload['requestId'], serialNumber: 'RF1', orderId: 'S1', amount: '100', status: 'FAILED', code: 'CHANNEL_REFUSED' });
    expect(await client.refund({ requestId: 'REFUND-1', orderId: 'S1', amount: '100', remark: 'r' })).toMatchObject({ status: 'FAILED', serialNumber: 'RF1', code: 'CHANNEL_REFUSED' });
    expect(gateway.received[0]?.path).toBe('/v3/icc/refund');
    expect(gateway.received[0]?.payload).toMatchObject({ merchantId, requestId: 'REFUND-1', orderId: 'S1', amount: '100', remark: 'r' });
    await expect(client.refund({ requestId: 'REFUND-2', orderId: 'S1', amount: '1.00' })).rejects.toThrow(InvalidArgumentError);
    await expect(client.refund({ requestId: 'REFUND-2', orderId: '' })).rejects.toThrow(InvalidArgumentError);
    expect(gateway.received).toHaveLength(1);
    gateway.respond = (request, reply) => reply.sealed({ merchantId, requestId: request.payload['requestId'], serialNumber: 'RF2', amount: '1e3', status: 'SUCCESS' });
    await expect(client.refund({ requestId: 'REFUND-3', orderId: 'S1' }, 'onlinePay')).rejects.toThrow(/malformed amount/);
    expect(gateway.received[1]?.path).toBe('/v3/onlinePay/refund');
  });

  it('refusals of a refund throw BusinessError with their code', async () => {
    gateway.respond = (request, reply) => reply.sealed({ merchantId, requestId: request.payload['requestId'], status: 'FAILED', code: 'REFUND_AMOUNT_EXCEEDED', errorMessage: 'too much' });
    await expect(client.refund({ requestId: 'REFUND-4', orderId: 'S1', amount: '999' })).rejects.toMatchObject({ code: 'REFUND_AMOUNT_EXCEEDED' });
  });

  it('queries a refund and cancels an order on the chosen API', async () => {
    gateway.respond = (request, reply) => reply.sealed({ merchantId, requestId: request.payload['requestId'], serialNumber: 'RF1', orderId: 'S1', amount: '100', orderAmount: '12345', status: 'SUCCESS' });
    expect(await client.queryRefund({ requestId: 'REFUND-1' })).toMatchObject({ serialNumber: 'RF1', status: 'SUCCESS' });
    gateway.respond = (request, reply) => reply.sealed({ merchantId, requestId: request.payload['requestId'], serialNumber: 'S1', orderAmount: '12345', status: 'CANCEL' });
    expect(await client.cancelOrder({ requestId: 'ORDER-1' }, 'onlinePay')).toMatchObject({ status: 'CANCEL' });
    expect(gateway.received.map((r) => r.path)).toEqual(['/v3/icc/refundQuery', '/v3/onlinePay/cancelOrder']);
  });
});

describe('PayEaseClient.parseNotificationEvent', () => {
  const seal = (payload: Record<string, unknown>) => sealResponse({ payload, merchantId, signingKey: keys.gatewayKey, recipient: keys.merchantCert.publicKey, requestId: String(payload['requestId']) });

  it('tells order, refund and dispute notifications apart', () => {
    const order = seal({ merchantId, requestId: 'ORDER-1', serialNumber: 'S1', status: 'SUCCESS', orderAmount: '12345' });
    expect(client.parseNotificationEvent(order.headers, order.body)).toMatchObject({ type: 'ORDER', order: { serialNumber: 'S1' } });
    const refund = seal({ notifyType: 'REFUND', merchantId, requestId: 'REFUND-1', serialNumber: 'RF1', orderId: 'S1', amount: '100', status: 'SUCCESS' });
    expect(client.parseNotificationEvent(refund.headers, refund.body)).toMatchObject({ type: 'REFUND', refund: { serialNumber: 'RF1', amount: '100' } });
    const chargeback = seal({ notifyType: 'CHARGEBACK', merchantId, requestId: 'ORDER-1', serialNumber: 'S1', disputeId: 'dp1', disputeAmount: '500' });
    expect(client.parseNotificationEvent(chargeback.headers, chargeback.body)).toMatchObject({ type: 'CHARGEBACK', dispute: { disputeId: 'dp1' } });
  });

  it('reads every FX notification type, with its amounts checked at each level', () => {
    const fxOrder = { merchantId, requestId: 'FX-1', serialNumber: 'S9', status: 'SUCCESS', orderAmount: '10000', orderCurrency: 'USD', payment: { amount: '71400', currency: 'CNY', status: 'SUCCESS' } };
    for (const notifyType of ['PAYMENT', 'REVIEW', 'FOREIGN_EXCHANGE'] as const) {
      const n = seal({ notifyType, ...fxOrder });
      expect(client.parseNotificationEvent(n.headers, n.body)).toMatchObject({ type: notifyType, fxOrder: { serialNumber: 'S9', orderAmount: '10000', payment: { amount: '71400' } } });
    }
    const sellBack = { serialNumber: 'SB1', amount: '9900', currency: 'USD', status: 'SUCCESS', cnyAmount: '70000', costAmount: '70686', differenceAmount: '-686' };
    const refund = seal({ notifyType: 'FOREIGN_EXCHANGE_REFUND', ...fxOrder, sellBack });
    expect(client.parseNotificationEvent(refund.headers, refund.body)).toMatchObject({ type: 'FOREIGN_EXCHANGE_REFUND', fxOrder: { serialNumber: 'S9' }, sellBack: { differenceAmount: '-686' } });
    const badPayment = seal({ notifyType: 'PAYMENT', ...fxOrder, payment: { amount: '714.00', currency: 'CNY', status: 'SUCCESS' } });
    expect(() => client.parseNotificationEvent(badPayment.headers, badPayment.body)).toThrow(/malformed amount/);
    const noSale = seal({ notifyType: 'FOREIGN_EXCHANGE_REFUND', ...fxOrder });
    expect(() => client.parseNotificationEvent(noSale.headers, noSale.body)).toThrow(/sellBack/);
    const badDifference = seal({ notifyType: 'FOREIGN_EXCHANGE_REFUND', ...fxOrder, sellBack: { ...sellBack, differenceAmount: '--1' } });
    expect(() => client.parseNotificationEvent(badDifference.headers, badDifference.body)).toThrow(/differenceAmount/);
  });

  it('refuses an unknown kind, a malformed amount, and a dispute without its id', () => {
    const unknown = seal({ notifyType: 'SURPRISE', merchantId, requestId: 'X' });
    expect(() => client.parseNotificationEvent(unknown.headers, unknown.body)).toThrow(/unknown notifyType/);
    const badAmount = seal({ notifyType: 'REFUND', merchantId, requestId: 'R', amount: '-1' });
    expect(() => client.parseNotificationEvent(badAmount.headers, badAmount.body)).toThrow(/malformed amount/);
    const noId = seal({ notifyType: 'RETRIEVAL', merchantId, requestId: 'O', serialNumber: 'S1' });
    expect(() => client.parseNotificationEvent(noId.headers, noId.body)).toThrow(/disputeId/);
  });
});

describe('PayEaseClient construction', () => {
  const base = { merchantId, gatewayCertificate: vectorFile('gateway.cer'), baseUrl: 'http://127.0.0.1:1' };

  it('checks the pfx password and that a PEM key matches its certificate', () => {
    expect(() => new PayEaseClient({ ...base, pfx: vectorFile('merchant.pfx'), pfxPassword: 'wrong' })).toThrow(PfxPasswordError);
    const pem = vectorFile('merchant.key').toString();
    expect(new PayEaseClient({ ...base, privateKeyPem: pem, certificate: vectorFile('merchant.cer') }).merchantCertificate?.subject).toContain('890000593');
    expect(() => new PayEaseClient({ ...base, privateKeyPem: pem, certificate: vectorFile('gateway.cer') })).toThrow(InvalidArgumentError);
    expect(() => new PayEaseClient({ ...base, merchantId: '', privateKeyPem: pem })).toThrow(InvalidArgumentError);
    expect(() => new PayEaseClient({ ...base, privateKeyPem: pem, baseUrl: 'not a url' })).toThrow(InvalidArgumentError);
  });

  it('accepts several gateway certificates during a rotation', async () => {
    const next = createSelfSignedCertificate({ privateKey: impostorKey, publicKey: impostorKey, commonName: 'next gateway', validityDays: 1 });
    const rotating = new PayEaseClient({
      merchantId,
      pfx: vectorFile('merchant.pfx'),
      pfxPassword: VECTOR_PFX_PASSWORD,
      gatewayCertificate: [vectorFile('gateway.cer'), certificateToDer(next)],
      baseUrl: gateway.baseUrl,
    });
    gateway.respond = (request, reply) =>
      reply.sealed({ merchantId, requestId: request.payload['requestId'], status: 'SUCCESS' }, { signingKey: impostorKey });
    await expect(rotating.createIccOrder(order)).resolves.toMatchObject({ status: 'SUCCESS' });
  });
});

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
