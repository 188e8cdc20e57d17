import { amountMinorToWire } from '@opencashier/sdk';
import type { Order } from '../../domain/order.js';
import { beijingDateTime } from '../../domain/beijing-time.js';

export { beijingDateTime };
import { wireStatus } from './status-map.js';

/** Card brand → clearing organisation word in PayEase answers. */
const CLEARING_ORG: Readonly<Record<string, string>> = {
  Visa: 'VISA',
  Mastercard: 'MASTERCARD',
  'American Express': 'AMEX',
  JCB: 'JCB',
  UnionPay: 'UNIONPAY',
  'Diners Club': 'DINERS',
  Discover: 'DISCOVER',
  Maestro: 'MAESTRO',
};

/**
 * An order's `orderAmount` and `orderCurrency` as every API and message
 * reports them. For an FX purchase order these are the merchant's price as
 * seed 002 defines it (e.g. 10000 USD), kept in the order's details when it
 * was taken; what the payer pays (CNY at the locked rate) is the order's
 * `payment`, reported only by the FX APIs. One order, one set of amounts.
 */
export function reportedPrice(order: Order): { orderAmount: string; orderCurrency: string } {
  const price = order.product === 'foreignExchange' ? order.details.foreignExchange : undefined;
  if (price?.orderAmount && price.orderCurrency) return { orderAmount: price.orderAmount, orderCurrency: price.orderCurrency };
  return { orderAmount: amountMinorToWire(order.amountMinor), orderCurrency: order.currency };
}

/**
 * The fields of an order as `icc/query` answers them and notifications carry
 * them. Empty values are omitted rather than sent as "" so that every known
 * client's canonical string agrees with ours.
 */
export function iccOrderFields(order: Order): Record<string, string> {
  const fields: Record<string, string | null | undefined> = {
    merchantId: order.merchantId,
    requestId: order.requestId,
    serialNumber: order.orderId,
    status: wireStatus(order.state),
    ...reportedPrice(order),
    completeDateTime: order.completedAtMs === null ? undefined : beijingDateTime(order.completedAtMs),
    cardType: order.card ? 'CREDIT' : undefined,
    paymentModeAlias: order.card ? 'INTERNATIONAL_CARD' : undefined,
    clearingOrg: order.card ? (CLEARING_ORG[order.card.brand] ?? order.card.brand.toUpperCase()) : undefined,
    realBankSerialNumber: order.state === 'SUCCESS' ? order.channelReference : undefined,
    remark: order.remark,
    // Refunds that succeeded; processing ones are not counted until the channel confirms them.
    totalRefundCount: String(order.refundCount),
    totalRefundAmount: amountMinorToWire(order.refundedMinor),
    feeAmount: amountMinorToWire(order.feeMinor),
    deliveryStatus: order.state === 'SUCCESS' ? (order.deliveryStatus ?? 'UNDELIVERED') : undefined,
    code: order.state === 'FAILED' ? (order.declineCode ?? undefined) : undefined,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}
