import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

/** The same order flow on every database the gateway supports; PostgreSQL when CI provides one. */
describe.each(testDatabases())('order flow on %s', (_name, env) => {
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
      notifyUrl: 'http://127.0.0.1:9999/notify',
      callbackUrl: 'http://127.0.0.1:9999/return',
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
      notifyUrl: 'http://127.0.0.1:9999/notify',
      callbackUrl: 'http://127.0.0.1:9999/return',
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

  it('delivers the notification through the outbox, signed, and records the attempt', async () => {
    const received: { status: string; requestId: string }[] = [];
    const merchant = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(t.client.parseNotification(req.headers, body));
        res.end('SUCCESS');
      });
    });
    await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/notify`;
      const r = `${rid}-notify`;
      await t.client.createIccOrder({ requestId: r, orderAmount: '880', orderCurrency: 'CAD', notifyUrl: url, callbackUrl: url });
      await t.client.call('sandbox/pay', { requestId: r, cardNumber: '4000000000000002' });
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((res) => setTimeout(res, 100));
      expect(received).toEqual([expect.objectContaining({ requestId: r, status: 'FAILED', code: 'DO_NOT_HONOR', orderAmount: '880', orderCurrency: 'CAD' })]);
      const order = await t.gateway.orders.findByRequest(t.merchant.merchantId, r);
      const [note] = await t.gateway.notifications.forOrder(order!.orderId);
      for (let i = 0; i < 50 && (await t.gateway.notifications.find(note!.id))!.state !== 'delivered'; i++) await new Promise((res) => setTimeout(res, 100));
      expect((await t.gateway.notifications.find(note!.id))!.state).toBe('delivered');
      expect(await t.gateway.notifications.attempts(note!.id)).toEqual([expect.objectContaining({ attemptNo: 1, httpStatus: 200, delivered: true, responseExcerpt: 'SUCCESS' })]);
    } finally {
      merchant.close();
    }
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${t.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
    // A scrape presents the metrics token (generated into the data directory when not configured).
    const token = readFileSync(join(t.config.dataDir, 'metrics-token'), 'utf8').trim();
    const metrics = await (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(metrics).toMatch(/opencashier_orders\{state="SUCCESS"\} [1-9]/);
    expect(metrics).toMatch(/opencashier_notification_backlog\{state="pending"\} \d+/);
    expect(metrics).toContain('opencashier_http_request_duration_seconds_bucket{');
    expect(metrics).toContain('route="/icc/order"');
  });

  it('two concurrent payments of one order authorise once', async () => {
    const r = `${rid}-race`;
    await t.client.createIccOrder({ requestId: r, orderAmount: '500', orderCurrency: 'EUR', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, r))!;
    const card = { holder: 'A B', pan: '4242424242424242', expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' };
    const results = await Promise.allSettled([t.gateway.orders.pay(order.orderId, card), t.gateway.orders.pay(order.orderId, card)]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(1);
  });
});
