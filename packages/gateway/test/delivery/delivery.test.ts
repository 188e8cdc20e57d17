import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { ADMIN_TOKEN, admin, paidOrder } from '../disputes/dispute-support.js';

const shipped = { logisticsCompany: 'DHL Express', trackingNumbers: ['1234567890', 'JD014600003456789012'], status: 'SHIPPED' as const, time: '2025-03-01 10:30:00' };

describe.each(testDatabases())('delivery confirmation (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN }, { background: false, clock: () => Date.parse('2025-03-01T00:00:00Z') });
  });
  afterAll(async () => t?.close());

  it('records SHIPPED then DELIVERED; the order query shows it; the same confirmation again answers the same', async () => {
    const orderId = await paidOrder(t, 'dl-1', { amount: '4200' });
    expect((await t.client.queryIccOrder({ requestId: 'dl-1' })).deliveryStatus).toBe('UNDELIVERED');
    const first = await t.client.confirmDelivery({ requestId: 'dl-1', ...shipped });
    expect(first).toMatchObject({ status: 'SUCCESS', requestId: 'dl-1', serialNumber: orderId, deliveryStatus: 'SHIPPED', confirmedStatus: 'SHIPPED', trackingNumbers: shipped.trackingNumbers, time: shipped.time });
    expect((await t.client.queryIccOrder({ requestId: 'dl-1' })).deliveryStatus).toBe('SHIPPED');
    expect(await t.client.confirmDelivery({ requestId: 'dl-1', ...shipped })).toMatchObject({ deliveryStatus: 'SHIPPED', time: shipped.time });
    const delivered = await t.client.confirmDelivery({ serialNumber: orderId, ...shipped, status: 'DELIVERED', time: '2025-03-01 18:00:00' });
    expect(delivered).toMatchObject({ requestId: 'dl-1', deliveryStatus: 'DELIVERED', confirmedStatus: 'DELIVERED' });
    expect((await t.client.queryIccOrder({ requestId: 'dl-1' })).deliveryStatus).toBe('DELIVERED');
    const backOffice = await admin(t, 'GET', `/orders/${orderId}/deliveries`);
    expect(backOffice.json).toMatchObject({ deliveryStatus: 'DELIVERED', deliveries: [{ status: 'SHIPPED', at: '2025-03-01T02:30:00.000Z' }, { status: 'DELIVERED', at: '2025-03-01T10:00:00.000Z' }] });
  });

  it('refuses other details for a status already confirmed with DELIVERY_CONFLICT, changing nothing', async () => {
    const orderId = await paidOrder(t, 'dl-conflict');
    await t.client.confirmDelivery({ requestId: 'dl-conflict', ...shipped });
    await expect(t.client.confirmDelivery({ requestId: 'dl-conflict', ...shipped, trackingNumbers: ['OTHER1'] })).rejects.toMatchObject({ code: 'DELIVERY_CONFLICT' });
    await expect(t.client.confirmDelivery({ requestId: 'dl-conflict', ...shipped, time: '2025-03-01 11:00:00' })).rejects.toMatchObject({ code: 'DELIVERY_CONFLICT' });
    expect((await t.gateway.deliveries.forOrder(orderId)).map((d) => d.trackingNumbers)).toEqual([shipped.trackingNumbers]);
  });

  it('keeps DELIVERED when SHIPPED arrives after it', async () => {
    const orderId = await paidOrder(t, 'dl-late');
    await t.client.confirmDelivery({ requestId: 'dl-late', ...shipped, status: 'DELIVERED' });
    const late = await t.client.confirmDelivery({ requestId: 'dl-late', ...shipped, time: '2025-03-01 09:00:00' });
    expect(late).toMatchObject({ deliveryStatus: 'DELIVERED', confirmedStatus: 'SHIPPED' });
    expect((await t.gateway.orders.find(orderId))!.deliveryStatus).toBe('DELIVERED');
    expect(await t.gateway.deliveries.forOrder(orderId)).toHaveLength(2);
  });

  it('refuses an unpaid order with DELIVERY_NOT_ALLOWED and records nothing', async () => {
    const created = await t.client.createIccOrder({ requestId: 'dl-unpaid', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await expect(t.client.confirmDelivery({ requestId: 'dl-unpaid', ...shipped })).rejects.toMatchObject({ code: 'DELIVERY_NOT_ALLOWED' });
    await t.client.cancelOrder({ requestId: 'dl-unpaid' });
    await expect(t.client.confirmDelivery({ requestId: 'dl-unpaid', ...shipped })).rejects.toMatchObject({ code: 'DELIVERY_NOT_ALLOWED' });
    expect(await t.gateway.deliveries.forOrder(created.paymentOrderId!)).toEqual([]);
    expect((await t.gateway.orders.find(created.paymentOrderId!))!.deliveryStatus).toBeNull();
    await expect(t.client.confirmDelivery({ requestId: 'dl-nobody', ...shipped })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it.each([
    ['an unknown status', { status: 'LOST' }],
    ['no tracking number', { trackingNumbers: [] }],
    ['a tracking number with spaces', { trackingNumbers: ['12 34'] }],
    ['a time that does not exist', { time: '2025-02-29 10:00:00' }],
    ['a time in another format', { time: '2025-03-01T10:00:00Z' }],
    ['a time days ahead', { time: '2025-03-09 10:00:00' }],
    ['no carrier', { logisticsCompany: '' }],
  ])('refuses %s and records nothing', async (name, patch) => {
    const requestId = `dl-bad-${name.replace(/\W/g, '')}`;
    const orderId = await paidOrder(t, requestId);
    await expect(t.client.call('icc/delivery', { requestId, ...shipped, ...patch })).rejects.toMatchObject({ code: /^FIELD_(INVALID|MISSING)$/ });
    expect(await t.gateway.deliveries.forOrder(orderId)).toEqual([]);
    expect((await t.gateway.orders.find(orderId))!.deliveryStatus).toBeNull();
  });
});
