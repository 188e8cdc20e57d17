import { GatewayError } from '../../domain/errors.js';
import type { OrderService } from '../../orders/order-service.js';
import type { OnlinePayService } from '../../onlinepay/online-pay-service.js';
import type { CashierLinks } from '../../cashier/links.js';
import type { OpenedRequest } from './gateway-envelope.js';
import { parseOnlinePayOrderRequest } from './online-pay-order-request.js';
import { onlinePayActionFields, orderFieldsFor } from './online-pay-fields.js';
import { requiredRequestId } from './refund-request.js';
import { cardBindingHandlers } from './card-binding-handlers.js';
import type { CardBindingService } from '../../onlinepay/card-binding-service.js';

type Handler = (opened: OpenedRequest) => Promise<Record<string, unknown>>;

/** The unified order: `onlinePay/order` and `onlinePay/query` (refunds and cancellation are shared with icc). */
export function onlinePayHandlers(orders: OrderService, onlinePay: OnlinePayService, links: CashierLinks, bindings: CardBindingService): Record<string, Handler> {
  return {
    ...cardBindingHandlers(bindings),
    '/onlinePay/order': async ({ merchant, payload }) => {
      const { order, action } = await onlinePay.create(merchant, parseOnlinePayOrderRequest(payload));
      // A replay of an order already final answers its state, not a page to pay it again.
      if (order.state !== 'INIT' && order.state !== 'PROCESSING') return orderFieldsFor(order);
      return { requestId: order.requestId, paymentOrderId: order.orderId, ...(await onlinePayActionFields(action, links.url(order.orderId))) };
    },
    '/onlinePay/query': async ({ merchant, payload }) => {
      const order = await orders.findByRequest(merchant.merchantId, requiredRequestId(payload));
      if (!order) throw new GatewayError('ORDER_NOT_FOUND');
      return orderFieldsFor(order);
    },
  };
}
