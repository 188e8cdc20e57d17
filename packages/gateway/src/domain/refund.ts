import type { AmountMinor } from './money.js';
import { GatewayError } from './errors.js';
import type { OrderState } from './order-state.js';
import type { CurrencyCode } from './currencies.js';

/**
 * A refund of (part of) a paid order.
 *
 *   PROCESSING ──► SUCCESS   (the channel returned the money)
 *        └───────► FAILED    (the channel refused; the amount is refundable again)
 *
 * A PROCESSING refund already counts against the order's refundable amount,
 * so concurrent refunds can never together exceed it.
 */
export const REFUND_STATES = ['PROCESSING', 'SUCCESS', 'FAILED'] as const;
export type RefundState = (typeof REFUND_STATES)[number];

/** Who asked for the refund. */
export type RefundOrigin =
  /** The merchant, through the API. */
  | 'MERCHANT'
  /** The gateway, for a payment the channel approved after the order was cancelled. */
  | 'LATE_APPROVAL_REVERSAL'
  /** The gateway, for an FX order paid and then refused at review: the payer gets the money back. */
  | 'REVIEW_REFUSAL';

export interface Refund {
  /** The refund's serialNumber, as merchants see it. */
  refundId: string;
  merchantId: string;
  /** The merchant's refund number, unique per merchant. */
  requestId: string;
  requestDigest: string;
  orderId: string;
  amountMinor: AmountMinor;
  currency: CurrencyCode;
  state: RefundState;
  origin: RefundOrigin;
  remark: string | null;
  notifyUrl: string | null;
  channelReference: string | null;
  failureCode: string | null;
  createdAtMs: number;
  updatedAtMs: number;
  completedAtMs: number | null;
}

export function isRefundFinal(state: RefundState): boolean {
  return state !== 'PROCESSING';
}

/**
 * What is still refundable on an order: the captured amount less every
 * refund not failed (processing ones included) and less the chargebacks
 * that hold or took money.
 */
export function refundableMinor(o: { amountMinor: bigint; refundReservedMinor: bigint; disputedMinor: bigint }): bigint {
  const left = o.amountMinor - o.refundReservedMinor - o.disputedMinor;
  return left > 0n ? left : 0n;
}

/**
 * Refund eligibility, the one rule: only a paid order, only while something
 * is left, never more than is left. Returns the amount to refund — what was
 * asked, or everything left when nothing was.
 */
export function refundAmountFor(o: { state: OrderState | string; amountMinor: bigint; refundReservedMinor: bigint; disputedMinor: bigint }, requestedMinor: bigint | undefined): bigint {
  if (o.state !== 'SUCCESS') throw new GatewayError('REFUND_NOT_ALLOWED', { state: o.state });
  const refundable = refundableMinor(o);
  if (refundable === 0n) throw new GatewayError('ORDER_FULLY_REFUNDED');
  const amount = requestedMinor ?? refundable;
  if (amount > refundable) throw new GatewayError('REFUND_AMOUNT_EXCEEDED', { refundable: refundable.toString() });
  return amount;
}
