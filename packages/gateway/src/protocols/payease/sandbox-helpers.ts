import { amountMinorToWire } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { OrderService } from '../../orders/order-service.js';
import type { OpenedRequest } from './gateway-envelope.js';
import { beijingDateTime, iccOrderFields } from './order-fields.js';
import type { DisputeService } from '../../orders/dispute-service.js';
import type { Dispute } from '../../domain/dispute.js';
import { payWithTestCard } from '../../orders/sandbox-payment.js';

/**
 * Sandbox test helpers: drive an order through the sandbox channel without a
 * browser, so a merchant's own automated tests can reach every outcome.
 * Called with the same signed envelope as every other API, and refused
 * unless the merchant is a sandbox merchant.
 */
async function orderOf(orders: OrderService, opened: OpenedRequest) {
  if (!opened.merchant.sandbox) throw new GatewayError('SANDBOX_ONLY');
  const requestId = opened.payload.requestId;
  if (typeof requestId !== 'string' || requestId === '') throw new GatewayError('FIELD_MISSING', { field: 'requestId' });
  const order = await orders.findByRequest(opened.merchant.merchantId, requestId);
  if (!order) throw new GatewayError('ORDER_NOT_FOUND');
  return order;
}

export function sandboxHandlers(orders: OrderService, disputes: DisputeService): Record<string, (opened: OpenedRequest) => Promise<Record<string, unknown>>> {
  return {
    /** `{requestId, cardNumber, otp?}`: pays with a magic card; `otp` answers a 3-D Secure challenge. */
    '/sandbox/pay': async (opened) => {
      const order = await orderOf(orders, opened);
      const pan = opened.payload.cardNumber;
      if (typeof pan !== 'string' || !/^[0-9]{12,19}$/.test(pan)) throw new GatewayError('FIELD_INVALID', { field: 'cardNumber', reason: '12 to 19 digits' });
      const otp = opened.payload.otp;
      return iccOrderFields(await payWithTestCard(orders, order.orderId, pan, typeof otp === 'string' ? otp : undefined));
    },
    /** `{requestId, reasonCode?}`: the cardholder files a chargeback on a paid order. */
    '/sandbox/chargeback': async (opened) => {
      const order = await orderOf(orders, opened);
      return disputeFields(order.requestId, await disputes.open(order.orderId, 'CHARGEBACK', reasonCodeOf(opened)));
    },
    /** `{requestId, reasonCode?}`: the issuer sends a retrieval request on a paid order. */
    '/sandbox/retrieval': async (opened) => {
      const order = await orderOf(orders, opened);
      return disputeFields(order.requestId, await disputes.open(order.orderId, 'RETRIEVAL', reasonCodeOf(opened)));
    },
    /** `{requestId}`: the order expires now, unpaid (CANCEL, notified). */
    '/sandbox/expire': async (opened) => {
      const order = await orderOf(orders, opened);
      return iccOrderFields(await orders.expireNow(order.orderId));
    },
  };
}

function reasonCodeOf(opened: OpenedRequest): string | undefined {
  const r = opened.payload.reasonCode;
  return typeof r === 'string' && r !== '' ? r : undefined;
}

function disputeFields(requestId: string, d: Dispute): Record<string, string> {
  return {
    requestId,
    serialNumber: d.orderId,
    disputeId: d.disputeId,
    disputeType: d.kind,
    disputeStatus: d.status,
    reasonCode: d.reasonCode,
    disputeAmount: amountMinorToWire(d.amountMinor),
    disputeCurrency: d.currency,
    respondBy: beijingDateTime(d.respondByMs),
  };
}
