import type { ErrorCode } from '../../domain/errors.js';

/**
 * The form gateway's `errCode` for each core error code. Where seed 004's
 * error table (快钱 人民币网关 v3.0.3 §3.3) numbers a refusal, its number is
 * used: 10009 payerContact … 10021 bankId. Every other refusal has a number of
 * its own outside the seed's: 100xx a field of the form, 200xx the merchant or
 * the order, 300xx the gateway. Each errCode means one thing
 * (`wire-code-ledger.ts` records every number ever answered, and the retired
 * ones); a refusal that names a field is refined by the field
 * (`FORM_FIELD_WIRE_CODES`). Exhaustive, and listed in
 * docs/dialects/form-gateway.md (a test keeps them in step).
 */
export const FORM_WIRE_CODES: Readonly<Record<ErrorCode, string>> = {
  FIELD_MISSING: '10049',
  FIELD_INVALID: '10050',
  URL_NOT_ALLOWED: '10051',
  CHARSET_INVALID: '10052',
  TIMESTAMP_INVALID: '10053',
  BODY_TOO_LARGE: '10054',
  FX_PAIR_UNSUPPORTED: '10055',
  PAYMENT_MODE_UNSUPPORTED: '10056',
  SUB_ORDERS_NOT_ALLOWED: '10057',
  AMOUNT_FRACTION_NOT_ALLOWED: '10058',
  // The form's only amount is orderAmount: the seed's code for it.
  AMOUNT_INVALID: '10011',
  AMOUNT_DECIMALS_EXCEEDED: '10031',
  SUB_ORDERS_TOTAL_MISMATCH: '10023',
  PROOF_FILE_INVALID: '10024',
  PAYMENT_MODE_UNKNOWN: '10025',
  MERCHANT_SUSPENDED: '20001',
  SIGNATURE_INVALID: '20002',
  REQUEST_ID_CONFLICT: '20003',
  ORDER_RESUBMITTED: '20004',
  ORDER_NOT_FOUND: '20005',
  CURRENCY_UNSUPPORTED: '20007',
  REFUND_NOT_FOUND: '20010',
  REFUND_NOT_ALLOWED: '20011',
  REFUND_AMOUNT_EXCEEDED: '20012',
  ORDER_FULLY_REFUNDED: '20013',
  ORDER_NOT_IN_REVIEW: '20030',
  PAYMENT_METHOD_NOT_ENABLED: '20031',
  CLIENT_IP_MISMATCH: '20032',
  BIND_CARD_NOT_FOUND: '20033',
  NOTIFICATION_NOT_FOUND: '20034',
  LIST_PRICE_TOKEN_UNKNOWN: '20040',
  LIST_PRICE_TOKEN_EXPIRED: '20041',
  LIST_PRICE_TOKEN_USED: '20042',
  LIST_PRICE_TOKEN_NOT_YOURS: '20043',
  LIST_PRICE_TOKEN_MISMATCH: '20044',
  FX_AMOUNT_EXCEEDED: '20045',
  REVIEW_NOT_ALLOWED: '20046',
  SETTLEMENT_DAY_OPEN: '20053',
  PROOF_FILE_NOT_FOUND: '20047',
  DECLARATION_SUB_ORDER_REQUIRED: '20049',
  SETTLEMENT_NOT_FOUND: '20050',
  DECLARATION_NOT_ALLOWED: '20051',
  DECLARATION_CONFLICT: '20052',
  MERCHANT_UNKNOWN: '20060',
  MERCHANT_MISMATCH: '20061',
  APP_UNKNOWN: '20062',
  ENVELOPE_INVALID: '20063',
  ORDER_NOT_PAYABLE: '20064',
  ORDER_NOT_CANCELLABLE: '20065',
  CARD_INVALID: '20066',
  STORED_CARD_NOT_FOUND: '20067',
  ORDER_NOT_DISPUTABLE: '20068',
  DISPUTE_NOT_FOUND: '20069',
  DISPUTE_CLOSED: '20070',
  DISPUTE_DEADLINE_PASSED: '20071',
  DISPUTE_ALREADY_ANSWERED: '20072',
  DISPUTE_TRANSITION_INVALID: '20073',
  ATTACHMENT_TOO_LARGE: '20074',
  ATTACHMENT_TYPE_NOT_ALLOWED: '20075',
  DELIVERY_NOT_ALLOWED: '20076',
  DELIVERY_CONFLICT: '20077',
  SANDBOX_ONLY: '20078',
  ADMIN_UNAUTHORIZED: '20079',
  NOT_FOUND: '20080',
  RATE_LIMITED: '30001',
  SYSTEM_BUSY: '30004',
  INTERNAL_ERROR: '30002',
  RISK_RULES_INVALID: '30010',
  RECONCILIATION_NOT_READY: '30011',
  METRICS_UNAUTHORIZED: '30003',
  CARD_KEY_MISSING: '30012',
  PORTAL_UNAUTHENTICATED: '30101',
  PORTAL_LOGIN_FAILED: '30102',
  PORTAL_ACCOUNT_LOCKED: '30103',
  PORTAL_SECOND_FACTOR_INVALID: '30104',
  PORTAL_CSRF_INVALID: '30105',
  PORTAL_FORBIDDEN: '30106',
  PORTAL_USER_EXISTS: '30107',
  PORTAL_USER_NOT_FOUND: '30108',
  PORTAL_PASSWORD_WEAK: '30109',
  PORTAL_LOGIN_RATE_LIMITED: '30110',
  PORTAL_SESSION_NOT_FOUND: '30111',
  PORTAL_PASSWORD_COMMON: '30112',
  PORTAL_PASSWORD_PERSONAL: '30113',
  PORTAL_APPROVAL_NOT_FOUND: '30120',
  PORTAL_APPROVAL_CLOSED: '30121',
  PORTAL_APPROVAL_SELF: '30122',
};

/**
 * Field-specific codes for FIELD_MISSING / FIELD_INVALID / URL_NOT_ALLOWED.
 * 10009–10021 are the seed's table; the rest are numbered after it.
 */
export const FORM_FIELD_WIRE_CODES: Readonly<Record<string, string>> = {
  version: '10001',
  signType: '10002',
  language: '10004',
  // Seed 004's table.
  payerContact: '10009',
  orderId: '10010',
  orderAmount: '10011',
  orderTime: '10012',
  productName: '10013',
  productNum: '10014',
  productId: '10015',
  productDesc: '10016',
  ext1: '10017',
  ext2: '10018',
  payType: '10019',
  bankId: '10021',
  // Not in the seed's table.
  payerContactType: '10030',
  bgUrl: '10032',
  pageUrl: '10033',
  submitType: '10034',
  merchantAcctId: '10035',
  inputCharset: '10036',
  orderTimestamp: '10037',
  orderTimeOut: '10038',
  payerName: '10039',
  payerIdType: '10040',
  payerId: '10041',
  payerIP: '10042',
  cardIssuer: '10043',
  redoFlag: '10045',
  pid: '10046',
  extDataType: '10047',
  extDataContent: '10048',
  // The server calls (order query, refund, refund query, re-send).
  refundAmount: '10059',
  refundId: '10060',
  signMsg: '20002',
  // The seed's example of a refused remittance order.
  remitType: '20008',
  remitCode: '20008',
};

/** errCode of a result whose payment did not succeed: declined by the channel, or closed unpaid. */
export const FORM_PAYMENT_DECLINED = '31001';
export const FORM_PAYMENT_CLOSED = '31002';
/** errCode of a refund result whose refund the bank refused. */
export const FORM_REFUND_DECLINED = '31003';

/** The core's names of the URLs it checks, as this dialect's form names them. */
const FORM_NAME_OF_CORE_FIELD: Readonly<Record<string, string>> = { notifyUrl: 'bgUrl', callbackUrl: 'pageUrl' };

export function formErrCode(code: ErrorCode, field: string | undefined): string {
  const name = field === undefined ? undefined : (FORM_NAME_OF_CORE_FIELD[field] ?? field);
  const byField = name === undefined ? undefined : FORM_FIELD_WIRE_CODES[name];
  return (code === 'FIELD_MISSING' || code === 'FIELD_INVALID' || code === 'URL_NOT_ALLOWED') && byField ? byField : FORM_WIRE_CODES[code];
}
