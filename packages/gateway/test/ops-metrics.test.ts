/**
 * The operating gauges at /metrics: database pool use (PostgreSQL), which
 * job leases this process holds, and the outbox lag — the age of the oldest
 * notification still waiting to be delivered.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payWithTestCard } from '../src/orders/sandbox-payment.js';
import { testDatabaseKind } from '../src/test-support/test-database.js';
import { freePort, startTestGateway, type TestGateway } from './harness.js';
import { parseIccOrderRequest } from '../src/protocols/payease/icc-order-request.js';
import { waitUntil } from './e2e/wait-until.js';

/** One sample of a gauge from the Prometheus text, or undefined when absent. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe(`operating gauges at /metrics (${testDatabaseKind()})`, () => {
  let t: TestGateway;
  // A scrape presents the metrics token (generated into the data directory when not configured).
  const scrape = async () => {
    const token = readFileSync(join(t.config.dataDir, 'metrics-token'), 'utf8').trim();
    return (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
  };

  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reports job leases held, pool use on PostgreSQL, and an outbox lag that grows while a notification waits', async () => {
    const empty = await scrape();
    expect(sample(empty, 'opencashier_outbox_lag_seconds')).toBe(0);
    await waitUntil(async () => (sample(await scrape(), 'opencashier_job_leases_held', '{job="order-expiry"}') === 1 ? true : undefined), { timeoutMs: 15_000, what: 'the order-expiry lease' });

    const text = await scrape();
    if (testDatabaseKind() === 'postgres') expect(sample(text, 'opencashier_db_pool_connections', '{state="total"}')).toBeGreaterThanOrEqual(1);
    else expect(sample(text, 'opencashier_db_pool_connections', '{state="total"}')).toBeUndefined();

    // A merchant that never answers: the notification of the paid order stays pending.
    const silent = await freePort();
    const { order } = await t.gateway.orders.create(
      (await t.gateway.merchants.find(t.merchant.merchantId))!,
      parseIccOrderRequest({ requestId: `lag-${Date.now()}`, orderAmount: '500', orderCurrency: 'USD', notifyUrl: `http://127.0.0.1:${silent}/notify`, callbackUrl: `http://127.0.0.1:${silent}/return` }),
    );
    await payWithTestCard(t.gateway.orders, order.orderId, '4242424242424242');
    await waitUntil(async () => ((sample(await scrape(), 'opencashier_outbox_lag_seconds') ?? 0) > 0.5 ? true : undefined), { timeoutMs: 15_000, what: 'an outbox lag' });
  });
});
