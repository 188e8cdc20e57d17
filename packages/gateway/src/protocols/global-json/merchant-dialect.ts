import { signGlobalJson, GLOBAL_JSON_NOTIFY_ACK } from '@opencashier/sdk';
import type { MerchantSecretRepository } from '../../store/merchant-secret-repository.js';
import { answeredOk, type MerchantDialect } from '../dialect-registry.js';
import { globalNotificationFields } from './order-result.js';
import { GLOBAL_JSON_DIALECT } from './pay-credit-request.js';
import { globalRefundNotificationFields } from './refund.js';

/**
 * Flat-JSON notifications: the seed's fields as a JSON object signed with
 * the app's secret current at delivery, acknowledged by the text `success`.
 */
export function globalJsonDialect(deps: { secrets: MerchantSecretRepository; clock: () => number }): MerchantDialect {
  return {
    name: GLOBAL_JSON_DIALECT,
    formatNotification: (order) => JSON.stringify(globalNotificationFields(order)),
    // The seed's notification fields, then the refund's answer fields, signed the same way.
    formatRefundNotification: (refund, order) => JSON.stringify(globalRefundNotificationFields(refund, order)),
    async encodeNotification(n) {
      // The seed lists the notification's fields exactly, so its stable id travels in the notificationId header only.
      const fields = JSON.parse(n.payloadJson) as Record<string, string>;
      const found = await deps.secrets.verifying('global-json-app', fields.appid ?? '', deps.clock());
      if (!found || found.merchantId !== n.merchantId) throw new Error(`notification ${n.id}: app ${fields.appid} has no secret`);
      return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(signGlobalJson(fields, found.secrets[0]!.reveal())) };
    },
    // Exactly `success` (trimmed of whitespace and a BOM), as the seed says; case-sensitive like PayEase's SUCCESS.
    acknowledged: (answer) => answeredOk(answer) && answer.responseText.trim() === GLOBAL_JSON_NOTIFY_ACK,
    // The seed's callback_url is where the payer goes after paying, as given; no link when the merchant gave none.
    returnUrl: (order) => (order.callbackUrl === '' ? undefined : order.callbackUrl),
  };
}
