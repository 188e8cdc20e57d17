/**
 * Customs declaration of FX orders (`serviceprovider/declaration/*`), on
 * every database: seed 002 — goods declared to customs carry their waybill,
 * and an order with sub-orders is declared by its sub-order numbers only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

describe.each(testDatabases())('customs declaration of FX orders (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  const now = Date.parse('2026-11-28T02:00:00Z');
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  const call = (path: string, payload: Record<string, unknown>) => t.client.call(path, { merchantId: t.merchant.merchantId, ...payload });
  const declared = { name: 'Camera', quantity: '1', amount: '100000', tradeType: '纳入海关', logisticsNumber: 'SF1234567890', logisticsCompany: 'SF Express' };
  const order = (requestId: string, extra: Record<string, unknown> = {}) =>
    call('foreignExchange/order', {
      requestId,
      orderAmount: '100000',
      orderCurrency: 'CNY',
      currency: 'USD',
      forUse: 'GOODSTRADE',
      notifyUrl: 'http://127.0.0.1:9999/n',
      callbackUrl: 'http://127.0.0.1:9999/r',
      productDetails: [declared],
      payer: { name: '赵六', idType: 'IDCARD', idNum: '11010519491231002X', bankCardNum: '6222020200112233445', phoneNum: '13800138000' },
      ...extra,
    });
  const pay = (requestId: string) => call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
  const declare = (requestId: string, orderRequestId: string, extra: Record<string, unknown> = {}) =>
    call('serviceprovider/declaration/declare', { requestId, orderRequestId, customsCode: 'GUANGZHOU', ecpCode: '4401960ABC', ecpName: 'Example Trading Co.', ...extra });

  it('an order with sub-orders is declared by each sub-order, once, for its amount', async () => {
    const created = await order('cd-split', { subOrders: [{ requestId: 'cd-split-a', orderAmount: '60000' }, { requestId: 'cd-split-b', orderAmount: '40000' }] });
    const orderId = created.serialNumber as string;
    await pay('cd-split');
    await expect(declare('dc-1', 'cd-split')).rejects.toMatchObject({ code: 'DECLARATION_SUB_ORDER_REQUIRED' });
    await expect(declare('dc-1', 'cd-split', { subOrderRequestId: 'cd-split-z' })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const a = await declare('dc-1', 'cd-split', { subOrderRequestId: 'cd-split-a' });
    expect(a).toMatchObject({ requestId: 'dc-1', status: 'SUCCESS', orderRequestId: 'cd-split', orderSerialNumber: orderId, subOrderRequestId: 'cd-split-a', paymentSerialNumber: `${orderId}-1`, amount: '60000', currency: 'CNY', customsCode: 'GUANGZHOU' });
    expect(a.customsReference).toMatch(/^CUS[0-9A-F]{20}$/);
    // The sub-order's serial number is the one the order's answer lists.
    expect(((await call('foreignExchange/query', { requestId: 'cd-split' })).subOrders as { serialNumber: string }[])[0]!.serialNumber).toBe(a.paymentSerialNumber);
    // The same request again: the same declaration; another number for the same sub-order: refused.
    expect((await declare('dc-1', 'cd-split', { subOrderRequestId: 'cd-split-a' })).serialNumber).toBe(a.serialNumber);
    await expect(declare('dc-1', 'cd-split', { subOrderRequestId: 'cd-split-b' })).rejects.toMatchObject({ code: 'REQUEST_ID_CONFLICT' });
    await expect(declare('dc-2', 'cd-split', { subOrderRequestId: 'cd-split-a' })).rejects.toMatchObject({ code: 'DECLARATION_CONFLICT' });
    expect(await declare('dc-2', 'cd-split', { subOrderRequestId: 'cd-split-b' })).toMatchObject({ status: 'SUCCESS', amount: '40000', paymentSerialNumber: `${orderId}-2` });
    expect(await call('serviceprovider/declaration/query', { requestId: 'dc-1' })).toMatchObject({ serialNumber: a.serialNumber, status: 'SUCCESS', orderRequestId: 'cd-split', subOrderRequestId: 'cd-split-a' });
  });

  it('refuses what customs cannot take: unpaid orders, goods not declared to customs, a sub-order that is not there', async () => {
    await order('cd-unpaid');
    await expect(declare('dc-3', 'cd-unpaid')).rejects.toMatchObject({ code: 'DECLARATION_NOT_ALLOWED' });
    await order('cd-no-customs', { productDetails: [{ name: 'E-book', quantity: '1', amount: '100000', tradeType: '未纳入海关' }] });
    await pay('cd-no-customs');
    await expect(declare('dc-4', 'cd-no-customs')).rejects.toMatchObject({ code: 'DECLARATION_NOT_ALLOWED' });
    await order('cd-whole');
    await pay('cd-whole');
    await expect(declare('dc-5', 'cd-whole', { subOrderRequestId: 'cd-whole-a' })).rejects.toMatchObject({ code: 'FIELD_INVALID' });
    await expect(declare('dc-5', 'cd-missing')).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    await expect(declare('dc-5', 'cd-whole', { ecpCode: '44-01' })).rejects.toMatchObject({ code: 'FIELD_INVALID' });
    await expect(declare('dc-5', 'cd-whole', { customsCode: undefined })).rejects.toMatchObject({ code: 'FIELD_MISSING' });
    // Goods declared to customs travel with their waybill: an order without it is refused when created.
    await expect(order('cd-no-waybill', { productDetails: [{ ...declared, logisticsNumber: undefined }] })).rejects.toMatchObject({ code: 'FIELD_MISSING' });
    // None of the refused requests left a declaration behind.
    await expect(call('serviceprovider/declaration/query', { requestId: 'dc-5' })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    // A whole order without sub-orders is declared once, for what the payer paid.
    expect(await declare('dc-5', 'cd-whole')).toMatchObject({ status: 'SUCCESS', amount: '100000' });
  });

  it('a declaration customs rejects is answered FAILED with the reason, and the order can be declared again', async () => {
    await order('cd-rejected');
    await pay('cd-rejected');
    expect(await declare('dc-6', 'cd-rejected', { customsCode: 'SANDBOXREJECT' })).toMatchObject({ status: 'FAILED', failureReason: 'CUSTOMS_REJECTED' });
    expect(await declare('dc-7', 'cd-rejected')).toMatchObject({ status: 'SUCCESS' });
    await expect(declare('dc-8', 'cd-rejected')).rejects.toMatchObject({ code: 'DECLARATION_CONFLICT' });
  });
});
