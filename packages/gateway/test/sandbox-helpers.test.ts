import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayEaseClient, loadPfx, BusinessError } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

describe.each(testDatabases())('sandbox test helpers (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  const order = (requestId: string) => ({ requestId, orderAmount: '2500', orderCurrency: 'HKD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  it('pays through the 3-D Secure challenge with the one-time code', async () => {
    await t.client.createIccOrder(order('sb-3ds-pass'));
    const paid = await t.client.call('sandbox/pay', { requestId: 'sb-3ds-pass', cardNumber: '4000000000003220', otp: '123456' });
    expect(paid.status).toBe('SUCCESS');
    await t.client.createIccOrder(order('sb-3ds-fail'));
    const failed = await t.client.call('sandbox/pay', { requestId: 'sb-3ds-fail', cardNumber: '4000000000003220', otp: '000000' });
    expect(failed).toMatchObject({ status: 'FAILED', code: 'AUTHENTICATION_FAILED' });
  });

  it('refuses a number the cashier would refuse, and leaves the order payable', async () => {
    await t.client.createIccOrder(order('sb-luhn'));
    await expect(t.client.call('sandbox/pay', { requestId: 'sb-luhn', cardNumber: '4242424242424241' })).rejects.toMatchObject({ code: 'FIELD_INVALID' });
    expect((await t.client.queryIccOrder({ requestId: 'sb-luhn' })).status).toBe('INIT');
    expect((await t.client.call('sandbox/pay', { requestId: 'sb-luhn', cardNumber: '378282246310005' })).status).toBe('SUCCESS');
  });

  it('a paid order cannot be paid again', async () => {
    await t.client.createIccOrder(order('sb-twice'));
    await t.client.call('sandbox/pay', { requestId: 'sb-twice', cardNumber: '4242424242424242' });
    await expect(t.client.call('sandbox/pay', { requestId: 'sb-twice', cardNumber: '4242424242424242' })).rejects.toMatchObject({ code: 'ORDER_NOT_PAYABLE' });
  });

  it('expires a pending order and notifies CANCEL', async () => {
    await t.client.createIccOrder(order('sb-expire'));
    const expired = await t.client.call('sandbox/expire', { requestId: 'sb-expire' });
    expect(expired.status).toBe('CANCEL');
    const o = await t.gateway.orders.findByRequest(t.merchant.merchantId, 'sb-expire');
    expect((await t.gateway.notifications.forOrder(o!.orderId)).map((n) => JSON.parse(n.payloadJson).status)).toEqual(['CANCEL']);
  });

  it('opens a chargeback and a retrieval request on a paid order, once each', async () => {
    await t.client.createIccOrder(order('sb-dispute'));
    await expect(t.client.call('sandbox/chargeback', { requestId: 'sb-dispute' })).rejects.toMatchObject({ code: 'ORDER_NOT_DISPUTABLE' });
    await t.client.call('sandbox/pay', { requestId: 'sb-dispute', cardNumber: '4000000000000259' });
    const cb = await t.client.call('sandbox/chargeback', { requestId: 'sb-dispute', reasonCode: '10.4' });
    expect(cb).toMatchObject({ disputeStage: 'CHARGEBACK', disputeStatus: 'OPEN', reasonCode: '10.4', disputeAmount: '2500', disputeCurrency: 'HKD' });
    await expect(t.client.call('sandbox/chargeback', { requestId: 'sb-dispute' })).rejects.toMatchObject({ code: 'ORDER_NOT_DISPUTABLE' });
    const rr = await t.client.call('sandbox/retrieval', { requestId: 'sb-dispute' });
    expect(rr).toMatchObject({ disputeStage: 'RETRIEVAL', reasonCode: '6305' });
  });

  it('is refused to a merchant that is not a sandbox merchant', async () => {
    const pfx = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
    await t.gateway.merchants.create({ merchantId: '200000009', name: 'Live shop', sandbox: false, allowedHosts: ['shop.example'] }, Date.now());
    await t.gateway.merchants.addCertificate('200000009', pfx.certificate, Date.now(), 0);
    const live = new PayEaseClient({ merchantId: '200000009', pfx: readFileSync(t.merchant.pfxPath), pfxPassword: t.merchant.pfxPassword, gatewayCertificate: readFileSync(t.merchant.gatewayCertPath), baseUrl: t.baseUrl });
    // A live merchant's URLs may not point at this machine.
    await live.createIccOrder({ ...order('live-1'), notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' });
    const refusal = await live.call('sandbox/pay', { requestId: 'live-1', cardNumber: '4242424242424242' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(BusinessError);
    expect(refusal).toMatchObject({ code: 'SANDBOX_ONLY' });
    expect((await live.queryIccOrder({ requestId: 'live-1' })).status).toBe('INIT');
  });
});
