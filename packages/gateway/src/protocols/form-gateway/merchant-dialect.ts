import { FORM_REFUND_RESULT_FIELDS, FORM_RESULT_FIELDS } from '@opencashier/sdk';
import { refundFields } from './server-answers.js';
import type { CashierLinks } from '../../cashier/links.js';
import { answeredOk, type MerchantDialect } from '../dialect-registry.js';
import { FORM_GATEWAY_DIALECT } from './order-request.js';
import { formResultFields, signedFields, type FormSigningDeps } from './result-fields.js';

/** `<result>1</result>`: the merchant took the result (tags case-insensitive, whitespace allowed, as PHP and JSP shops write them). */
const RECEIVED = /<result>\s*1\s*<\/result>/i;
const REDIRECT = /<redirecturl>\s*([^<]*?)\s*<\/redirecturl>/i;

/** The `redirecturl` a merchant's bgUrl answer names, if any. */
export function redirectUrlOf(answer: string): string | undefined {
  const m = REDIRECT.exec(answer);
  return m && m[1] ? m[1].replace(/&amp;/g, '&') : undefined;
}

/**
 * Form gateway results: the seed's result fields, signed, POSTed to bgUrl as
 * a UTF-8 form; received when the answer says `<result>1</result>`. The
 * payer's way back goes through the gateway's return page, which follows the
 * merchant's `<redirecturl>` or, without one, the pageUrl with the signed result.
 */
export function formGatewayDialect(deps: FormSigningDeps & { links: CashierLinks; publicBaseUrl: string }): MerchantDialect {
  return {
    name: FORM_GATEWAY_DIALECT,
    formatNotification: (order) => JSON.stringify(formResultFields(order)),
    // A refund's final state goes to the same bgUrl, in the refund result's fields.
    formatRefundNotification: (refund, order) => JSON.stringify(refundFields(refund, order)),
    async encodeNotification(n) {
      const payload = JSON.parse(n.payloadJson) as Record<string, string>;
      const order = 'refundDealId' in payload ? FORM_REFUND_RESULT_FIELDS : FORM_RESULT_FIELDS;
      const all: Record<string, string> = {};
      for (const name of order) all[name] = payload[name] ?? '';
      const fields = await signedFields(all, order, n.merchantId, deps);
      return { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body: new URLSearchParams(fields).toString() };
    },
    acknowledged: (answer) => answeredOk(answer) && RECEIVED.test(answer.responseText),
    returnUrl: (order) => `${deps.publicBaseUrl}/form-gateway/return/${deps.links.token(order.orderId)}`,
  };
}
