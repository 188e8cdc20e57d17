import { minorToDecimal } from '@opencashier/sdk';
import { currency } from '../../domain/currencies.js';
import type { Order } from '../../domain/order.js';
import { beijingDateTime } from '../../domain/beijing-time.js';
import { GLOBAL_PAY_TYPE } from './pay-credit-request.js';
import { globalNotifyStatus, globalQueryStatus } from './status-map.js';

/**
 * The order's amount exactly as the merchant sent it ("2", "2.00", "100.00"
 * yen); for an order from before the text was kept, major units with the
 * currency's ISO 4217 decimals.
 */
export function globalAmount(order: Pick<Order, 'amountMinor' | 'currency' | 'dialectContext'>): string {
  return order.dialectContext.amount ?? minorToDecimal(order.amountMinor, currency(order.currency).exponent);
}

function compact(fields: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

/** `/global/order/query`'s result, without its sign. */
export function globalQueryFields(order: Order): Record<string, string> {
  return compact({
    mchid: order.merchantId,
    appid: order.dialectContext.appid,
    amount: globalAmount(order),
    order_id: order.orderId,
    mch_order_no: order.requestId,
    third_order_no: order.state === 'SUCCESS' ? order.channelReference : undefined,
    status: globalQueryStatus(order.state),
    pay_type: GLOBAL_PAY_TYPE,
    user_id: order.dialectContext.user_id,
    consent_id: order.dialectContext.consent_id,
  });
}

/** The notification's fields, without its sign (signed at delivery with the app's current secret). */
export function globalNotificationFields(order: Order): Record<string, string> {
  return compact({
    amount: globalAmount(order),
    appid: order.dialectContext.appid,
    // The seed's example writes `YYYY-MM-DD HH:mm:ss` without a zone; like PayEase, Beijing time.
    complete_time: order.completedAtMs === null ? undefined : beijingDateTime(order.completedAtMs),
    mch_order_no: order.requestId,
    mchid: order.merchantId,
    order_id: order.orderId,
    pay_type: GLOBAL_PAY_TYPE,
    status: globalNotifyStatus(order.state),
    user_id: order.dialectContext.user_id,
    consent_id: order.dialectContext.consent_id,
  });
}
