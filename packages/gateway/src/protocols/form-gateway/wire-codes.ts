import type { ErrorCode } from '../../domain/errors.js';

/**
 * The form gateway's `errCode` for each core error code, in the style of the
 * seed's 100xx / 200xx table (the seed itself shows only 20008, for a
 * refused remittance order): 100xx a field of the form is missing or wrong,
 * 200xx the merchant or the order refuses it, 300xx the gateway. Refusals
 * that name a field are refined by that field (`FORM_FIELD_WIRE_CODES`).
 * Exhaustive, and listed in docs/dialects/form-gateway.md (a test keeps them
 * in step).
 */
export const FORM_WIRE_CODES: Readonly<Record<ErrorCode, string>> = {
  FIELD_MISSING: '10013',
  FIELD_INVALID: '10013',
  URL_NOT_ALLOWED: '10003',
  MERCHANT_UNKNOWN: '10006',
  MERCHANT_MISMATCH: '10006',
  APP_UNKNOWN: '10006',
  AMOUNT_INVALID: '10008',
  AMOUNT_DECIMALS_EXCEEDED: '10008',
  CHARSET_INVALID: '10010',
  TIMESTAMP_INVALID: '10011',
  BODY_TOO_LARGE: '10014',
  MERCHANT_SUSPENDED: '20001',
  SIGNATURE_INVALID: '20002',
  ENVELOPE_INVALID: '20002',
  REQUEST_ID_CONFLICT: '20003',
  ORDER_RESUBMITTED: '20004',
  ORDER_NOT_FOUND: '20005',
  ORDER_NOT_PAYABLE: '20006',
  CURRENCY_UNSUPPORTED: '20007',
  CARD_INVALID: '20009',
  STORED_CARD_NOT_FOUND: '20009',
  ORDER_NOT_DISPUTABLE: '20009',
  ORDER_NOT_CANCELLABLE: '20006',
  REFUND_NOT_FOUND: '20010',
  REFUND_NOT_ALLOWED: '20011',
  REFUND_AMOUNT_EXCEEDED: '20012',
  ORDER_FULLY_REFUNDED: '20013',
  DISPUTE_NOT_FOUND: '20009',
  DISPUTE_CLOSED: '20009',
  DISPUTE_DEADLINE_PASSED: '20009',
  DISPUTE_ALREADY_ANSWERED: '20009',
  DISPUTE_TRANSITION_INVALID: '20009',
  ATTACHMENT_TOO_LARGE: '20009',
  ATTACHMENT_TYPE_NOT_ALLOWED: '20009',
  DELIVERY_NOT_ALLOWED: '20009',
  DELIVERY_CONFLICT: '20009',
  SANDBOX_ONLY: '20009',
  ADMIN_UNAUTHORIZED: '20009',
  NOT_FOUND: '20009',
  RATE_LIMITED: '30001',
  INTERNAL_ERROR: '30002',
  SYSTEM_BUSY: '30003',
  ORDER_NOT_IN_REVIEW: '20030',
  RISK_RULES_INVALID: '30010',
  FX_PAIR_UNSUPPORTED: '10020',
  LIST_PRICE_TOKEN_UNKNOWN: '20040',
  LIST_PRICE_TOKEN_EXPIRED: '20041',
  LIST_PRICE_TOKEN_USED: '20042',
  LIST_PRICE_TOKEN_NOT_YOURS: '20043',
  LIST_PRICE_TOKEN_MISMATCH: '20044',
  PAYMENT_MODE_UNSUPPORTED: '10021',
  FX_AMOUNT_EXCEEDED: '20045',
  SUB_ORDERS_NOT_ALLOWED: '10022',
  SUB_ORDERS_TOTAL_MISMATCH: '10023',
  REVIEW_NOT_ALLOWED: '20046',
  PROOF_FILE_INVALID: '10024',
  SETTLEMENT_NOT_FOUND: '20050',
  RECONCILIATION_NOT_READY: '30011',
  PROOF_FILE_NOT_FOUND: '20047',
  DECLARATION_SUB_ORDER_REQUIRED: '20049',
  DECLARATION_NOT_ALLOWED: '20051',
  DECLARATION_CONFLICT: '20052',
  PAYMENT_MODE_UNKNOWN: '10025',
  PAYMENT_METHOD_NOT_ENABLED: '20031',
  CLIENT_IP_MISMATCH: '20032',
  BIND_CARD_NOT_FOUND: '20033',
  PORTAL_UNAUTHENTICATED: '30101',
  PORTAL_LOGIN_FAILED: '30102',
  PORTAL_ACCOUNT_LOCKED: '30103',
  PORTAL_SECOND_FACTOR_INVALID: '30104',
  PORTAL_CSRF_INVALID: '30105',
  PORTAL_FORBIDDEN: '30106',
  PORTAL_USER_EXISTS: '30107',
  PORTAL_USER_NOT_FOUND: '30108',
  PORTAL_PASSWORD_WEAK: '30109',
  PORTAL_APPROVAL_NOT_FOUND: '30120',
  PORTAL_APPROVAL_CLOSED: '30121',
  PORTAL_APPROVAL_SELF: '30122',
  NOTIFICATION_NOT_FOUND: '20034',
};

/** Field-specific codes for FIELD_MISSING / FIELD_INVALID / URL_NOT_ALLOWED, as 快钱-style gateways number them. */
export const FORM_FIELD_WIRE_CODES: Readonly<Record<string, string>> = {
  version: '10001',
  signType: '10002',
  bgUrl: '10003',
  pageUrl: '10003',
  language: '10004',
  payType: '10005',
  bankId: '10005',
  submitType: '10005',
  merchantAcctId: '10006',
  orderId: '10007',
  orderAmount: '10008',
  orderTime: '10009',
  inputCharset: '10010',
  orderTimestamp: '10011',
  orderTimeOut: '10012',
  signMsg: '20002',
  // The seed's example of a refused remittance order.
  remitType: '20008',
  remitCode: '20008',
};

/** errCode of a result whose payment did not succeed: declined by the channel, or closed unpaid. */
export const FORM_PAYMENT_DECLINED = '31001';
export const FORM_PAYMENT_CLOSED = '31002';

export function formErrCode(code: ErrorCode, field: string | undefined): string {
  const byField = field === undefined ? undefined : FORM_FIELD_WIRE_CODES[field];
  return (code === 'FIELD_MISSING' || code === 'FIELD_INVALID' || code === 'URL_NOT_ALLOWED') && byField ? byField : FORM_WIRE_CODES[code];
}
