import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCardChannel } from '../src/channels/sandbox-card/index.js';
import type { AuthorizeRequest, AuthorizeResult } from '../src/domain/channel.js';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

describe.each(testDatabases())('merchant cancellation (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.now();
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: '60000' }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  const order = (requestId: string, amount = '4200') =>
    t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
  const notified = async (orderId: string) => (await t.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson) as Record<string, string>);

  it.each(['icc', 'onlinePay'] as const)('cancels an unpaid order through %s/cancelOrder, notifies CANCEL once, and refuses payment afterwards', async (api) => {
    const created = await order(`cx-${api}`);
    const cancelled = await t.client.cancelOrder({ requestId: `cx-${api}` }, api);
    expect(cancelled).toMatchObject({ status: 'CANCEL', serialNumber: created.paymentOrderId });
    // Cancelling again answers the same cancelled order and notifies nothing more.
    expect((await t.client.cancelOrder({ requestId: `cx-${api}` }, api)).status).toBe('CANCEL');
    await expect(t.client.call('sandbox/pay', { requestId: `cx-${api}`, cardNumber: '4242424242424242' })).rejects.toMatchObject({ code: 'ORDER_NOT_PAYABLE' });
    expect((await notified(created.paymentOrderId!)).map((p) => p.status)).toEqual(['CANCEL']);
  });

  it('refuses to cancel a paid or failed order and an unknown one', async () => {
    await order('cx-paid');
    await t.client.call('sandbox/pay', { requestId: 'cx-paid', cardNumber: '4242424242424242' });
    await expect(t.client.cancelOrder({ requestId: 'cx-paid' })).rejects.toMatchObject({ code: 'ORDER_NOT_CANCELLABLE' });
    expect((await t.client.queryIccOrder({ requestId: 'cx-paid' })).status).toBe('SUCCESS');
    await order('cx-failed');
    await t.client.call('sandbox/pay', { requestId: 'cx-failed', cardNumber: '4000000000000002' });
    await expect(t.client.cancelOrder({ requestId: 'cx-failed' })).rejects.toMatchObject({ code: 'ORDER_NOT_CANCELLABLE' });
    await expect(t.client.cancelOrder({ requestId: 'cx-nobody' })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('cancels an order in the 3-D Secure step; the one-time code is then refused', async () => {
    await order('cx-3ds');
    const challenged = await t.client.call('sandbox/pay', { requestId: 'cx-3ds', cardNumber: '4000000000003220' });
    expect(challenged.status).toBe('INIT');
    expect((await t.client.cancelOrder({ requestId: 'cx-3ds' })).status).toBe('CANCEL');
    const o = (await t.gateway.orders.findByRequest(t.merchant.merchantId, 'cx-3ds'))!;
    await expect(t.gateway.orders.completeChallenge(o.orderId, { otp: '123456' })).rejects.toMatchObject({ code: 'ORDER_NOT_PAYABLE' });
  });

  it('refunds automatically a payment the channel approves after the cancel, and records it', async () => {
    const created = await order('cx-late', '7700');
    const orderId = created.paymentOrderId!;
    // This magic card leaves the outcome unknown for a while, then the channel reports it approved.
    expect((await t.client.call('sandbox/pay', { requestId: 'cx-late', cardNumber: '4000000000000101' })).status).toBe('INIT');
    expect((await t.client.cancelOrder({ requestId: 'cx-late' })).status).toBe('CANCEL');
    expect(await t.gateway.orders.settleCancelledInFlight(10)).toBe(0); // the channel does not know yet
    now += 61_000;
    expect(await t.gateway.orders.settleCancelledInFlight(10)).toBe(1);
    expect(await t.gateway.orders.settleCancelledInFlight(10)).toBe(0); // settled once
    const after = await t.client.queryIccOrder({ requestId: 'cx-late' });
    expect(after.status).toBe('CANCEL');
    const refunds = await t.gateway.refunds.forOrder(orderId);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ origin: 'LATE_APPROVAL_REVERSAL', state: 'SUCCESS', amountMinor: 7700n });
    const kinds = (await t.gateway.ledger.forOrder(orderId)).map((p) => `${p.journalKind}:${p.direction}:${p.amountMinor}`);
    expect(kinds).toEqual(['capture:D:7700', 'capture:C:7700', 'refund:D:7700', 'refund:C:7700']);
    // The merchant heard of the cancel only; the reversal is the gateway's own business.
    expect((await notified(orderId)).map((p) => p.status)).toEqual(['CANCEL']);
    // The merchant cannot refund a cancelled order, and the reversal is not a merchant refund.
    await expect(t.client.refund({ requestId: 'cx-late-r', orderId })).rejects.toMatchObject({ code: 'REFUND_NOT_ALLOWED' });
    await expect(t.client.queryRefund({ requestId: `late-approval-${orderId}` })).rejects.toMatchObject({ code: 'REFUND_NOT_FOUND' });
  });

  it('a decline that arrives after the cancel closes the question without moving money', async () => {
    const created = await order('cx-late-decline');
    await t.client.call('sandbox/pay', { requestId: 'cx-late-decline', cardNumber: '4000000000002016' });
    await t.client.cancelOrder({ requestId: 'cx-late-decline' });
    now += 61_000;
    expect(await t.gateway.orders.settleCancelledInFlight(10)).toBe(1);
    expect(await t.gateway.refunds.forOrder(created.paymentOrderId!)).toEqual([]);
    expect(await t.gateway.ledger.forOrder(created.paymentOrderId!)).toEqual([]);
    expect((await t.gateway.orders.find(created.paymentOrderId!))!.declineCode).toBe('CANCELLED_BY_MERCHANT');
  });

  it('orders past their timeout become CANCEL and are notified', async () => {
    const created = await t.client.createIccOrder({ requestId: 'cx-timeout', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', timeout: '1' });
    now += 61_000;
    expect(await t.gateway.orders.expireDue(100)).toBeGreaterThanOrEqual(1);
    expect((await t.client.queryIccOrder({ requestId: 'cx-timeout' })).status).toBe('CANCEL');
    expect((await notified(created.paymentOrderId!)).map((p) => p.status)).toEqual(['CANCEL']);
  });
});

/** Promise.withResolvers arrives in Node 22; the gateway runs on 20. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** The sandbox acquirer, holding each authorisation until the test lets it answer. */
class GatedSandboxChannel extends SandboxCardChannel {
  private release: (() => void) | undefined;
  private gate: Promise<void> | undefined;
  arrived = deferred();
  close(): void {
    this.gate = new Promise((resolve) => (this.release = resolve));
    this.arrived = deferred();
  }
  open(): void {
    this.release?.();
    this.gate = undefined;
  }
  override async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    this.arrived.resolve();
    if (this.gate) await this.gate;
    return super.authorize(request);
  }
}

describe.each(testDatabases())('cancel while the channel is deciding (%s)', (_database, databaseEnv) => {
  it('a cancel that lands between card submission and the approval gets the approval refunded', async () => {
    const channel = new GatedSandboxChannel({ clock: Date.now, unknownResolveDelayMs: 0 });
    const t = await startTestGateway(databaseEnv, { background: false, channel });
    try {
      const created = await t.client.createIccOrder({ requestId: 'race-1', orderAmount: '5100', orderCurrency: 'GBP', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      const orderId = created.paymentOrderId!;
      channel.close();
      const paying = t.client.call('sandbox/pay', { requestId: 'race-1', cardNumber: '4242424242424242' });
      await channel.arrived.promise; // PROCESSING is committed, the channel holds the answer
      const cancelled = await t.client.cancelOrder({ requestId: 'race-1' });
      expect(cancelled.status).toBe('CANCEL');
      channel.open();
      expect((await paying).status).toBe('CANCEL');
      const refunds = await t.gateway.refunds.forOrder(orderId);
      expect(refunds.map((r) => [r.origin, r.state, r.amountMinor])).toEqual([['LATE_APPROVAL_REVERSAL', 'SUCCESS', 5100n]]);
      expect((await t.gateway.orders.find(orderId))!.declineCode).toBe('CANCELLED_BY_MERCHANT');
      for (const [, net] of await t.gateway.ledger.imbalanceByCurrency()) expect(net).toBe(0n);
      const payable = await t.gateway.ledger.balances(`merchant_payable:${t.merchant.merchantId}`);
      expect(payable.get(`merchant_payable:${t.merchant.merchantId} GBP`)).toBe(0n);
    } finally {
      channel.open();
      await t.close();
    }
  });
});
