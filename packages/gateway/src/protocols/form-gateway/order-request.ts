import { isAmountMinorString } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { AmountMinor } from '../../domain/money.js';
import { FORM_ORDER_TIMEOUT_SECONDS_MAX, ORDER_TIMEOUT_MINUTES_DEFAULT, REQUEST_ID_LENGTH_MAX, TEXT_LENGTH_MAX, URL_LENGTH_MAX } from '../../domain/limits.js';
import type { NewOrder } from '../../orders/new-order.js';
import { requestDigest } from '../../orders/request-digest.js';
import { FORM_BANK_CODES } from './bank-codes.js';
import { parseFormTime } from './form-time.js';

export const FORM_GATEWAY_DIALECT = 'form-gateway';

/** payType values served: 00 any method (the cashier), 10 bank card (the cashier, or straight to `bankId`), 13 offline remittance. */
export const FORM_PAY_TYPES = ['00', '10', '13'] as const;
export const FORM_REMITTANCE_PAY_TYPE = '13';
/** submitType 01: the order is submitted from the merchant's server and answered in XML (offline remittance). */
export const FORM_SERVER_SUBMIT = '01';

/** Fields kept with the order and echoed in results (signed with them); never card data. */
const ECHOED = ['merchantAcctId', 'version', 'language', 'signType', 'payType', 'bankId', 'orderTime', 'ext1', 'ext2', 'remitType', 'remitCode', 'redoFlag', 'pageUrl'] as const;

export interface FormOrderCommand {
  order: NewOrder;
  /** redoFlag 1: an orderId submitted once may not be submitted again. */
  noResubmit: boolean;
  remittance: boolean;
}

type Fields = Readonly<Record<string, string>>;

function field(f: Fields, name: string, required: boolean, pattern?: RegExp, maxLength = TEXT_LENGTH_MAX, reason = 'malformed'): string | undefined {
  const v = f[name];
  if (v === undefined || v === '') {
    if (required) throw new GatewayError('FIELD_MISSING', { field: name });
    return undefined;
  }
  if (v.length > maxLength) throw new GatewayError('FIELD_INVALID', { field: name, reason: `longer than ${maxLength} characters` });
  if (/[\u0000-\u001f\u007f]/.test(v)) throw new GatewayError('FIELD_INVALID', { field: name, reason: 'contains control characters' });
  if (pattern && !pattern.test(v)) throw new GatewayError('FIELD_INVALID', { field: name, reason });
  return v;
}

/** How orderTimestamp is checked: required and fresh only for a merchant with the anti-replay option on. */
export interface FormTimestampRule {
  required: boolean;
  windowMs: number;
}

/**
 * orderTimestamp (seed: the stamp of 商户查询交易时间戳) is optional. A
 * merchant who turns on the anti-replay option must send it, and it must lie
 * within the window of the gateway's clock; otherwise a stamp sent is only
 * checked to be a time (it is signed with the form either way).
 */
function checkOrderTimestamp(f: Fields, nowMs: number, rule: FormTimestampRule): void {
  const text = field(f, 'orderTimestamp', false, undefined, 14);
  const stamp = text === undefined ? undefined : parseFormTime(text);
  if (text !== undefined && stamp === undefined) throw new GatewayError('FIELD_INVALID', { field: 'orderTimestamp', reason: 'must be yyyyMMddHHmmss' });
  if (rule.required && (stamp === undefined || Math.abs(nowMs - stamp) > rule.windowMs)) throw new GatewayError('TIMESTAMP_INVALID');
}

/** payerContactType (seed: 1 e-mail, 2 mobile phone) and the payerContact it types; both optional. */
const PAYER_CONTACT_PATTERNS: Readonly<Record<string, { pattern: RegExp; reason: string }>> = {
  '1': { pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/, reason: 'payerContactType 1: an e-mail address' },
  '2': { pattern: /^1[0-9]{10}$/, reason: 'payerContactType 2: an 11-digit mobile number' },
};
const PAYER_CONTACT_LENGTH_MAX = 50;

function payerContactOf(f: Fields): string | undefined {
  const type = field(f, 'payerContactType', false, /^[12]$/, 1, 'must be 1 (e-mail) or 2 (mobile phone)');
  const contact = field(f, 'payerContact', false, undefined, PAYER_CONTACT_LENGTH_MAX);
  const rule = type === undefined ? undefined : PAYER_CONTACT_PATTERNS[type];
  if (contact !== undefined && rule && !rule.pattern.test(contact)) throw new GatewayError('FIELD_INVALID', { field: 'payerContact', reason: rule.reason });
  return contact;
}

/**
 * Maps a decoded order form (signature already verified) to a domain order.
 * `orderAmount` is in fen (CNY minor units, a whole number); `orderTimeOut`
 * in seconds; `orderTimestamp` as `timestamp` says.
 */
export function parseFormOrder(f: Fields, nowMs: number, timestamp: FormTimestampRule): FormOrderCommand {
  field(f, 'version', true, /^v2\.0$/, 8, 'must be v2.0');
  field(f, 'language', true, /^[12]$/, 1, 'must be 1 (Chinese) or 2 (English)');
  const orderId = field(f, 'orderId', true, /^[A-Za-z0-9_-]+$/, REQUEST_ID_LENGTH_MAX, 'letters, digits, _ and -')!;
  const amountText = field(f, 'orderAmount', true, undefined, 18)!;
  if (!isAmountMinorString(amountText) || amountText === '0') throw new GatewayError('AMOUNT_INVALID', { field: 'orderAmount' });
  const amountMinor = BigInt(amountText) as AmountMinor;
  const orderTime = field(f, 'orderTime', true, undefined, 14)!;
  if (parseFormTime(orderTime) === undefined) throw new GatewayError('FIELD_INVALID', { field: 'orderTime', reason: 'must be yyyyMMddHHmmss' });
  checkOrderTimestamp(f, nowMs, timestamp);
  const payType = field(f, 'payType', true, /^[0-9]{2}$/, 2)!;
  if (!(FORM_PAY_TYPES as readonly string[]).includes(payType)) throw new GatewayError('FIELD_INVALID', { field: 'payType', reason: `must be one of ${FORM_PAY_TYPES.join(', ')}` });
  const bankId = field(f, 'bankId', false, undefined, 16);
  if (bankId !== undefined && !FORM_BANK_CODES.has(bankId)) throw new GatewayError('FIELD_INVALID', { field: 'bankId', reason: 'not a bank code of the bank code table (such as ICBC)' });
  const submitType = field(f, 'submitType', false, /^0[01]$/, 2, 'must be 00 or 01');
  const remittance = payType === FORM_REMITTANCE_PAY_TYPE;
  if (remittance !== (submitType === FORM_SERVER_SUBMIT)) throw new GatewayError('FIELD_INVALID', { field: 'submitType', reason: 'offline remittance (payType 13) is submitted with submitType 01, and only it' });
  if (remittance) {
    field(f, 'remitType', true, /^[12]$/, 1, 'must be 1 or 2');
    field(f, 'remitCode', true, /^[A-Za-z0-9]{1,32}$/, 32, 'letters and digits, at most 32');
  }
  const redoFlag = field(f, 'redoFlag', false, /^[01]$/, 1, 'must be 0 or 1');
  const bgUrl = field(f, 'bgUrl', true, undefined, URL_LENGTH_MAX)!;
  const pageUrl = field(f, 'pageUrl', false, undefined, URL_LENGTH_MAX) ?? '';
  const timeoutText = field(f, 'orderTimeOut', false, /^[1-9][0-9]{0,8}$/, 9, 'whole seconds');
  if (timeoutText !== undefined && Number(timeoutText) > FORM_ORDER_TIMEOUT_SECONDS_MAX) throw new GatewayError('FIELD_INVALID', { field: 'orderTimeOut', reason: `at most ${FORM_ORDER_TIMEOUT_SECONDS_MAX} seconds` });
  const productName = field(f, 'productName', false) ?? orderId;
  const productNum = field(f, 'productNum', false, /^[1-9][0-9]{0,8}$/, 9, 'a positive whole number') ?? '1';
  const productDesc = field(f, 'productDesc', false);
  const payerName = field(f, 'payerName', false, undefined, 64);
  const payerContact = payerContactOf(f);
  for (const name of ['payerIdType', 'payerId', 'productId', 'cardIssuer', 'pid', 'extDataType', 'extDataContent', 'ext1', 'ext2']) field(f, name, false);
  const clientIp = field(f, 'payerIP', false, undefined, 64) ?? null;

  // The stamp changes with every page load, and a card number must not be kept even as a hash.
  const { signMsg: _signMsg, orderTimestamp: _stamp, cardNum: _cardNum, ...content } = f;
  const context: Record<string, string> = {};
  for (const name of ECHOED) if (f[name]) context[name] = f[name]!;
  return {
    noResubmit: redoFlag === '1',
    remittance,
    order: {
      requestId: orderId,
      requestDigest: requestDigest(content),
      amountMinor,
      currency: 'CNY',
      language: f.language === '2' ? 'en' : 'zh',
      notifyUrl: bgUrl,
      callbackUrl: pageUrl,
      terminalNo: null,
      remark: productDesc ?? null,
      orderType: 'STANDARD',
      details: {
        products: [{ name: productName, quantity: productNum, amountMinor, ...(productDesc ? { description: productDesc } : {}) }],
        ...(payerName || payerContact ? { payer: { ...(payerName ? { name: payerName } : {}), ...(payerContact ? { contact: payerContact } : {}) } } : {}),
      },
      clientIp,
      timeoutMinutes: timeoutText === undefined ? ORDER_TIMEOUT_MINUTES_DEFAULT : Math.ceil(Number(timeoutText) / 60),
      dialect: FORM_GATEWAY_DIALECT,
      dialectContext: context,
    },
  };
}
