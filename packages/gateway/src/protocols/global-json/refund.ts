import { decimalToMinor } from '@opencashier/sdk';
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
import { globalAmount } from './order-result.js';
import type { GlobalJsonHandler } from './routes.js';

/** Refund status words of the seed: exhaustive over the core's refund states. */
const REFUND_STATUS: Readonly<Record<RefundState, 'processing' | 'success' | 'fail'>> = {
  PROCESSING: 'processing',
  SUCCESS: 'success',
  FAILED: 'fail',
};

/** A refund as `/global/refund` answers it and its notification carries it (without `sign`). */
export function globalRefundFields(refund: Refund, order: Order, appId: string | undefined): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    appid: appId,
    mchid: refund.merchantId,
    refund_id: refund.refundId,
    mch_refund_no: refund.requestId,
    order_id: refund.orderId,
    status: REFUND_STATUS[refund.state],
    error: refund.state === 'FAILED' ? (refund.failureCode ?? 'FAILED') : undefined,
    refund_amount: globalAmount({ amountMinor: refund.amountMinor, currency: order.currency }),
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') out[k] = v;
  return out;
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
    let amountMinor: AmountMinor | null = null;
    if (body.refund_amount !== undefined && body.refund_amount !== null && body.refund_amount !== '') {
      const exponent = currency(order.currency).exponent;
      const parsed = decimalToMinor(body.refund_amount, exponent);
      if (!parsed.ok && parsed.problem === 'too-many-decimals') throw new GatewayError('AMOUNT_DECIMALS_EXCEEDED', { field: 'refund_amount', currency: order.currency, exponent: String(exponent) });
      if (!parsed.ok || parsed.amountMinor <= 0n) throw new GatewayError('FIELD_INVALID', { field: 'refund_amount', reason: `must be a positive decimal string in ${order.currency}` });
      amountMinor = parsed.amountMinor as AmountMinor;
    }
    const { sign: _sign, ...content }: Record<string, unknown> = body;
    const { refund } = await refunds.request(merchant, {
      requestId: mchRefundNo,
      requestDigest: requestDigest(content),
      orderId: order.orderId,
      amountMinor,
      remark: null,
      notifyUrl: null,
    });
    return globalRefundFields(refund, order, appId);
  };
}
