import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { adminClient } from '../admin-client.js';
import { FX_STUDY } from '../fx-fixtures.js';

const ADMIN = 'fx-one-price-admin-token';

/**
 * One FX purchase order, one set of amounts: every API and every message
 * reports the order's amount and currency as seed 002 defines them (the
 * merchant's price, 10000 USD), never the CNY the payer pays (71400), which
 * only travels as the FX APIs' `payment`.
 */
describe.each(testDatabases())('an FX order reports one price everywhere (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  const now = Date.parse('2026-11-21T02:00:00Z');
  let ticks = 0;
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN, OPENCASHIER_FX_REVIEW_RULES: '{"*":"100000000"}' }, { background: false, clock: () => now + ticks++ });
    await admin('PUT', `/merchants/${t.merchant.merchantId}/fee-plans`, { plans: [{ method: 'FX', currency: 'CNY', percentBps: 100 }] });
  });
  afterAll(async () => t?.close());
  const admin = adminClient(() => t, ADMIN);
  const call = (path: string, payload: Record<string, unknown>) => t.client.call(path, { merchantId: t.merchant.merchantId, ...payload });
  const price = { orderAmount: '10000', orderCurrency: 'USD' };
  const notes = async (orderId: string) => (await t.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson) as Record<string, unknown>);

  it('a paid order: order answer, sandbox pay, icc/query, onlinePay/query, foreignExchange/query, refund answers and every notification', async () => {
    const lock = await call('foreignExchange/listpriceLock', { requestId: 'op-lock', orderCurrency: 'USD' });
    const created = await call('foreignExchange/order', { ...FX_STUDY, requestId: 'op-1', orderAmount: '10000', listPriceToken: lock.listPriceToken });
    expect(created).toMatchObject({ ...price, paymentAmount: '71400', paymentCurrency: 'CNY' });
    const orderId = created.serialNumber as string;
    expect(await call('icc/query', { requestId: 'op-1' })).toMatchObject(price);
    expect(await call('onlinePay/query', { requestId: 'op-1' })).toMatchObject(price);
    expect(await call('sandbox/pay', { requestId: 'op-1', cardNumber: '4242424242424242' })).toMatchObject({ ...price, status: 'SUCCESS' });
    for (const path of ['icc/query', 'onlinePay/query']) expect(await call(path, { requestId: 'op-1' }), path).toMatchObject({ ...price, status: 'SUCCESS' });
    expect(await call('foreignExchange/query', { requestId: 'op-1' })).toMatchObject({ ...price, payment: { amount: '71400', currency: 'CNY' } });
    // Paid orders cannot be cancelled; the refusal carries no other price.
    await expect(call('onlinePay/cancelOrder', { requestId: 'op-1' })).rejects.toMatchObject({ code: 'ORDER_NOT_CANCELLABLE' });

    const refund = await call('foreignExchange/refund', { requestId: 'op-1-r', orderId, amount: '7140' });
    expect(refund.status).toBeDefined();
    expect(await call('foreignExchange/refundQuery', { requestId: 'op-1-r' })).toMatchObject({ ...price, amount: '7140', currency: 'CNY' });
    expect(await call('icc/refundQuery', { requestId: 'op-1-r' })).toMatchObject({ ...price, amount: '7140', currency: 'CNY' });

    const sent = await notes(orderId);
    expect(sent.length).toBeGreaterThan(0);
    for (const n of sent) {
      if (n.notifyType === 'REFUND') expect(n, 'REFUND').toMatchObject({ ...price, currency: 'CNY' });
      else expect(n, String(n.notifyType)).toMatchObject(price);
    }
  });

  it('a cancelled order: cancel answers, every query and the CANCEL notification', async () => {
    const created = await call('foreignExchange/order', { ...FX_STUDY, requestId: 'op-2', orderAmount: '10000' });
    const orderId = created.serialNumber as string;
    expect(await call('onlinePay/cancelOrder', { requestId: 'op-2' })).toMatchObject({ ...price, status: 'CANCEL' });
    // Cancelling again answers the cancelled order, with the same price.
    expect(await call('icc/cancelOrder', { requestId: 'op-2' })).toMatchObject({ ...price, status: 'CANCEL' });
    for (const path of ['icc/query', 'onlinePay/query', 'foreignExchange/query']) expect(await call(path, { requestId: 'op-2' }), path).toMatchObject({ ...price, status: 'CANCEL' });
    const sent = await notes(orderId);
    expect(sent.map((n) => n.status)).toContain('CANCEL');
    for (const n of sent) expect(n).toMatchObject(price);
  });
});
