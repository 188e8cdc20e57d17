import { GatewayError } from '../../domain/errors.js';
import { currency } from '../../domain/currencies.js';
import type { AmountMinor } from '../../domain/money.js';
import type { Order } from '../../domain/order.js';
import type { Refund, RefundState } from '../../domain/refund.js';
import { REQUEST_ID_LENGTH_MAX } from '../../domain/limits.js';
import type { OrderService } from '../../orders/order-service.js';
import type { RefundService } from '../../orders/refund-service.js';
import { requestDigest } from '../../orders/request-digest.js';
import { text } from './fields.js';
import { amountInMerchantStyle, flatAmountMinor } from './amount.js';
import { globalNotificationFields } from './order-result.js';
import { beijingDateTime } from '../../domain/beijing-time.js';
import type { GlobalJsonHandler } from './routes.js';

/** Refund status words of the seed: exhaustive over the core's refund states. */
const REFUND_STATUS: Readonly<Record<RefundState, 'processing' | 'success' | 'fail'>> = {
  PROCESSING: 'processing',
  SUCCESS: 'success',
  FAILED: 'fail',
};

/**
 * A refund as `/global/refund` answers it (without `sign`). `refund_amount`
 * is the merchant's text when it sent one; otherwise (the whole remainder)
 * written in the style of the order's `amount`.
 */
export function globalRefundFields(refund: Refund, order: Order, appId: string | undefined, refundAmountText?: string): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    appid: appId,
    mchid: refund.merchantId,
    refund_id: refund.refundId,
    mch_refund_no: refund.requestId,
    order_id: refund.orderId,
    status: REFUND_STATUS[refund.state],
    error: refund.state === 'FAILED' ? (refund.failureCode ?? 'FAILED') : undefined,
    refund_amount: refundAmountText ?? amountInMerchantStyle(refund.amountMinor, currency(order.currency).exponent, order.dialectContext.amount),
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

/**
 * A refund's notification: every field of the seed's notification (the
 * order's `amount` as sent, `appid`, `complete_time` of the refund,
 * `mch_order_no`, `mchid`, `order_id`, `pay_type`, `user_id`,
 * `consent_id`) with `status` the refund's, then the refund's own fields.
 */
export function globalRefundNotificationFields(refund: Refund, order: Order): Record<string, string> {
  const seed = globalNotificationFields(order);
  const own = globalRefundFields(refund, order, order.dialectContext.appid);
  const completeTime = refund.completedAtMs === null ? undefined : beijingDateTime(refund.completedAtMs);
  const { complete_time: _orderTime, ...orderFields } = seed;
  return { ...orderFields, ...(completeTime ? { complete_time: completeTime } : {}), status: own.status!, ...own };
}

/**
 * `/global/refund` over the core's refund service: `mch_refund_no` is the
 * refund's idempotency key, `refund_amount` (optional: everything still
 * refundable) a decimal in the order's currency, exact like `amount`.
 */
export function globalRefundHandler(orders: OrderService, refunds: RefundService): GlobalJsonHandler {
  return async ({ merchant, appId }, body) => {
    const mchRefundNo = text(body, 'mch_refund_no', true, REQUEST_ID_LENGTH_MAX)!;
    const orderId = text(body, 'order_id', true, 64)!;
    const order = await orders.find(orderId);
    if (!order || order.merchantId !== merchant.merchantId) throw new GatewayError('ORDER_NOT_FOUND');
    const given = body.refund_amount !== undefined && body.refund_amount !== null && body.refund_amount !== '';
    const amountMinor: AmountMinor | null = given ? flatAmountMinor(body.refund_amount, currency(order.currency), 'refund_amount') : null;
    const { sign: _sign, ...content }: Record<string, unknown> = body;
    const { refund } = await refunds.request(merchant, {
      requestId: mchRefundNo,
      requestDigest: requestDigest(content),
      orderId: order.orderId,
      amountMinor,
      remark: null,
      notifyUrl: null,
    });
    return globalRefundFields(refund, order, appId, given ? (body.refund_amount as string) : undefined);
  };
}
