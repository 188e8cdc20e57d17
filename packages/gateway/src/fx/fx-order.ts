import type { CurrencyCode } from '../domain/currencies.js';
import type { AmountMinor } from '../domain/money.js';

/** Seed 002's purposes of a foreign-exchange purchase (购汇用途). */
export const FOR_USES = ['GOODSTRADE', 'PLANETICKET', 'HOTELACCOMMODATION', 'STUDYABROAD', 'SOFTWARE', 'MEETING', 'EXHIBITION', 'TRAVEL', 'LOGISTICS'] as const;
export type ForUse = (typeof FOR_USES)[number];

/** Review of the proof file: INIT (waiting for the file), UPLOADED (waiting for the operator), then SUCCESS or REFUSE; CANCEL when the order was never paid. */
export type ReviewStatus = 'INIT' | 'UPLOADED' | 'CANCEL' | 'SUCCESS' | 'REFUSE';

/** The purchase at the FX desk: waiting (payment, review), then SUCCESS or FAILED. */
export type PurchaseStatus = 'PENDING' | 'SUCCESS' | 'FAILED';

export interface SubOrder {
  requestId: string;
  orderAmountMinor: AmountMinor;
}

/** The declaration of an FX order, kept as the merchant sent it (validated). */
export interface FxDeclaration {
  productDetails: Record<string, string>[];
  payer: Record<string, string>;
  purpose: Record<string, unknown> | null;
  subOrders: SubOrder[];
  extra: Record<string, string>;
}

export interface FxOrder {
  orderId: string;
  merchantId: string;
  requestId: string;
  /** What the merchant priced: amount and currency. */
  orderAmountMinor: AmountMinor;
  orderCurrency: CurrencyCode;
  /** The amount of `fxCurrency` to buy; null: all the payment buys after fees. */
  fxAmountMinor: AmountMinor | null;
  fxCurrency: CurrencyCode;
  forUse: ForUse;
  declaration: FxDeclaration;
  fileName: string | null;
  needReview: boolean;
  reviewStatus: ReviewStatus | null;
  reviewRemark: string | null;
  purchaseStatus: PurchaseStatus;
  purchaseRate: string | null;
  purchasedMinor: bigint | null;
  deductionMinor: bigint | null;
  purchaseReference: string | null;
  purchaseCompletedAtMs: number | null;
  /** The CNY still refundable when the purchase ran (what it stood on); null before it. */
  purchaseBaseMinor: bigint | null;
  /** Bought currency sold back to the desk for refunds after the purchase. */
  soldBackMinor: bigint;
  createdAtMs: number;
  updatedAtMs: number;
}

/**
 * Which orders wait for review (config `fxReviewRules`): purpose → the CNY
 * amount in fen from which review is needed; `*` for any other purpose.
 */
export type ReviewRules = ReadonlyMap<string, bigint>;

export function parseReviewRules(json: string): ReviewRules {
  const raw = JSON.parse(json) as unknown;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('fxReviewRules must be a JSON object');
  const rules = new Map<string, bigint>();
  for (const [purpose, threshold] of Object.entries(raw)) {
    if (purpose !== '*' && !(FOR_USES as readonly string[]).includes(purpose)) throw new Error(`fxReviewRules: unknown purpose ${purpose}`);
    if (typeof threshold !== 'string' || !/^(0|[1-9][0-9]{0,17})$/.test(threshold)) throw new Error(`fxReviewRules: ${purpose} needs a threshold in fen as a digit string`);
    rules.set(purpose, BigInt(threshold));
  }
  return rules;
}

export function needsReview(rules: ReviewRules, forUse: ForUse, paymentCnyMinor: bigint): boolean {
  const threshold = rules.get(forUse) ?? rules.get('*');
  return threshold !== undefined && paymentCnyMinor >= threshold;
}
