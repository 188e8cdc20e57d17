import { roundHalfUp } from './conversion.js';

/** What an FX order's sales back are computed from: its payment, its purchase and what was refunded and sold. */
export interface SellBackState {
  /** The CNY the payer paid. */
  paymentMinor: bigint;
  /** The CNY still refundable when the purchase ran: what it stood on. Refunds before it bought nothing. */
  baseMinor: bigint;
  /** The order's refunds that succeeded, CNY, all of them. */
  refundedMinor: bigint;
  /** The foreign currency bought, and the CNY it cost. */
  purchasedMinor: bigint;
  deductionMinor: bigint;
  /** Sold back and its purchase cost so far (sales not failed). */
  soldMinor: bigint;
  costMinor: bigint;
}

export interface SellBackStep {
  /** Foreign currency to sell now, and the CNY it cost at the purchase. */
  soldMinor: bigint;
  costMinor: bigint;
  /** The refunds after the purchase, CNY, that the sold total covers once this step is done. */
  refundedThroughMinor: bigint;
}

/**
 * THE sell-back rule: the currency sold back follows the refunds made after
 * the purchase, in proportion to what the purchase stood on —
 * sold = purchased × refundedAfter / base, cumulative, rounded half up once
 * per total (so a series of partial refunds sells exactly what one refund of
 * their sum would, and a full refund sells everything bought, never more).
 * Refunds are taken as the earliest first: those made before the purchase
 * are the part it did not buy with. The purchase cost follows the same
 * rule, so a full refund accounts for all of it. Undefined when nothing is
 * due now.
 */
export function sellBackStep(s: SellBackState): SellBackStep | undefined {
  if (s.baseMinor <= 0n || s.purchasedMinor <= 0n) return undefined;
  const before = s.paymentMinor - s.baseMinor;
  let after = s.refundedMinor - before;
  if (after <= 0n) return undefined;
  if (after > s.baseMinor) after = s.baseMinor;
  const targetSold = roundHalfUp(s.purchasedMinor * after, s.baseMinor);
  const targetCost = roundHalfUp(s.deductionMinor * after, s.baseMinor);
  const soldMinor = targetSold - s.soldMinor;
  const costMinor = targetCost - s.costMinor;
  // A step can carry cost without currency (rounding left none to sell): its cost is then the merchant's loss.
  if (soldMinor <= 0n && costMinor <= 0n) return undefined;
  return { soldMinor, costMinor, refundedThroughMinor: after };
}
