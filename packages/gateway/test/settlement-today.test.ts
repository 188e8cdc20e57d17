import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

/** Settlement on the first day: a sandbox merchant settles today so far; nothing of the day is left out once it closed. */
describe.each(testDatabases())('settling a sandbox day before it closed (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  // 2026-11-21 10:00 in Beijing.
  let now = Date.parse('2026-11-21T02:00:00Z');
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());
  const settlements = () => t.gateway.crossBorder.settlements;

  async function paid(requestId: string, amount: string): Promise<string> {
    await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    const answer = await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId, cardNumber: '4242424242424242' });
    return answer.serialNumber as string;
  }

  it('settles today so far, again with what came since, and whole once the day closed, with chargebacks in their column', async () => {
    const merchant = (await t.gateway.merchants.find(t.merchant.merchantId))!;
    expect(merchant.sandbox).toBe(true);
    expect(settlements().resolveDate('today')).toBe('2026-11-21');
    const first = await paid('today-1', '10000');
    const early = (await settlements().settleSandboxDay(merchant, '2026-11-21'))!;
    expect(early).toMatchObject({ capturedMinor: 10000n, chargebackMinor: 0n, netMinor: 10000n, lineCount: 1 });
    expect(settlements().provisional(early)).toBe(true);

    now += 60_000;
    await paid('today-2', '2500');
    await t.gateway.disputes.open({ orderId: first, stage: 'CHARGEBACK' }, { kind: 'CHANNEL', name: 'sandbox-card' });
    now += 60_000;
    const again = (await settlements().settleSandboxDay(merchant, '2026-11-21'))!;
    expect(again.batchId).not.toBe(early.batchId);
    expect(again.capturedMinor).toBe(12500n);
    expect(again.chargebackMinor).toBe(10000n);
    expect(again.netMinor).toBe(again.capturedMinor - again.refundedMinor - again.chargebackMinor - again.feeMinor);
    // The replaced batch is gone with its lines: one batch per merchant and day.
    expect((await settlements().settlementFor(merchant.merchantId, '2026-11-21'))!.batchId).toBe(again.batchId);
    expect(await settlements().lines(early)).toEqual([]);

    // A payment after the last run, then the day closes: the nightly run builds it whole.
    now += 60_000;
    await paid('today-3', '700');
    now = Date.parse('2026-11-21T16:00:00Z') + 1_000;
    expect(await settlements().settleDue()).toBe(1);
    const whole = (await settlements().settlementFor(merchant.merchantId, '2026-11-21'))!;
    expect(settlements().provisional(whole)).toBe(false);
    expect(whole.capturedMinor).toBe(13200n);
    const lines = await settlements().lines(whole);
    expect(lines.reduce((sum, l) => sum + l.cnyMinor, 0n)).toBe(whole.netMinor);
    // Settled movements together are the merchant's payable balance in the ledger.
    const ledger = await t.gateway.ledger.balances(`merchant_payable:${merchant.merchantId}`);
    expect(ledger.get(`merchant_payable:${merchant.merchantId} CNY`)).toBe(whole.netMinor);
    // A closed, whole batch stays as built.
    expect((await settlements().settleSandboxDay(merchant, '2026-11-21'))!.batchId).toBe(whole.batchId);
    expect(await settlements().settleDue()).toBe(0);
  });

  it('refuses to settle an open day of a merchant that is not a sandbox one, storing nothing', async () => {
    const live = await t.gateway.merchants.create({ merchantId: '300000777', name: 'Live Shop', sandbox: false, allowedHosts: ['shop.example'] }, now);
    const today = settlements().resolveDate('today');
    await expect(settlements().settleSandboxDay(live, today)).rejects.toMatchObject({ code: 'SETTLEMENT_DAY_OPEN' });
    expect(await settlements().settlementFor(live.merchantId, today)).toBeUndefined();
  });
});
