import { GatewayError } from '../../domain/errors.js';
import type { FxOrderService } from '../../fx/fx-order-service.js';
import type { CashierLinks } from '../../cashier/links.js';
import type { OrderService } from '../../orders/order-service.js';
import type { RefundService } from '../../orders/refund-service.js';
import { PROOF_FILE_NAME } from '../../fx/proof-files.js';
import { afterPaymentHandlers } from './after-payment-handlers.js';
import { fxOrderFields } from './foreign-exchange-fields.js';
import { onlinePayActionFields } from './online-pay-fields.js';
import { parseFxOrderRequest } from './foreign-exchange-request.js';
import { requiredRequestId } from './refund-request.js';
import type { Handler } from './routes.js';
import { str } from './wire-fields.js';
import { beijingDateTime } from './order-fields.js';

/**
 * `foreignExchange/order`, `query`, `refund`, `refundQuery` and
 * `proofUpload`. Refunds are the shared refunds (the same handlers as
 * `icc/refund`); after the purchase each is followed by a sale back.
 */
export function foreignExchangeHandlers(deps: { fxOrders: FxOrderService; orders: OrderService; refunds: RefundService; links: CashierLinks; proofUploadUrl: (merchantId: string, fileName: string) => { url: string; expiresAtMs: number } }): Record<string, Handler> {
  const shared = afterPaymentHandlers(deps.orders, deps.refunds);
  return {
    '/foreignExchange/order': async ({ merchant, payload }) => {
      const { order, fx, action } = await deps.fxOrders.create(merchant, parseFxOrderRequest(payload));
      // A replay of an order already final answers its state, not a page to pay it again.
      if (order.state !== 'INIT' && order.state !== 'PROCESSING') return fxOrderFields(order, fx);
      // Seed 002: REDIRECT sends the payer's browser to redirectUrl (the hosted cashier, in CNY, or the
      // method's page); SUCCESS hands scanCode, appParams, jsString or payeeInfo, as onlinePay/order does.
      return {
        requestId: order.requestId,
        ...(await onlinePayActionFields(action, deps.links.url(order.orderId))),
        serialNumber: order.orderId,
        ...Object.fromEntries(Object.entries(fxOrderFields(order, fx)).filter(([k]) => ['orderAmount', 'orderCurrency', 'listprice', 'needReview', 'reviewStatus', 'subOrders'].includes(k))),
        paymentAmount: order.amountMinor.toString(),
        paymentCurrency: order.currency,
      };
    },
    '/foreignExchange/query': async ({ merchant, payload }) => {
      const { order, fx } = await deps.fxOrders.find(merchant.merchantId, requiredRequestId(payload));
      return fxOrderFields(order, fx);
    },
    '/foreignExchange/refund': async (opened) => {
      const orderId = str(opened.payload, 'orderId', true, 64)!;
      await deps.fxOrders.assertRefundable(opened.merchant.merchantId, orderId);
      const answer = await shared['/icc/refund']!(opened);
      // After the purchase, the refunded share of the bought currency is sold back (docs: the FX flow).
      await deps.fxOrders.afterRefund(orderId);
      return answer;
    },
    '/foreignExchange/refundQuery': async (opened) => shared['/icc/refundQuery']!(opened),
    /** `{fileName}` → a short-lived URL the proof file is PUT to (the API side of the seed's SFTP folder). */
    '/foreignExchange/proofUpload': async ({ merchant, payload }) => {
      const fileName = str(payload, 'fileName', true, 200)!;
      if (!PROOF_FILE_NAME.test(fileName)) throw new GatewayError('FIELD_INVALID', { field: 'fileName', reason: 'a file name with its extension: letters, digits, ".", "_", "-"' });
      const { url, expiresAtMs } = deps.proofUploadUrl(merchant.merchantId, fileName);
      return { status: 'SUCCESS', fileName, uploadUrl: url, method: 'PUT', expireDateTime: beijingDateTime(expiresAtMs) };
    },
  };
}
