/**
 * The dashboard's charts: orders, outcomes and paid volume per hour or day,
 * counted in the database in the buckets the viewer's browser asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn } from './portal-client.js';

const HOUR_MS = 3_600_000;

describe.each(testDatabases())('dashboard series (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  // On the hour, so the buckets below are exact.
  let now = Date.parse('2026-11-20T08:00:00Z');
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  async function order(requestId: string, amount: string, currency: string, card: string) {
    await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber: card });
  }

  it('counts orders, outcomes and paid volume per hour and per day, for the merchant only', async () => {
    const start = now;
    await order('ds-1', '1000', 'USD', '4242424242424242');
    now += 10 * 60_000;
    await order('ds-2', '500', 'JPY', '4242424242424242');
    now = start + 2 * HOUR_MS + 5 * 60_000;
    await order('ds-3', '2500', 'USD', '4242424242424242');
    await order('ds-4', '700', 'USD', '4000000000000002'); // declined
    const client = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId)).client;
    const hourly = await client.get(`/m/dashboard/series?bucket=hour&buckets=4&from=${start}`);
    expect(hourly.status).toBe(200);
    expect(hourly.json.points.map((p: { startMs: number; orders: number; succeeded: number; failed: number; volumeMinor: Record<string, string> }) => [p.startMs - start, p.orders, p.succeeded, p.failed, p.volumeMinor])).toEqual([
      [0, 2, 2, 0, { USD: '1000', JPY: '500' }],
      [HOUR_MS, 0, 0, 0, {}],
      [2 * HOUR_MS, 2, 1, 1, { USD: '2500' }],
      [3 * HOUR_MS, 0, 0, 0, {}],
    ]);
    const daily = await client.get(`/m/dashboard/series?bucket=day&buckets=2&from=${start - 86_400_000}`);
    expect(daily.json.points.map((p: { orders: number; volume: Record<string, string> }) => [p.orders, p.volume])).toEqual([
      [0, {}],
      [4, { USD: '35.00', JPY: '500' }],
    ]);
    const methods = await client.get(`/m/dashboard/methods?from=${start}`);
    expect(methods.json.byMethod.map((m: { method: string; currency: string; orders: number; volume: string; successRate: string }) => [m.method, m.currency, m.orders, m.volume, m.successRate])).toEqual([
      ['sandbox-card', 'JPY', 1, '500', '100.0%'],
      ['sandbox-card', 'USD', 3, '35.00', '66.7%'],
    ]);
    // By default the last bucket is the current one.
    const latest = await client.get('/m/dashboard/series?bucket=hour&buckets=1');
    expect(latest.json.points[0]).toMatchObject({ startMs: start + 2 * HOUR_MS, orders: 2 });
    expect((await client.get('/m/dashboard/series?bucket=week')).json.code).toBe('FIELD_INVALID');
    expect((await client.get('/m/dashboard/series?bucket=hour&buckets=1000')).json.code).toBe('FIELD_INVALID');
    await t.gateway.merchants.create({ merchantId: 'series-other', name: 'Other', sandbox: true, allowedHosts: ['*'] }, now);
    const other = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', 'series-other')).client;
    expect((await other.get(`/m/dashboard/series?bucket=hour&buckets=4&from=${start}`)).json.points.every((p: { orders: number }) => p.orders === 0)).toBe(true);
  });
});
