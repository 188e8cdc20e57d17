/**
 * Every error the gateway answers with, as data. A code is stable forever:
 * a retired code is never reused. `docs/errors.md` documents each one and a
 * test keeps the two in step in both directions.
 *
 * `wireStatus` is the PayEase status word the answer carries: FAILED for a
 * request the gateway refused, ERROR when the gateway itself failed.
 * `httpStatus` applies only where no envelope can be sealed (the merchant is
 * unknown or the envelope itself is bad); sealed answers are always HTTP 200
 * because common clients throw on any other status before reading the body.
 */
export interface ErrorSpec {
  httpStatus: number;
  wireStatus: 'FAILED' | 'ERROR';
  message: string;
  retryable: boolean;
}

export const ERRORS = {
  ENVELOPE_INVALID: { httpStatus: 400, wireStatus: 'ERROR', message: 'The request envelope could not be opened or verified.', retryable: false },
  BODY_TOO_LARGE: { httpStatus: 413, wireStatus: 'ERROR', message: 'The request body is larger than the gateway accepts.', retryable: false },
  MERCHANT_UNKNOWN: { httpStatus: 400, wireStatus: 'ERROR', message: 'No merchant with this merchantId.', retryable: false },
  MERCHANT_SUSPENDED: { httpStatus: 403, wireStatus: 'FAILED', message: 'The merchant is suspended.', retryable: false },
  MERCHANT_MISMATCH: { httpStatus: 400, wireStatus: 'FAILED', message: 'merchantId in the body differs from the merchantId header.', retryable: false },
  FIELD_MISSING: { httpStatus: 400, wireStatus: 'FAILED', message: 'Required field {field} is missing.', retryable: false },
  FIELD_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'Field {field} is invalid: {reason}.', retryable: false },
  AMOUNT_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'Field {field} must be a positive whole number of minor units, at most 18 digits.', retryable: false },
  CURRENCY_UNSUPPORTED: { httpStatus: 400, wireStatus: 'FAILED', message: 'Currency {currency} is not supported.', retryable: false },
  URL_NOT_ALLOWED: { httpStatus: 400, wireStatus: 'FAILED', message: 'Field {field} is not an allowed URL for this merchant.', retryable: false },
  REQUEST_ID_CONFLICT: { httpStatus: 409, wireStatus: 'FAILED', message: 'requestId {requestId} was already used with different content.', retryable: false },
  ORDER_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No order with this requestId.', retryable: false },
  ORDER_NOT_PAYABLE: { httpStatus: 409, wireStatus: 'FAILED', message: 'The order can no longer be paid (state {state}).', retryable: false },
  ORDER_NOT_DISPUTABLE: { httpStatus: 409, wireStatus: 'FAILED', message: 'The order cannot be disputed: {reason}.', retryable: false },
  ORDER_NOT_IN_REVIEW: { httpStatus: 409, wireStatus: 'FAILED', message: 'The order is not held for review (state {state}).', retryable: false },
  RISK_RULES_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'The risk rules were refused; the rules in force are unchanged: {reason}.', retryable: false },
  REFUND_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No refund with this requestId.', retryable: false },
  REFUND_NOT_ALLOWED: { httpStatus: 409, wireStatus: 'FAILED', message: 'Only paid orders can be refunded (state {state}).', retryable: false },
  REFUND_AMOUNT_EXCEEDED: { httpStatus: 409, wireStatus: 'FAILED', message: 'The refund amount exceeds what is still refundable ({refundable} minor units).', retryable: false },
  ORDER_FULLY_REFUNDED: { httpStatus: 409, wireStatus: 'FAILED', message: 'Nothing is left to refund on this order.', retryable: false },
  ORDER_NOT_CANCELLABLE: { httpStatus: 409, wireStatus: 'FAILED', message: 'The order can no longer be cancelled (state {state}).', retryable: false },
  DISPUTE_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No dispute case with this id for this merchant.', retryable: false },
  DISPUTE_CLOSED: { httpStatus: 409, wireStatus: 'FAILED', message: 'The dispute case is not open (status {status}).', retryable: false },
  DISPUTE_DEADLINE_PASSED: { httpStatus: 409, wireStatus: 'FAILED', message: 'The deadline for answering this case has passed.', retryable: false },
  DISPUTE_ALREADY_ANSWERED: { httpStatus: 409, wireStatus: 'FAILED', message: 'Evidence was already submitted for this case; it can be answered again only if it is reopened.', retryable: false },
  DISPUTE_TRANSITION_INVALID: { httpStatus: 409, wireStatus: 'FAILED', message: 'The dispute case cannot go from {from} to {to}.', retryable: false },
  ATTACHMENT_TOO_LARGE: { httpStatus: 400, wireStatus: 'FAILED', message: 'Attachment {name} is larger than {limit} bytes.', retryable: false },
  ATTACHMENT_TYPE_NOT_ALLOWED: { httpStatus: 400, wireStatus: 'FAILED', message: 'Attachment {name} is not an allowed type ({allowed}).', retryable: false },
  DELIVERY_NOT_ALLOWED: { httpStatus: 409, wireStatus: 'FAILED', message: 'Delivery can be confirmed only for paid orders (state {state}).', retryable: false },
  DELIVERY_CONFLICT: { httpStatus: 409, wireStatus: 'FAILED', message: 'Delivery status {status} was already confirmed with different details.', retryable: false },
  FX_PAIR_UNSUPPORTED: { httpStatus: 400, wireStatus: 'FAILED', message: 'No exchange rate is quoted for {pair}.', retryable: false },
  LIST_PRICE_TOKEN_UNKNOWN: { httpStatus: 404, wireStatus: 'FAILED', message: 'No locked rate with this listPriceToken.', retryable: false },
  LIST_PRICE_TOKEN_EXPIRED: { httpStatus: 409, wireStatus: 'FAILED', message: 'The locked rate has expired; lock a new one.', retryable: false },
  LIST_PRICE_TOKEN_USED: { httpStatus: 409, wireStatus: 'FAILED', message: 'The locked rate was already used by another order.', retryable: false },
  LIST_PRICE_TOKEN_NOT_YOURS: { httpStatus: 403, wireStatus: 'FAILED', message: 'The listPriceToken was issued to another merchant.', retryable: false },
  LIST_PRICE_TOKEN_MISMATCH: { httpStatus: 400, wireStatus: 'FAILED', message: 'The locked rate is for {pair}, not for the currencies of this order.', retryable: false },
  PAYMENT_MODE_UNSUPPORTED: { httpStatus: 400, wireStatus: 'FAILED', message: 'paymentModeCode {code} is not available for this order.', retryable: false },
  FX_AMOUNT_EXCEEDED: { httpStatus: 409, wireStatus: 'FAILED', message: 'Buying {amount} {currency} needs {needed} CNY minor units, more than the {available} the order pays after fees.', retryable: false },
  SUB_ORDERS_NOT_ALLOWED: { httpStatus: 400, wireStatus: 'FAILED', message: 'subOrders are accepted only when orderCurrency is CNY.', retryable: false },
  SUB_ORDERS_TOTAL_MISMATCH: { httpStatus: 400, wireStatus: 'FAILED', message: 'The sub-order amounts add up to {total}, not to orderAmount {orderAmount}.', retryable: false },
  REVIEW_NOT_ALLOWED: { httpStatus: 409, wireStatus: 'FAILED', message: 'The review of this order cannot go from {from} to {to}.', retryable: false },
  PROOF_FILE_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'Proof file {name} is not acceptable: {reason}.', retryable: false },
  SETTLEMENT_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No settlement batch for business date {date}.', retryable: false },
  SETTLEMENT_DAY_OPEN: { httpStatus: 409, wireStatus: 'FAILED', message: 'Business day {date} has not closed: only a sandbox merchant settles a day before it ends.', retryable: false },
  RECONCILIATION_NOT_READY: { httpStatus: 409, wireStatus: 'FAILED', message: 'The reconciliation file for {date} is ready from {readyAt}.', retryable: false },
  PROOF_FILE_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No upload was granted for this proof file, or the grant expired.', retryable: false },
  DECLARATION_SUB_ORDER_REQUIRED: { httpStatus: 400, wireStatus: 'FAILED', message: 'Order {requestId} has sub-orders: it is declared to customs by its sub-order numbers (subOrderRequestId).', retryable: false },
  DECLARATION_NOT_ALLOWED: { httpStatus: 409, wireStatus: 'FAILED', message: 'Order {requestId} cannot be declared to customs: {reason}.', retryable: false },
  DECLARATION_CONFLICT: { httpStatus: 409, wireStatus: 'FAILED', message: '{target} was declared to customs already, by declaration {requestId}.', retryable: false },
  PAYMENT_MODE_UNKNOWN: { httpStatus: 400, wireStatus: 'FAILED', message: 'paymentModeCode {paymentModeCode} is not a payment method this gateway knows.', retryable: false },
  PAYMENT_METHOD_NOT_ENABLED: { httpStatus: 403, wireStatus: 'FAILED', message: 'Payment method {method} is not enabled for this merchant.', retryable: false },
  CLIENT_IP_MISMATCH: { httpStatus: 403, wireStatus: 'FAILED', message: 'This order can be paid only from the address the merchant gave as clientIp.', retryable: false },
  BIND_CARD_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No saved card {bindCardId} for this merchantUserId.', retryable: false },
  SANDBOX_ONLY: { httpStatus: 403, wireStatus: 'FAILED', message: 'Sandbox test helpers are available to sandbox merchants only.', retryable: false },
  RATE_LIMITED: { httpStatus: 429, wireStatus: 'ERROR', message: 'Too many requests; retry later.', retryable: true },
  ADMIN_UNAUTHORIZED: { httpStatus: 401, wireStatus: 'FAILED', message: 'The admin API needs a valid operator token (Authorization: Bearer).', retryable: false },
  METRICS_UNAUTHORIZED: { httpStatus: 401, wireStatus: 'FAILED', message: 'The metrics need a valid metrics token (Authorization: Bearer).', retryable: false },
  PORTAL_UNAUTHENTICATED: { httpStatus: 401, wireStatus: 'FAILED', message: 'Log in to the back office first (no session, or it has expired).', retryable: false },
  PORTAL_LOGIN_FAILED: { httpStatus: 401, wireStatus: 'FAILED', message: 'The e-mail or the password is wrong.', retryable: false },
  PORTAL_ACCOUNT_LOCKED: { httpStatus: 423, wireStatus: 'FAILED', message: 'Too many failed log-ins: the account is locked for a while, or until an operator resets its password.', retryable: false },
  PORTAL_LOGIN_RATE_LIMITED: { httpStatus: 429, wireStatus: 'FAILED', message: 'Too many log-in attempts from this address; retry in {retryAfterSeconds} seconds.', retryable: true },
  PORTAL_SECOND_FACTOR_INVALID: { httpStatus: 401, wireStatus: 'FAILED', message: 'The one-time code is wrong or has expired.', retryable: false },
  PORTAL_CSRF_INVALID: { httpStatus: 403, wireStatus: 'FAILED', message: 'The request lacks the CSRF token of the session (X-CSRF-Token).', retryable: false },
  PORTAL_FORBIDDEN: { httpStatus: 403, wireStatus: 'FAILED', message: 'Your role does not allow this.', retryable: false },
  PORTAL_USER_EXISTS: { httpStatus: 409, wireStatus: 'FAILED', message: 'A user with this e-mail exists already.', retryable: false },
  PORTAL_USER_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No such user.', retryable: false },
  PORTAL_SESSION_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'The user has no session with this sessionId (it has ended already, or never existed).', retryable: false },
  PORTAL_PASSWORD_WEAK: { httpStatus: 400, wireStatus: 'FAILED', message: 'The password must have {rule}.', retryable: false },
  PORTAL_PASSWORD_COMMON: { httpStatus: 400, wireStatus: 'FAILED', message: 'This password is on a list of common or breached passwords; choose another, for example a few unrelated words.', retryable: false },
  PORTAL_PASSWORD_PERSONAL: { httpStatus: 400, wireStatus: 'FAILED', message: 'The password contains {what}; choose one that does not.', retryable: false },
  // Maker / checker refund approval in the merchant portal.
  PORTAL_APPROVAL_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No refund waiting for approval with this id for this merchant.', retryable: false },
  PORTAL_APPROVAL_CLOSED: { httpStatus: 409, wireStatus: 'FAILED', message: 'This refund was already {state}.', retryable: false },
  PORTAL_APPROVAL_SELF: { httpStatus: 403, wireStatus: 'FAILED', message: 'A refund needs a second user: who asked for it may not approve or reject it.', retryable: false },
  NOTIFICATION_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No such notification.', retryable: false },
  NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No such API.', retryable: false },
  SIGNATURE_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'The request signature does not verify.', retryable: false },
  APP_UNKNOWN: { httpStatus: 400, wireStatus: 'FAILED', message: 'No app or account {keyId} for this merchant.', retryable: false },
  CHARSET_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'The form is not valid text in its inputCharset: {reason}.', retryable: false },
  AMOUNT_DECIMALS_EXCEEDED: { httpStatus: 400, wireStatus: 'FAILED', message: 'Field {field} has more decimals than {currency} has ({exponent}).', retryable: false },
  AMOUNT_FRACTION_NOT_ALLOWED: { httpStatus: 400, wireStatus: 'FAILED', message: 'Field {field} has a fraction, but {currency} has no minor unit: write it as a whole number ("100" or "100.00").', retryable: false },
  CARD_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'The card data is invalid: {fields}.', retryable: false },
  CARD_KEY_MISSING: { httpStatus: 500, wireStatus: 'ERROR', message: 'The stored card cannot be opened: it was sealed under key-encryption key {keyId}, which this gateway does not hold; the operator must add that key to OPENCASHIER_KEK_PREVIOUS.', retryable: false },
  STORED_CARD_NOT_FOUND: { httpStatus: 404, wireStatus: 'FAILED', message: 'No stored card from a successful recurring payment for user {userId}.', retryable: false },
  TIMESTAMP_INVALID: { httpStatus: 400, wireStatus: 'FAILED', message: 'orderTimestamp is missing, malformed or outside its validity window.', retryable: false },
  ORDER_RESUBMITTED: { httpStatus: 409, wireStatus: 'FAILED', message: 'Order {requestId} was submitted already and may not be submitted again (redoFlag=1).', retryable: false },
  INTERNAL_ERROR: { httpStatus: 500, wireStatus: 'ERROR', message: 'The gateway failed to process the request; retry with the same requestId.', retryable: true },
  // A dependency (the database) is unavailable: never the caller's fault, always worth retrying.
  SYSTEM_BUSY: { httpStatus: 503, wireStatus: 'ERROR', message: 'The system is busy: a service the gateway depends on is unavailable. Retry after the Retry-After seconds with the same requestId.', retryable: true },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

/** A refusal the gateway answers with a documented code. Thrown by commands, caught by protocol adapters. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly params: Readonly<Record<string, string>>;
  constructor(code: ErrorCode, params: Record<string, string> = {}) {
    super(renderMessage(code, params));
    this.name = 'GatewayError';
    this.code = code;
    this.params = params;
  }
  get spec(): ErrorSpec {
    return ERRORS[this.code];
  }
}

export function renderMessage(code: ErrorCode, params: Record<string, string>): string {
  return ERRORS[code].message.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? `{${name}}`);
}
