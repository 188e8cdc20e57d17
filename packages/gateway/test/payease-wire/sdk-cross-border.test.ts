import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, InvalidArgumentError, type PayEaseNotificationEvent } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { adminClient } from '../admin-client.js';
import { FX_STUDY } from '../fx-fixtures.js';

const ADMIN = 'sdk-cross-border-admin-token';

/**
 * The SDK's typed cross-border calls against the running gateway, and
 * `parseNotificationEvent` over every FX notification as it goes on the wire.
 */
describe.each(testDatabases())('SDK cross-border calls and FX notifications (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.parse('2026-11-21T02:00:00Z');
  let ticks = 0;
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN, OPENCASHIER_FX_REVIEW_RULES: '{"STUDYABROAD":"0","*":"100000000"}' }, { background: false, clock: () => now + ticks++ });
    await admin('PUT', `/merchants/${t.merchant.merchantId}/fee-plans`, { plans: [{ method: 'FX', currency: 'CNY', percentBps: 100 }] });
  });
  afterAll(async () => t?.close());
  const admin = adminClient(() => t, ADMIN);

  /** Every notification of the order, sealed as the dispatcher sends it, then opened by the SDK. */
  const events = async (orderId: string): Promise<PayEaseNotificationEvent[]> => {
    const stored = await t.gateway.notifications.forOrder(orderId);
    const out: PayEaseNotificationEvent[] = [];
    for (const n of stored) {
      const request = await t.gateway.dialects.get(n.dialect).encodeNotification(n);
      out.push(t.client.parseNotificationEvent(request.headers, request.body));
    }
    return out;
  };

  it('walks an FX order through typed calls, and parses its PAYMENT, REVIEW, FOREIGN_EXCHANGE and FOREIGN_EXCHANGE_REFUND notifications', async () => {
    const fx = t.client.crossBorder;
    const lock = await fx.lockRate({ requestId: 'sdk-lock-1', orderCurrency: 'USD' });
    expect(lock).toMatchObject({ status: 'SUCCESS', listprice: '7.14', orderCurrency: 'USD', currency: 'CNY' });
    const created = await fx.createFxOrder({ ...FX_STUDY, requestId: 'sdk-fx-1', orderAmount: '10000', listPriceToken: lock.listPriceToken, fileName: 'offer.pdf' });
    expect(created).toMatchObject({ status: 'REDIRECT', orderAmount: '10000', orderCurrency: 'USD', paymentAmount: '71400', paymentCurrency: 'CNY' });
    const orderId = created.serialNumber;

    await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId: 'sdk-fx-1', cardNumber: '4242424242424242' });
    const grant = await fx.proofUpload({ fileName: 'offer.pdf' });
    expect(grant).toMatchObject({ status: 'SUCCESS', method: 'PUT' });
    expect((await fetch(grant.uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.7 offer') })).status).toBe(200);
    expect((await admin('POST', `/fx-orders/${orderId}/review`, { decision: 'SUCCESS' })).status).toBe(200);
    const state = await fx.queryFxOrder({ requestId: 'sdk-fx-1' });
    expect(state).toMatchObject({ status: 'SUCCESS', orderAmount: '10000', orderCurrency: 'USD', payment: { amount: '71400', currency: 'CNY' }, foreignExchange: { amount: '9900', currency: 'USD', status: 'SUCCESS' } });

    const refund = await fx.refundFxOrder({ requestId: 'sdk-fx-1-r', orderId, amount: '71400' });
    expect(refund.status).toBeDefined();
    expect(await fx.queryFxRefund({ requestId: 'sdk-fx-1-r' })).toMatchObject({ requestId: 'sdk-fx-1-r', orderId });

    const parsed = await events(orderId);
    const fxEvents = parsed.filter((e) => 'fxOrder' in e);
    expect(parsed.filter((e) => e.type === 'REFUND')).toHaveLength(1);
    expect(fxEvents.map((e) => e.type)).toEqual(['PAYMENT', 'REVIEW', 'REVIEW', 'FOREIGN_EXCHANGE', 'FOREIGN_EXCHANGE_REFUND']);
    for (const e of fxEvents) {
      if (!('fxOrder' in e)) throw new Error('not an FX event');
      expect(e.fxOrder).toMatchObject({ requestId: 'sdk-fx-1', serialNumber: orderId, orderAmount: '10000', orderCurrency: 'USD' });
    }
    const sale = fxEvents.at(-1)!;
    expect(sale.type === 'FOREIGN_EXCHANGE_REFUND' && sale.sellBack).toMatchObject({ currency: 'USD', amount: '9900' });
  });

  it('queries settlement and reconciliation links with typed calls, and refuses a malformed date before sending', async () => {
    now = Date.parse('2026-11-21T22:00:00Z');
    const batch = await t.client.crossBorder.querySettlement({ businessDate: '2026-11-21' });
    expect(batch).toMatchObject({ status: 'SUCCESS', businessDate: '2026-11-21', currency: 'CNY' });
    expect(batch.currencies.length).toBeGreaterThan(0);
    const links = await t.client.crossBorder.reconciliationDownload({ businessDate: '2026-11-21' });
    expect((await fetch(links.downloadUrl)).status).toBe(200);
    await expect(t.client.crossBorder.querySettlement({ businessDate: '21/11/2026' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(t.client.crossBorder.querySettlement({ businessDate: '2020-01-01' })).rejects.toMatchObject({ code: 'SETTLEMENT_NOT_FOUND' });
    await expect(t.client.crossBorder.querySettlement({ businessDate: '2020-01-01' })).rejects.toBeInstanceOf(BusinessError);
  });

  it('declares a paid CNY goods order to customs and queries the declaration with typed calls', async () => {
    const fx = t.client.crossBorder;
    await fx.createFxOrder({
      requestId: 'sdk-cd-1',
      orderAmount: '100000',
      orderCurrency: 'CNY',
      currency: 'USD',
      forUse: 'GOODSTRADE',
      notifyUrl: 'http://127.0.0.1:9999/n',
      callbackUrl: 'http://127.0.0.1:9999/r',
      productDetails: [{ name: 'Camera', quantity: '1', amount: '100000', tradeType: '纳入海关', logisticsNumber: 'SF1234567890', logisticsCompany: 'SF Express' }],
      payer: { name: '赵六', idType: 'IDCARD', idNum: '11010519491231002X', bankCardNum: '6222020200112233445', phoneNum: '13800138000' },
    });
    await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId: 'sdk-cd-1', cardNumber: '4242424242424242' });
    const declared = await fx.declareCustoms({ requestId: 'sdk-dc-1', orderRequestId: 'sdk-cd-1', customsCode: 'GUANGZHOU', ecpCode: '4401960ABC', ecpName: 'Example Trading Co.' });
    expect(declared).toMatchObject({ requestId: 'sdk-dc-1', orderRequestId: 'sdk-cd-1', status: 'SUCCESS', amount: '100000', currency: 'CNY' });
    expect(await fx.queryCustomsDeclaration({ requestId: 'sdk-dc-1' })).toMatchObject({ requestId: 'sdk-dc-1', status: 'SUCCESS', serialNumber: declared.serialNumber });
    await expect(fx.queryCustomsDeclaration({ requestId: 'sdk-dc-none' })).rejects.toBeInstanceOf(BusinessError);
  });

  it('refuses an amount that is not a minor-units string before sending', async () => {
    await expect(t.client.crossBorder.createFxOrder({ ...FX_STUDY, requestId: 'sdk-fx-bad', orderAmount: '100.00' })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, 'sdk-fx-bad')).toBeUndefined();
  });
});
