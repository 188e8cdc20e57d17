/**
 * The merchant's money page API: settlement batches and statements, the
 * reconciliation file of a day, and the fee plan, each only the user's own
 * merchant's and only for roles that handle money.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn } from './portal-client.js';

describe.each(testDatabases())('merchant money pages (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  // 2026-11-21 10:00 in Beijing.
  let now = Date.parse('2026-11-21T02:00:00Z');
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  it('lists settlement batches with a statement, serves a day\'s reconciliation file, and shows the fee plan', async () => {
    const id = t.merchant.merchantId;
    await t.gateway.crossBorder.pricing.replaceFeePlans(id, [{ method: 'CARD', currency: 'CNY', percentBps: 60, fixedMinor: 0n, minimumMinor: 0n }], now);
    await t.client.createIccOrder({ requestId: 'money-1', orderAmount: '50000', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId: 'money-1', cardNumber: '4242424242424242' });
    // The next day, past the hour the previous day's file is ready.
    now = Date.parse('2026-11-22T08:00:00Z');
    const batch = await t.gateway.crossBorder.settlements.settleDay(id, '2026-11-21');
    expect(batch).toBeDefined();

    const finance = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', id)).client;
    const support = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', id)).client;
    await t.gateway.merchants.create({ merchantId: 'money-other', name: 'Other', sandbox: true, allowedHosts: ['*'] }, now);
    const other = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', 'money-other')).client;

    const list = await finance.get('/m/money/settlements');
    expect(list.json.batches).toEqual([expect.objectContaining({ businessDate: '2026-11-21', captured: '500.00', fees: '3.00', net: '497.00', lineCount: 2 })]);
    const statement = await finance.get('/m/money/settlements/2026-11-21/statement.csv');
    expect(statement.headers.get('content-type')).toContain('text/csv');
    expect(statement.text).toContain('net=497.00');
    expect((await other.get('/m/money/settlements')).json.batches).toEqual([]);
    expect((await other.get('/m/money/settlements/2026-11-21/statement.csv')).json.code).toBe('SETTLEMENT_NOT_FOUND');
    expect((await finance.get('/m/money/settlements/21-11-2026/statement.csv')).json.code).toBe('FIELD_INVALID');
    expect((await support.get('/m/money/settlements')).status).toBe(403);

    const days = await finance.get('/m/money/reconciliation');
    expect(days.json.days[0]).toBe('2026-11-21');
    const file = await finance.get('/m/money/reconciliation/2026-11-21/file.csv');
    expect(file.status).toBe(200);
    expect(file.text).toContain(`#OPENCASHIER-RECONCILIATION,v1,${id},2026-11-21`);
    expect(file.text).toContain('money-1');
    const otherFile = await other.get('/m/money/reconciliation/2026-11-21/file.csv');
    expect(otherFile.text).not.toContain('money-1');
    expect((await finance.get('/m/money/reconciliation/2026-11-22/file.csv')).json.code).toBe('RECONCILIATION_NOT_READY');

    const fees = await finance.get('/m/money/fees');
    expect(fees.json.plans).toEqual([{ method: 'CARD', currency: 'CNY', percentBps: 60, fixedMinor: '0', fixed: '0.00', minimumMinor: '0', minimum: '0.00' }]);
    expect((await other.get('/m/money/fees')).json.plans).toEqual([]);
  });

  it("settles the sandbox merchant's today from the money page, and refuses a live merchant's open day, building nothing", async () => {
    const id = t.merchant.merchantId;
    await t.client.createIccOrder({ requestId: 'money-today', orderAmount: '1990', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId: 'money-today', cardNumber: '4242424242424242' });
    const finance = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', id)).client;
    const ran = await finance.post('/m/money/settlements/today', {});
    expect(ran.status).toBe(200);
    expect(ran.json.batch).toMatchObject({ businessDate: '2026-11-22', captured: '19.90', chargebacks: '0.00', provisional: true });
    expect((await finance.get('/m/money/settlements')).json.batches[0]).toMatchObject({ businessDate: '2026-11-22', provisional: true });
    const support = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', id)).client;
    expect((await support.post('/m/money/settlements/today', {})).status).toBe(403);

    await t.gateway.merchants.create({ merchantId: 'money-live', name: 'Live', sandbox: false, allowedHosts: ['shop.example'] }, now);
    const live = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', 'money-live')).client;
    expect((await live.post('/m/money/settlements/today', {})).json.code).toBe('SETTLEMENT_DAY_OPEN');
    expect((await live.get('/m/money/settlements')).json.batches).toEqual([]);
  });
});
