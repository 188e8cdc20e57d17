import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError } from '@opencashier/sdk';
import type { AmountMinor } from '../src/domain/money.js';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

/** Refunds sent at once against one order, per round. */
const REFUNDS_PER_ROUND = 50;

describe.each(testDatabases())('concurrent refunds never exceed the order (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  async function paidOrder(requestId: string, amountMinor: bigint): Promise<string> {
    const created = await t.client.createIccOrder({ requestId, orderAmount: amountMinor.toString(), orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
    return created.paymentOrderId!;
  }

  /** Checks the order against its refunds: the guard's sum, the totals, and the ledger. */
  async function checkOrder(orderId: string, amountMinor: bigint): Promise<bigint> {
    const order = (await t.gateway.orders.find(orderId))!;
    const refunds = await t.gateway.refunds.forOrder(orderId);
    const notFailed = refunds.filter((r) => r.state !== 'FAILED').reduce((sum, r) => sum + r.amountMinor, 0n);
    const succeeded = refunds.filter((r) => r.state === 'SUCCESS');
    expect(notFailed).toBeLessThanOrEqual(amountMinor);
    expect(order.refundReservedMinor).toBe(notFailed);
    expect(order.refundedMinor).toBe(succeeded.reduce((sum, r) => sum + r.amountMinor, 0n));
    expect(order.refundCount).toBe(succeeded.length);
    const refundPostings = (await t.gateway.ledger.forOrder(orderId)).filter((p) => p.journalKind === 'refund' && p.direction === 'D');
    expect(refundPostings.reduce((sum, p) => sum + p.amountMinor, 0n)).toBe(order.refundedMinor);
    return notFailed;
  }

  it(`${REFUNDS_PER_ROUND} refunds at once through the API, many rounds`, async () => {
    for (let round = 0; round < 6; round += 1) {
      const amount = 10_000n;
      const orderId = await paidOrder(`cc-api-${round}`, amount);
      // Random sizes whose total is well over the order, so the guard must refuse some.
      const sizes = fc.sample(fc.bigInt({ min: 1n, max: 800n }), { numRuns: REFUNDS_PER_ROUND, seed: 1_000 + round });
      const answers = await Promise.allSettled(sizes.map((size, i) => t.client.refund({ requestId: `cc-api-${round}-${i}`, orderId, amount: size.toString() })));
      let accepted = 0n;
      answers.forEach((a, i) => {
        if (a.status === 'fulfilled') {
          expect(a.value.status).toBe('SUCCESS');
          accepted += sizes[i]!;
        } else {
          expect(a.reason).toBeInstanceOf(BusinessError);
          expect((a.reason as BusinessError).code).toMatch(/^(REFUND_AMOUNT_EXCEEDED|ORDER_FULLY_REFUNDED)$/);
        }
      });
      expect(await checkOrder(orderId, amount)).toBe(accepted);
      expect(answers.some((a) => a.status === 'rejected')).toBe(true);
    }
  });

  it('many rounds straight at the refund service, with whole-remainder refunds mixed in', async () => {
    const merchant = (await t.gateway.merchants.find(t.merchant.merchantId))!;
    for (let round = 0; round < 25; round += 1) {
      const amount = 5_000n;
      const orderId = await paidOrder(`cc-svc-${round}`, amount);
      const sizes = fc.sample(fc.option(fc.bigInt({ min: 1n, max: 400n }), { freq: 10 }), { numRuns: REFUNDS_PER_ROUND, seed: 7_000 + round });
      const results = await Promise.allSettled(
        sizes.map((size, i) =>
          t.gateway.refunds.request(merchant, { requestId: `cc-svc-${round}-${i}`, requestDigest: `d${i}`, orderId, amountMinor: size === null ? null : (size as AmountMinor), remark: null, notifyUrl: null }),
        ),
      );
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: string }).code).toMatch(/^(REFUND_AMOUNT_EXCEEDED|ORDER_FULLY_REFUNDED)$/);
      const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.refund.amountMinor] : [])).reduce((a, b) => a + b, 0n);
      expect(await checkOrder(orderId, amount)).toBe(accepted);
    }
    for (const [, net] of await t.gateway.ledger.imbalanceByCurrency()) expect(net).toBe(0n);
  });
});
