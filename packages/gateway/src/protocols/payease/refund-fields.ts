import { amountMinorToWire } from '@opencashier/sdk';
import type { Order } from '../../domain/order.js';
import type { Refund } from '../../domain/refund.js';
import { beijingDateTime, reportedPrice } from './order-fields.js';

/**
 * A refund as `icc/refundQuery` answers it (the seed's 退款交易明细): its
 * own numbers, the order it belongs to, amounts, currency, status and times.
 * Status words: PROCESSING, SUCCESS, FAILED. Empty values are omitted.
 */
export function refundFields(refund: Refund, order: Order): Record<string, string> {
  const fields: Record<string, string | null | undefined> = {
    merchantId: refund.merchantId,
    requestId: refund.requestId,
    serialNumber: refund.refundId,
    orderId: refund.orderId,
    orderRequestId: order.requestId,
    // The order's price as every API reports it; the refund's own amount is in its own currency.
    ...reportedPrice(order),
    amount: amountMinorToWire(refund.amountMinor),
    currency: refund.currency,
    status: refund.state,
    createDateTime: beijingDateTime(refund.createdAtMs),
    completeDateTime: refund.completedAtMs === null ? undefined : beijingDateTime(refund.completedAtMs),
    remark: refund.remark,
    code: refund.failureCode,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

/** What a refund notification carries: the refund's fields, marked so one notifyUrl can tell them from order notifications. */
export function refundNotificationFields(refund: Refund, order: Order): Record<string, string> {
  return { notifyType: 'REFUND', ...refundFields(refund, order) };
}
