import { amountMinorToWire } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { OrderService } from '../../orders/order-service.js';
import type { RefundService } from '../../orders/refund-service.js';
import type { OpenedRequest } from './gateway-envelope.js';
import { orderFieldsFor } from './online-pay-fields.js';
import { refundFields } from './refund-fields.js';
import { parseRefundRequest, requiredRequestId } from './refund-request.js';

type Handler = (opened: OpenedRequest) => Promise<Record<string, unknown>>;

/**
 * Refunds, refund queries and cancellation. The international card
 * (`icc/*`) and unified (`onlinePay/*`) paths share one core: an order is
 * refunded or cancelled the same way whichever API created it.
 */
export function afterPaymentHandlers(orders: OrderService, refunds: RefundService): Record<string, Handler> {
  const refund: Handler = async ({ merchant, payload }) => {
    const { refund: r } = await refunds.request(merchant, parseRefundRequest(payload));
    // A failed refund is an answer about the refund, not a refusal of the request: it carries its serialNumber.
    return { requestId: r.requestId, serialNumber: r.refundId, orderId: r.orderId, amount: amountMinorToWire(r.amountMinor), status: r.state, ...(r.failureCode ? { code: r.failureCode } : {}) };
  };
  const refundQuery: Handler = async ({ merchant, payload }) => {
    const requestId = requiredRequestId(payload);
    const r = await refunds.findByRequest(merchant.merchantId, requestId);
    if (!r || r.origin === 'LATE_APPROVAL_REVERSAL') throw new GatewayError('REFUND_NOT_FOUND');
    const order = await orders.find(r.orderId);
    if (!order) throw new Error(`refund ${r.refundId} belongs to a missing order`);
    return refundFields(r, order);
  };
  const cancelOrder: Handler = async ({ merchant, payload }) => orderFieldsFor(await orders.cancel(merchant.merchantId, requiredRequestId(payload)));
  return {
    '/icc/refund': refund,
    '/onlinePay/refund': refund,
    '/icc/refundQuery': refundQuery,
    '/onlinePay/refundQuery': refundQuery,
    '/icc/cancelOrder': cancelOrder,
    '/onlinePay/cancelOrder': cancelOrder,
  };
}
