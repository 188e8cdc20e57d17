import { ERRORS, renderMessage, type ErrorCode } from '../../domain/errors.js';

/**
 * Where the core's message names another dialect's fields (PayEase's
 * requestId and merchantId header, the form gateway's inputCharset …), this
 * dialect says it in its own words: seed 003's field names (mchid, appid,
 * mch_order_no, amount, …). Every other code keeps the core's message.
 * A test renders every message and looks for other dialects' words.
 */
const OWN_WORDS: Partial<Readonly<Record<ErrorCode, string>>> = {
  ENVELOPE_INVALID: 'The request could not be read or verified.',
  MERCHANT_UNKNOWN: 'No merchant with this mchid.',
  MERCHANT_MISMATCH: 'The mchid does not own this appid.',
  APP_UNKNOWN: 'No app {keyId} for this mchid.',
  AMOUNT_INVALID: 'Field {field} must be a positive decimal amount.',
  REQUEST_ID_CONFLICT: '{requestId} was already used with different content.',
  ORDER_NOT_FOUND: 'No order with this order_id or mch_order_no.',
  REFUND_NOT_FOUND: 'No refund with this mch_refund_no.',
  REFUND_AMOUNT_EXCEEDED: 'refund_amount exceeds what is still refundable.',
  CHARSET_INVALID: 'The request is not valid UTF-8 text: {reason}.',
  TIMESTAMP_INVALID: 'The request time stamp is missing, malformed or outside its validity window.',
  ORDER_RESUBMITTED: 'Order {requestId} was submitted already and may not be submitted again.',
  SUB_ORDERS_NOT_ALLOWED: 'Sub-orders are not accepted by this API.',
  SUB_ORDERS_TOTAL_MISMATCH: 'The sub-order amounts add up to {total}, not to the order amount.',
  PAYMENT_MODE_UNSUPPORTED: 'The payment method {code} is not available for this order.',
  PAYMENT_MODE_UNKNOWN: 'The payment method {paymentModeCode} is not one this gateway knows.',
  LIST_PRICE_TOKEN_UNKNOWN: 'No locked exchange rate with this token.',
  LIST_PRICE_TOKEN_NOT_YOURS: 'The locked exchange rate was issued to another merchant.',
  BIND_CARD_NOT_FOUND: 'No saved card {bindCardId} for this user_id.',
  CLIENT_IP_MISMATCH: 'This order can be paid only from the client_ip the merchant gave.',
  DECLARATION_SUB_ORDER_REQUIRED: 'Order {requestId} has sub-orders: it is declared to customs by its sub-orders.',
  FX_AMOUNT_EXCEEDED: 'Buying {amount} {currency} needs more CNY than the order pays after fees.',
  INTERNAL_ERROR: 'The gateway failed to process the request; retry with the same mch_order_no or mch_refund_no.',
  SYSTEM_BUSY: 'The system is busy: a service the gateway depends on is unavailable. Retry after the Retry-After seconds with the same mch_order_no or mch_refund_no.',
};

/** The message template of a code in this dialect. */
export function globalJsonTemplate(code: ErrorCode): string {
  return OWN_WORDS[code] ?? ERRORS[code].message;
}

export function globalJsonMessage(code: ErrorCode, params: Readonly<Record<string, string>>): string {
  const own = OWN_WORDS[code];
  return own === undefined ? renderMessage(code, params) : own.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
}
