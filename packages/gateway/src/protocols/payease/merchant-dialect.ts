import type { Order } from '../../domain/order.js';
import { DEFAULT_DIALECT } from '../../domain/order.js';
import { isAcknowledged } from '../../notify/dispatcher.js';
import type { MerchantDialect } from '../dialect-registry.js';
import type { GatewayEnvelope } from './gateway-envelope.js';
import { orderFieldsFor } from './online-pay-fields.js';
import { fxPaymentNotificationFields } from './foreign-exchange-fields.js';
import { refundNotificationFields } from './refund-fields.js';

/** PayEase v3: notifications sealed in the envelope to the merchant's current certificate, acknowledged with `SUCCESS`. */
export function payEaseDialect(deps: { envelope: GatewayEnvelope }): MerchantDialect {
  return {
    name: DEFAULT_DIALECT,
    // An FX purchase order carries its purchase fields; the others those of the API that created them.
    formatNotification: (order) => JSON.stringify(order.product === 'foreignExchange' ? fxPaymentNotificationFields(order) : orderFieldsFor(order)),
    formatRefundNotification: (refund, order) => JSON.stringify(refundNotificationFields(refund, order)),
    async encodeNotification(n) {
      const merchantKeys = await deps.envelope.merchantKeys(n.merchantId);
      if (!merchantKeys?.certificates[0]) throw new Error(`notification ${n.id}: merchant ${n.merchantId} has no certificate`);
      // The notification's stable id, signed with the rest: clients verify over every field they receive.
      const payload: Record<string, unknown> = { ...(JSON.parse(n.payloadJson) as Record<string, unknown>), notificationId: n.id };
      const recipient = { key: merchantKeys.certificates[0], pem: merchantKeys.certificatesPem[0]! };
      return deps.envelope.seal(n.merchantId, recipient, payload, String(payload.requestId ?? ''));
    },
    acknowledged: isAcknowledged,
    returnUrl(order: Order) {
      const url = new URL(order.callbackUrl);
      url.searchParams.set('merchantId', order.merchantId);
      url.searchParams.set('requestId', order.requestId);
      return url.toString();
    },
  };
}
