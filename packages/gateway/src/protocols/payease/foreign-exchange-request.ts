import { GatewayError } from '../../domain/errors.js';
import { bindingClientIp } from '../../domain/ip-address.js';
import type { CurrencyCode } from '../../domain/currencies.js';
import type { AmountMinor } from '../../domain/money.js';
import { PRODUCT_LINES_MAX, SUB_ORDERS_MAX, TEXT_LENGTH_MAX } from '../../domain/limits.js';
import { FOR_USES, type FxDeclaration, type ForUse, type SubOrder } from '../../fx/fx-order.js';
import { requestDigest } from '../../orders/request-digest.js';
import { currencyField, optionalAmount } from './foreign-exchange-lock.js';
import { parsePurpose } from './foreign-exchange-purpose.js';
import { parsePositiveWireAmount } from './wire-amount.js';
import { str, wholeNumberText, type Wire } from './wire-fields.js';
import { parsePaymentModeFields, type PaymentModeRequest } from './payment-mode-request.js';

/** A validated `foreignExchange/order` request, in domain terms. */
export interface NewFxOrder {
  requestId: string;
  requestDigest: string;
  orderAmountMinor: AmountMinor;
  orderCurrency: CurrencyCode;
  fxAmountMinor: AmountMinor | null;
  fxCurrency: CurrencyCode;
  forUse: ForUse;
  listPriceToken: string | null;
  notifyUrl: string;
  callbackUrl: string;
  remark: string | null;
  clientIp: string | null;
  timeoutMinutes: number;
  fileName: string | null;
  declaration: FxDeclaration;
  /** How the payer pays the CNY: a method started at once, or the hosted cashier when none is named. */
  payment: PaymentModeRequest;
}

/** Seed 002: an order times out within 24 hours; 30 minutes when not said (as the cashier). */
const FX_TIMEOUT_MINUTES_MAX = 24 * 60;
const FX_TIMEOUT_MINUTES_DEFAULT = 30;

/** Seed 002's tradeType words (and its misprint 末 for 未), and the English codes the gateway also accepts. */
const CUSTOMS = new Set(['纳入海关', 'CUSTOMS']);
const NOT_CUSTOMS = new Set(['未纳入海关', '末纳入海关', 'NON_CUSTOMS']);

function object(value: unknown, field: string): Wire {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new GatewayError('FIELD_INVALID', { field, reason: 'must be an object' });
  return value as Wire;
}

function productDetails(value: unknown): Record<string, string>[] {
  if (value === undefined || value === null || value === '') throw new GatewayError('FIELD_MISSING', { field: 'productDetails' });
  if (!Array.isArray(value) || value.length === 0) throw new GatewayError('FIELD_INVALID', { field: 'productDetails', reason: 'must be a non-empty list' });
  if (value.length > PRODUCT_LINES_MAX) throw new GatewayError('FIELD_INVALID', { field: 'productDetails', reason: `more than ${PRODUCT_LINES_MAX} lines` });
  return value.map((raw, i) => {
    const label = `productDetails[${i}]`;
    const line = object(raw, label);
    const wire = (name: string, required: boolean, max: number) => str(line, name, required, max, `${label}.${name}`);
    const out: Record<string, string> = { name: wire('name', true, 500)! };
    // quantity and amount are "long" in the seed: accept a JSON integer or a digit string.
    const quantity = wholeNumberText(line, 'quantity', true, TEXT_LENGTH_MAX, `${label}.quantity`);
    if (typeof quantity !== 'string' || !/^[1-9][0-9]{0,8}$/.test(quantity)) throw new GatewayError('FIELD_INVALID', { field: `${label}.quantity`, reason: 'a positive whole number' });
    out.quantity = quantity;
    const amountMinor = parsePositiveWireAmount(line.amount);
    if (amountMinor === undefined) throw new GatewayError('AMOUNT_INVALID', { field: `${label}.amount` });
    out.amount = amountMinor.toString();
    const tradeType = wire('tradeType', true, 10)!;
    if (!CUSTOMS.has(tradeType) && !NOT_CUSTOMS.has(tradeType)) throw new GatewayError('FIELD_INVALID', { field: `${label}.tradeType`, reason: '纳入海关 (CUSTOMS) or 未纳入海关 (NON_CUSTOMS)' });
    out.tradeType = CUSTOMS.has(tradeType) ? 'CUSTOMS' : 'NON_CUSTOMS';
    // Goods declared to customs travel with a waybill: its number and carrier are required.
    const customs = out.tradeType === 'CUSTOMS';
    for (const [name, max, required] of [
      ['receiver', 200, false],
      ['description', 500, false],
      ['logisticsNumber', 120, customs],
      ['logisticsCompany', 200, customs],
      ['invoiceNumber', 35, false],
      ['contractNumber', 20, false],
    ] as const) {
      const v = wire(name, required, max);
      if (v !== undefined) out[name] = v;
    }
    return out;
  });
}

function payer(value: unknown): Record<string, string> {
  if (value === undefined || value === null || value === '') throw new GatewayError('FIELD_MISSING', { field: 'payer' });
  const p = object(value, 'payer');
  const out: Record<string, string> = {};
  const take = (name: string, required: boolean, max: number, format?: [RegExp, string]) => {
    const v = str(p, name, required, max, `payer.${name}`);
    if (v === undefined) return;
    if (format && !format[0].test(v)) throw new GatewayError('FIELD_INVALID', { field: `payer.${name}`, reason: format[1] });
    out[name] = v;
  };
  take('name', true, 100);
  take('idType', true, 10, [/^IDCARD$/, 'IDCARD']);
  take('idNum', true, 18, [/^[0-9]{17}[0-9X]$/, 'an 18-character resident identity card number']);
  take('bankCardNum', true, 20, [/^[0-9]{12,20}$/, '12 to 20 digits']);
  take('phoneNum', true, 20, [/^\+?[0-9][0-9 -]{4,19}$/, 'a phone number']);
  take('email', false, 50, [/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an e-mail address']);
  take('nationality', false, 3, [/^[A-Z]{3}$/, 'an ISO 3166 alpha-3 country code']);
  return out;
}

function subOrders(value: unknown, orderCurrency: CurrencyCode, orderAmountMinor: bigint): SubOrder[] {
  if (value === undefined || value === null || value === '') return [];
  if (orderCurrency !== 'CNY') throw new GatewayError('SUB_ORDERS_NOT_ALLOWED');
  if (!Array.isArray(value) || value.length === 0) throw new GatewayError('FIELD_INVALID', { field: 'subOrders', reason: 'must be a non-empty list' });
  if (value.length > SUB_ORDERS_MAX) throw new GatewayError('FIELD_INVALID', { field: 'subOrders', reason: `more than ${SUB_ORDERS_MAX} sub-orders` });
  const seen = new Set<string>();
  const list = value.map((raw, i) => {
    const label = `subOrders[${i}]`;
    const s = object(raw, label);
    const requestId = str(s, 'requestId', true, 100, `${label}.requestId`)!;
    if (seen.has(requestId)) throw new GatewayError('FIELD_INVALID', { field: `${label}.requestId`, reason: 'appears twice' });
    seen.add(requestId);
    const amount = parsePositiveWireAmount(s.orderAmount);
    if (amount === undefined) throw new GatewayError('AMOUNT_INVALID', { field: `${label}.orderAmount` });
    return { requestId, orderAmountMinor: amount };
  });
  const total = list.reduce((sum, s) => sum + s.orderAmountMinor, 0n);
  if (total !== orderAmountMinor) throw new GatewayError('SUB_ORDERS_TOTAL_MISMATCH', { total: total.toString(), orderAmount: orderAmountMinor.toString() });
  return list;
}

/**
 * Maps a `foreignExchange/order` request (every request field of seed 002)
 * to a validated command. `paymentModeCode` and its companions are read as
 * `onlinePay/order` reads them.
 */
export function parseFxOrderRequest(payload: Wire): NewFxOrder {
  const requestId = str(payload, 'requestId', true, 50)!;
  if (payload.orderAmount === undefined || payload.orderAmount === '') throw new GatewayError('FIELD_MISSING', { field: 'orderAmount' });
  const orderAmountMinor = parsePositiveWireAmount(payload.orderAmount);
  if (orderAmountMinor === undefined) throw new GatewayError('AMOUNT_INVALID', { field: 'orderAmount' });
  const orderCurrency = currencyField(payload, 'orderCurrency');
  const fxCurrency = currencyField(payload, 'currency');
  const forUseWire = str(payload, 'forUse', true, 20)!;
  if (!(FOR_USES as readonly string[]).includes(forUseWire)) throw new GatewayError('FIELD_INVALID', { field: 'forUse', reason: `one of ${FOR_USES.join(', ')}` });
  const forUse = forUseWire as ForUse;
  // The payment methods of the unified order: the payer pays the CNY by wallet, online banking or remittance as well.
  const payment = parsePaymentModeFields(payload);
  const cashierVersion = str(payload, 'cashierVersion', false, 20);
  if (cashierVersion !== undefined && cashierVersion !== 'STANDARD') throw new GatewayError('FIELD_INVALID', { field: 'cashierVersion', reason: 'STANDARD' });
  const merchantUserId = str(payload, 'merchantUserId', false, 30);
  if (merchantUserId !== undefined && !/^[A-Za-z0-9]{2,30}$/.test(merchantUserId)) throw new GatewayError('FIELD_INVALID', { field: 'merchantUserId', reason: '2 to 30 letters or digits' });
  const timeoutWire = wholeNumberText(payload, 'timeout', false, 10);
  let timeoutMinutes = FX_TIMEOUT_MINUTES_DEFAULT;
  if (timeoutWire !== undefined) {
    if (!/^[1-9][0-9]*$/.test(timeoutWire) || Number(timeoutWire) > FX_TIMEOUT_MINUTES_MAX) throw new GatewayError('FIELD_INVALID', { field: 'timeout', reason: `minutes from 1 to ${FX_TIMEOUT_MINUTES_MAX}` });
    timeoutMinutes = Number(timeoutWire);
  }
  const fileName = str(payload, 'fileName', false, 200);
  // The seed: a file name with its extension, no Chinese; no path either, it names a file in the proof folder.
  if (fileName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*\.[A-Za-z0-9]+$/.test(fileName)) {
    throw new GatewayError('FIELD_INVALID', { field: 'fileName', reason: 'a file name with its extension: letters, digits, ".", "_", "-"' });
  }
  const extra: Record<string, string> = {};
  for (const [name, max] of [
    ['appId', 100],
    ['openId', 100],
    ['bindCardId', 100],
  ] as const) {
    const v = str(payload, name, false, max);
    if (v !== undefined) extra[name] = v;
  }
  if (merchantUserId !== undefined) extra.merchantUserId = merchantUserId;
  if (cashierVersion !== undefined) extra.cashierVersion = cashierVersion;
  return {
    requestId,
    requestDigest: requestDigest(payload),
    orderAmountMinor,
    orderCurrency,
    fxAmountMinor: optionalAmount(payload, 'amount'),
    fxCurrency,
    forUse,
    listPriceToken: str(payload, 'listPriceToken', false, 32) ?? null,
    notifyUrl: str(payload, 'notifyUrl', true, 200)!,
    callbackUrl: str(payload, 'callbackUrl', true, 200)!,
    remark: str(payload, 'remark', false, 300) ?? null,
    // Seed 002: a clientIp binds the order to that address, so it must be one.
    clientIp: bindingClientIp(str(payload, 'clientIp', false, 100)),
    timeoutMinutes,
    fileName: fileName ?? null,
    payment,
    declaration: {
      productDetails: productDetails(payload.productDetails),
      payer: payer(payload.payer),
      purpose: parsePurpose(payload, forUse),
      subOrders: subOrders(payload.subOrders, orderCurrency, orderAmountMinor),
      extra,
    },
  };
}
