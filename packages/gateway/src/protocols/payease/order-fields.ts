import { amountMinorToWire } from '@opencashier/sdk';
import type { Order } from '../../domain/order.js';
import { wireStatus } from './status-map.js';

/** PayEase times are Beijing time, `yyyy-MM-dd HH:mm:ss`, whatever the server's zone. */
const BEIJING_OFFSET_MS = 8 * 3_600_000;

export function beijingDateTime(ms: number): string {
  const d = new Date(ms + BEIJING_OFFSET_MS);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

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
    orderAmount: amountMinorToWire(order.amountMinor),
    orderCurrency: order.currency,
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
