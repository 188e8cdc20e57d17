import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderRepository } from '../src/store/order-repository.js';
import { STALE_PROCESSING_MS } from '../src/domain/limits.js';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

/**
 * A process can stop between committing PROCESSING and hearing the
 * channel's answer. These orders must still reach a final state and be
 * notified: the recovery job asks the channel and finishes them.
 */
describe.each(testDatabases())('recovery of payments interrupted mid-flight (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let nowMs = Date.now();
  let repo: OrderRepository;

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false, clock: () => nowMs });
    repo = new OrderRepository(t.gateway.database.db);
  });
  afterAll(async () => t?.close());

  const newOrder = async (requestId: string) => {
    await t.client.createIccOrder({ requestId, orderAmount: '700', orderCurrency: 'GBP', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    return (await t.gateway.orders.findByRequest(t.merchant.merchantId, requestId))!;
  };

  it('fails an order the channel never saw, and notifies it', async () => {
    const order = await newOrder('stale-1');
    // As if the process died right after committing PROCESSING.
    await repo.transition(order.orderId, 'INIT', 'PROCESSING', {}, 'card submitted', nowMs);
    expect(await t.gateway.orders.recoverStale(10)).toBe(0); // not stale yet: the channel may still answer
    nowMs += STALE_PROCESSING_MS + 1;
    expect(await t.gateway.orders.recoverStale(10)).toBe(1);
    const after = (await t.gateway.orders.find(order.orderId))!;
    expect(after.state).toBe('FAILED');
    expect(after.declineCode).toBe('PROCESSING_ERROR');
    const notes = await t.gateway.notifications.forOrder(order.orderId);
    expect(notes.map((n) => JSON.parse(n.payloadJson).status)).toEqual(['FAILED']);
  });

  it('asks the channel about an order that has a reference, and takes its answer', async () => {
    const order = await newOrder('stale-2');
    // An approved sandbox reference, as after a 3-D Secure answer whose result was lost.
    await repo.transition(order.orderId, 'INIT', 'PROCESSING', { channel: 'sandbox-card', channelReference: `sbx_ok_${nowMs.toString(36)}_abcdef` }, 'card submitted', nowMs);
    nowMs += STALE_PROCESSING_MS + 1;
    await t.gateway.orders.recoverStale(10);
    expect((await t.gateway.orders.find(order.orderId))!.state).toBe('SUCCESS');
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(1);
  });

  it('resolves unknown outcomes by querying the channel once it knows', async () => {
    const order = await newOrder('unknown-1');
    const outcome = await t.gateway.orders.pay(order.orderId, { holder: 'A B', pan: '4000000000000101', expiryMonth: 1, expiryYear: 2040, cvv: '123', brand: 'Visa' });
    expect(outcome.state).toBe('UNKNOWN');
    expect(await t.gateway.orders.resolveUnknown(10)).toBe(0);
    nowMs += 60_000;
    expect(await t.gateway.orders.resolveUnknown(10)).toBe(1);
    expect((await t.gateway.orders.find(order.orderId))!.state).toBe('SUCCESS');
  });

  it('cancels unpaid orders past their deadline, once', async () => {
    const order = await newOrder('expire-1');
    nowMs = order.expiresAtMs;
    expect(await t.gateway.orders.expireDue(100)).toBeGreaterThanOrEqual(1);
    expect(await t.gateway.orders.expireDue(100)).toBe(0);
    const after = (await t.gateway.orders.find(order.orderId))!;
    expect(after.state).toBe('CANCEL');
    expect((await t.gateway.notifications.forOrder(order.orderId)).map((n) => JSON.parse(n.payloadJson).status)).toEqual(['CANCEL']);
    const events = await repo.events(order.orderId);
    expect(events.map((e) => e.to)).toEqual(['INIT', 'CANCEL']);
  });
});
