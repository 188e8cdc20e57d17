import type { CardInput } from './channel.js';
import type { Order } from './order.js';

/**
 * What the order service asks of risk control (`risk/`) on every card
 * payment, before the channel is called. Declared here so orders depend on
 * the interface, not on the engine.
 */
export const RISK_ACTIONS = ['ALLOW', 'CHALLENGE', 'REVIEW', 'DENY'] as const;
export type RiskAction = (typeof RISK_ACTIONS)[number];

/** Where the payer is: the cashier's view of the browser (the order's clientIp is the fallback). */
export interface PaymentContext {
  ip?: string;
  /** The cashier's long-lived device cookie. */
  deviceId?: string;
}

/** Decline code of an order the risk engine denied: nothing reached the channel. */
export const RISK_DECLINED = 'RISK_DECLINED';
/** Decline code of a payment held for review that the operator rejected (the order ends CANCEL). */
export const RISK_REVIEW_REJECTED = 'RISK_REVIEW_REJECTED';

export interface PaymentRiskGate {
  /** Decides one payment attempt and records the decision. The card number is used in memory only. */
  assess(order: Order, card: CardInput, context: PaymentContext): Promise<{ action: RiskAction }>;
  /** Whether an approved authorisation of this order must wait for an operator instead of completing. */
  holdsForReview(orderId: string): Promise<boolean>;
  /** Feeds a final order into the velocity counters (declines, approved amounts). Never throws. */
  onFinal(order: Order): Promise<void>;
}
