import QRCode from 'qrcode';
import { amountMinorToWire } from '@opencashier/sdk';
import type { PayerAction } from '../../domain/channel.js';
import type { Order } from '../../domain/order.js';
import { isPaymentMethod, paymentMethodSpec } from '../../domain/payment-method.js';
import { beijingDateTime, iccOrderFields } from './order-fields.js';

/** QR module size and quiet zone: scannable from a phone held at arm's length, small enough for a page. */
const QR_SCALE = 6;
const QR_MARGIN = 2;

/** A QR code of `content` as a base64 PNG, what `scanCode` carries. */
export async function qrPngBase64(content: string): Promise<string> {
  const png = await QRCode.toBuffer(content, { type: 'png', errorCorrectionLevel: 'M', scale: QR_SCALE, margin: QR_MARGIN });
  return png.toString('base64');
}

/**
 * The `onlinePay/order` answer for what the payer must do: REDIRECT with
 * the page to open (the hosted cashier when no method was named), or
 * SUCCESS with the QR code, JSAPI or app parameters.
 */
export async function onlinePayActionFields(action: PayerAction | undefined, cashierUrl: string): Promise<Record<string, unknown>> {
  if (!action) return { status: 'REDIRECT', redirectUrl: cashierUrl };
  switch (action.kind) {
    case 'redirect':
      return { status: 'REDIRECT', redirectUrl: action.url };
    case 'scan':
      return { status: 'SUCCESS', scanCode: await qrPngBase64(action.content), scanCodeUrl: action.content };
    case 'jsapi':
      return { status: 'SUCCESS', jsString: action.jsString };
    case 'app':
      return { status: 'SUCCESS', appParams: action.appParams };
    case 'remit':
      return { status: 'SUCCESS', payeeInfo: { ...action.payee } };
  }
}

/**
 * The method's `paymentModeAlias`, `clearingOrg` and `cardType` over the card
 * fields, for an order paid (or to be paid) by a method of the unified order.
 */
export function applyPaymentMethodFields(order: Order, fields: Record<string, unknown>): void {
  const method = isPaymentMethod(order.paymentMethod) ? order.paymentMethod : order.card ? 'CARD' : undefined;
  if (!method || method === 'CARD') return;
  const spec = paymentMethodSpec(method);
  fields.paymentModeAlias = spec.alias;
  if (spec.clearingOrg) fields.clearingOrg = spec.clearingOrg;
  else delete fields.clearingOrg;
  if (spec.action === 'saved-card') fields.cardType = method === 'EXPRESS_CREDIT' ? 'CREDIT' : 'DEBIT';
  else delete fields.cardType;
}

/**
 * An onlinePay order as `onlinePay/query` answers it and its notifications
 * carry it: the card fields plus `payment{…}` once paid, and the method's
 * `paymentModeAlias` and `clearingOrg`.
 */
export function onlinePayOrderFields(order: Order): Record<string, unknown> {
  const base: Record<string, unknown> = iccOrderFields(order);
  applyPaymentMethodFields(order, base);
  if (order.state === 'SUCCESS' || order.state === 'FAILED') {
    const payment: Record<string, string> = {
      amount: amountMinorToWire(order.amountMinor),
      currency: order.currency,
      status: order.state,
    };
    if (order.completedAtMs !== null) payment.completeDateTime = beijingDateTime(order.completedAtMs);
    if (order.details.bindCardId) payment.bindCardId = order.details.bindCardId;
    base.payment = payment;
  }
  return base;
}

/** The fields of any order in the dialect of the API that created it. */
export function orderFieldsFor(order: Order): Record<string, unknown> {
  return order.product === 'onlinePay' ? onlinePayOrderFields(order) : iccOrderFields(order);
}
