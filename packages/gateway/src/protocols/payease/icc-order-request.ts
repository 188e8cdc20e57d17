import { GatewayError } from '../../domain/errors.js';
import { findCurrency } from '../../domain/currencies.js';
import { parsePositiveWireAmount } from './wire-amount.js';
import { ORDER_TYPES, type Address, type OrderType, type ProductLine } from '../../domain/order.js';
import {
  ORDER_TIMEOUT_MINUTES_DEFAULT,
  ORDER_TIMEOUT_MINUTES_MAX,
  PRODUCT_LINES_MAX,
  REQUEST_ID_LENGTH_MAX,
  TEXT_LENGTH_MAX,
  URL_LENGTH_MAX,
} from '../../domain/limits.js';
import type { NewOrder } from '../../orders/new-order.js';
import { requestDigest } from '../../orders/request-digest.js';
import { str, stringRecord, wholeNumberText, type Wire } from './wire-fields.js';

const ADDRESS_FIELDS: readonly (keyof Address)[] = ['firstName', 'lastName', 'email', 'phone', 'country', 'state', 'city', 'address', 'zipCode'];

function products(value: unknown): ProductLine[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) throw new GatewayError('FIELD_INVALID', { field: 'productDetails', reason: 'must be a list' });
  if (value.length > PRODUCT_LINES_MAX) throw new GatewayError('FIELD_INVALID', { field: 'productDetails', reason: `more than ${PRODUCT_LINES_MAX} lines` });
  return value.map((line, i) => {
    const field = `productDetails[${i}]`;
    if (typeof line !== 'object' || line === null || Array.isArray(line)) throw new GatewayError('FIELD_INVALID', { field, reason: 'must be an object' });
    const l = line as Wire;
    const name = str(l, 'name', true, TEXT_LENGTH_MAX, `${field}.name`)!;
    const quantity = wholeNumberText(l, 'quantity', true, TEXT_LENGTH_MAX, `${field}.quantity`)!;
    if (!/^[1-9][0-9]{0,8}$/.test(quantity)) throw new GatewayError('FIELD_INVALID', { field: `${field}.quantity`, reason: 'must be a positive whole number' });
    const amountMinor = parsePositiveWireAmount(l.amount);
    if (amountMinor === undefined) throw new GatewayError('AMOUNT_INVALID', { field: `${field}.amount` });
    const receiver = str(l, 'receiver', false, TEXT_LENGTH_MAX, `${field}.receiver`);
    const description = str(l, 'description', false, TEXT_LENGTH_MAX, `${field}.description`);
    return { name, quantity, amountMinor, ...(receiver ? { receiver } : {}), ...(description ? { description } : {}) };
  });
}

function language(value: string | undefined): 'en' | 'zh' {
  return value && /^(zh|cn)/i.test(value) ? 'zh' : 'en';
}

/**
 * Maps an `icc/order` request to a domain order. Field names follow the
 * PayEase wire; every refusal carries a documented code.
 */
export function parseIccOrderRequest(payload: Wire): NewOrder {
  const requestId = str(payload, 'requestId', true, REQUEST_ID_LENGTH_MAX)!;
  if (payload.orderAmount === undefined || payload.orderAmount === '') throw new GatewayError('FIELD_MISSING', { field: 'orderAmount' });
  const amountMinor = parsePositiveWireAmount(payload.orderAmount);
  if (amountMinor === undefined) throw new GatewayError('AMOUNT_INVALID', { field: 'orderAmount' });
  const currencyCode = str(payload, 'orderCurrency', true, 3)!;
  const currency = findCurrency(currencyCode);
  if (!currency) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: currencyCode });
  const notifyUrl = str(payload, 'notifyUrl', true, URL_LENGTH_MAX)!;
  const callbackUrl = str(payload, 'callbackUrl', true, URL_LENGTH_MAX)!;
  const orderTypeWire = str(payload, 'orderType', false) ?? 'STANDARD';
  if (!ORDER_TYPES.includes(orderTypeWire as OrderType)) throw new GatewayError('FIELD_INVALID', { field: 'orderType', reason: `must be one of ${ORDER_TYPES.join(', ')}` });
  const orderType = orderTypeWire as OrderType;
  const shipInfo = stringRecord(payload.shipInfo, 'shipInfo', ADDRESS_FIELDS) as Address | undefined;
  const billInfo = stringRecord(payload.billInfo, 'billInfo', ADDRESS_FIELDS) as Address | undefined;
  if ((orderType === 'RISK_SHIP' || orderType === 'RISK_SHIP_BILL') && !shipInfo) throw new GatewayError('FIELD_MISSING', { field: 'shipInfo' });
  if ((orderType === 'RISK_BILL' || orderType === 'RISK_SHIP_BILL') && !billInfo) throw new GatewayError('FIELD_MISSING', { field: 'billInfo' });
  const timeoutWire = wholeNumberText(payload, 'timeout', false, 6);
  let timeoutMinutes = ORDER_TIMEOUT_MINUTES_DEFAULT;
  if (timeoutWire !== undefined) {
    if (!/^[1-9][0-9]*$/.test(timeoutWire) || Number(timeoutWire) > ORDER_TIMEOUT_MINUTES_MAX) {
      throw new GatewayError('FIELD_INVALID', { field: 'timeout', reason: `minutes from 1 to ${ORDER_TIMEOUT_MINUTES_MAX}` });
    }
    timeoutMinutes = Number(timeoutWire);
  }
  const payer = stringRecord(payload.payer, 'payer');
  return {
    requestId,
    requestDigest: requestDigest(payload),
    amountMinor,
    currency: currency.code,
    language: language(str(payload, 'language', false, 16)),
    notifyUrl,
    callbackUrl,
    terminalNo: str(payload, 'terminalNo', false, 64) ?? null,
    remark: str(payload, 'remark', false) ?? null,
    orderType,
    details: {
      products: products(payload.productDetails),
      ...(payer && Object.keys(payer).length ? { payer } : {}),
      ...(shipInfo ? { shipInfo } : {}),
      ...(billInfo ? { billInfo } : {}),
    },
    clientIp: str(payload, 'clientIp', false, 64) ?? null,
    timeoutMinutes,
  };
}
