import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sellBackStep, type SellBackState } from './sell-back-step.js';

/** Runs the steps of a series of refunds, as the sell-back service does after each. */
function sellAll(start: Omit<SellBackState, 'refundedMinor' | 'soldMinor' | 'costMinor'>, refundsBefore: bigint, refundsAfter: readonly bigint[]) {
  let refunded = refundsBefore;
  let sold = 0n;
  let cost = 0n;
  const steps: { soldMinor: bigint; costMinor: bigint }[] = [];
  for (const r of refundsAfter) {
    refunded += r;
    const step = sellBackStep({ ...start, refundedMinor: refunded, soldMinor: sold, costMinor: cost });
    if (!step) continue;
    sold += step.soldMinor;
    cost += step.costMinor;
    steps.push(step);
  }
  return { sold, cost, steps, refunded };
}

describe('selling bought currency back for refunds after the purchase', () => {
  const orders = fc
    .record({ paymentMinor: fc.bigInt({ min: 1n, max: 10n ** 12n }), beforeShare: fc.integer({ min: 0, max: 90 }), purchasedMinor: fc.bigInt({ min: 1n, max: 10n ** 12n }), feeBps: fc.integer({ min: 0, max: 500 }) })
    .map(({ paymentMinor, beforeShare, purchasedMinor, feeBps }) => {
      const before = (paymentMinor * BigInt(beforeShare)) / 100n;
      const baseMinor = paymentMinor - before;
      return { paymentMinor, baseMinor, before, purchasedMinor, deductionMinor: baseMinor - (baseMinor * BigInt(feeBps)) / 10_000n };
    })
    .filter((o) => o.baseMinor > 0n);

  it('never sells more than was bought; a full refund sells all of it and exactly its cost, whatever the series of refunds', () => {
    fc.assert(
      fc.property(orders, fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 12 }), (o, weights) => {
        // Split what is refundable after the purchase into refunds of those weights.
        const total = weights.reduce((s, w) => s + w, 0);
        const parts = weights.map((w) => (o.baseMinor * BigInt(w)) / BigInt(total));
        parts[parts.length - 1]! += o.baseMinor - parts.reduce((s, p) => s + p, 0n);
        const { sold, cost, steps } = sellAll(o, o.before, parts);
        expect(sold).toBe(o.purchasedMinor);
        expect(cost).toBe(o.deductionMinor);
        // Every step moves something, and nothing ever goes back.
        for (const s of steps) expect(s.soldMinor >= 0n && s.costMinor >= 0n && s.soldMinor + s.costMinor > 0n).toBe(true);
        // Refunds before the purchase sold nothing: they bought nothing.
        expect(sellBackStep({ ...o, refundedMinor: o.before, soldMinor: 0n, costMinor: 0n })).toBeUndefined();
      }),
      { seed: 20_261_204, numRuns: 300 },
    );
  });

  it('a series of partial refunds sells what one refund of their sum would (one rounding per total)', () => {
    fc.assert(
      fc.property(orders, fc.array(fc.bigInt({ min: 1n, max: 10n ** 9n }), { minLength: 1, maxLength: 8 }), (o, refunds) => {
        const series = sellAll(o, o.before, refunds);
        const once = sellAll(o, o.before, [refunds.reduce((s, r) => s + r, 0n)]);
        expect(series.sold).toBe(once.sold);
        expect(series.cost).toBe(once.cost);
        expect(series.sold <= o.purchasedMinor).toBe(true);
      }),
      { seed: 4_242, numRuns: 300 },
    );
  });

  it('a refund too small to sell a cent carries only its cost; the next one catches up', () => {
    const o = { paymentMinor: 71_400n, baseMinor: 71_400n, purchasedMinor: 9_900n, deductionMinor: 70_686n };
    expect(sellBackStep({ ...o, refundedMinor: 3n, soldMinor: 0n, costMinor: 0n })).toEqual({ soldMinor: 0n, costMinor: 3n, refundedThroughMinor: 3n });
    expect(sellBackStep({ ...o, refundedMinor: 35_700n, soldMinor: 0n, costMinor: 3n })).toEqual({ soldMinor: 4_950n, costMinor: 35_340n, refundedThroughMinor: 35_700n });
    expect(sellBackStep({ ...o, refundedMinor: 35_700n, soldMinor: 0n, costMinor: 0n })).toEqual({ soldMinor: 4_950n, costMinor: 35_343n, refundedThroughMinor: 35_700n });
    expect(sellBackStep({ ...o, refundedMinor: 71_400n, soldMinor: 4_950n, costMinor: 35_343n })).toEqual({ soldMinor: 4_950n, costMinor: 35_343n, refundedThroughMinor: 71_400n });
  });
});
