import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

/** The same order flow on every database the gateway supports; PostgreSQL when CI provides one. */
const databases: [string, Record<string, string>][] = [['sqlite', {}]];
const postgresUrl = process.env.OPENCASHIER_TEST_POSTGRES_URL;
if (postgresUrl) databases.push(['postgres', { OPENCASHIER_DATABASE_URL: postgresUrl }]);

describe.each(databases)('order flow on %s', (_name, env) => {
  let t: TestGateway;
  const rid = `smoke-${Date.now()}`;
  beforeAll(async () => {
    t = await startTestGateway(env);
  });
  afterAll(async () => t?.close());

  it('creates an order, pays it through the sandbox helper and queries it', async () => {
    const created = await t.client.createIccOrder({
      requestId: rid,
      orderAmount: '12345',
      orderCurrency: 'USD',
      notifyUrl: 'http://127.0.0.1:9/notify',
      callbackUrl: 'http://127.0.0.1:9/return',
    });
    expect(created.status).toBe('SUCCESS');
    expect(created.redirectUrl).toMatch(new RegExp(`^${t.baseUrl}/cashier/[0-9a-f]{32}\\.`));
    const paid = await t.client.call('sandbox/pay', { requestId: rid, cardNumber: '4242424242424242' });
    expect(paid.status).toBe('SUCCESS');
    const queried = await t.client.queryIccOrder({ requestId: rid });
    expect(queried.status).toBe('SUCCESS');
    expect(queried.orderAmount).toBe('12345');
    // Money is exact beyond 2^53 in the database.
    const big = await t.client.createIccOrder({
      requestId: `${rid}-big`,
      orderAmount: '999999999999999999',
      orderCurrency: 'JPY',
      notifyUrl: 'http://127.0.0.1:9/notify',
      callbackUrl: 'http://127.0.0.1:9/return',
    });
    expect(big.status).toBe('SUCCESS');
    expect((await t.client.queryIccOrder({ requestId: `${rid}-big` })).orderAmount).toBe('999999999999999999');
  });

  it('writes the notification in the same transaction as the final state, and delivers it', async () => {
    const order = await t.gateway.orders.findByRequest(t.merchant.merchantId, rid);
    const notes = await t.gateway.notifications.forOrder(order!.orderId);
    expect(notes).toHaveLength(1);
    expect(JSON.parse(notes[0]!.payloadJson)).toMatchObject({ status: 'SUCCESS', requestId: rid });
    const events = await t.gateway.database.db.selectFrom('order_events').select(['from_state', 'to_state']).where('order_id', '=', order!.orderId).orderBy('id').execute();
    expect(events.map((e) => e.to_state)).toEqual(['INIT', 'PROCESSING', 'SUCCESS']);
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${t.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/opencashier_orders\{state="SUCCESS"\} [1-9]/);
    expect(metrics).toMatch(/opencashier_notification_backlog\{state="pending"\} \d+/);
    expect(metrics).toContain('opencashier_http_request_duration_seconds_bucket{');
    expect(metrics).toContain('route="/icc/order"');
  });

  it('two concurrent payments of one order authorise once', async () => {
    const r = `${rid}-race`;
    await t.client.createIccOrder({ requestId: r, orderAmount: '500', orderCurrency: 'EUR', notifyUrl: 'http://127.0.0.1:9/n', callbackUrl: 'http://127.0.0.1:9/r' });
    const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, r))!;
    const card = { holder: 'A B', pan: '4242424242424242', expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' };
    const results = await Promise.allSettled([t.gateway.orders.pay(order.orderId, card), t.gateway.orders.pay(order.orderId, card)]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(1);
  });
});
