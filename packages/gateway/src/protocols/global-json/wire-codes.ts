import type { ErrorCode } from '../../domain/errors.js';

/**
 * The flat-JSON API's `code` for each of the core's error codes: one
 * exhaustive table, so a new core code cannot be forgotten here.
 * `docs/dialects/global-json.md` lists it and a test keeps the two in step.
 * "0" is success. 1xxx: the request is wrong; 2xxx: the order (21xx its
 * refunds, 22xx its disputes, 23xx its delivery) refuses it;
 * 3xxx: not available to this caller; 9xxx: try again.
 */
export const GLOBAL_JSON_WIRE_CODES: Readonly<Record<ErrorCode, string>> = {
  SIGNATURE_INVALID: '1001',
  ENVELOPE_INVALID: '1001',
  MERCHANT_UNKNOWN: '1002',
  MERCHANT_MISMATCH: '1002',
  APP_UNKNOWN: '1003',
  MERCHANT_SUSPENDED: '1004',
  FIELD_MISSING: '1005',
  FIELD_INVALID: '1006',
  AMOUNT_INVALID: '1007',
  AMOUNT_DECIMALS_EXCEEDED: '1008',
  CURRENCY_UNSUPPORTED: '1009',
  URL_NOT_ALLOWED: '1010',
  CARD_INVALID: '1011',
  BODY_TOO_LARGE: '1012',
  CHARSET_INVALID: '1013',
  TIMESTAMP_INVALID: '1014',
  REQUEST_ID_CONFLICT: '2001',
  ORDER_NOT_FOUND: '2002',
  ORDER_NOT_PAYABLE: '2003',
  STORED_CARD_NOT_FOUND: '2004',
  ORDER_RESUBMITTED: '2005',
  ORDER_NOT_DISPUTABLE: '2006',
  REFUND_NOT_FOUND: '2101',
  REFUND_NOT_ALLOWED: '2102',
  REFUND_AMOUNT_EXCEEDED: '2103',
  ORDER_FULLY_REFUNDED: '2104',
  ORDER_NOT_CANCELLABLE: '2007',
  DISPUTE_NOT_FOUND: '2201',
  DISPUTE_CLOSED: '2202',
  DISPUTE_DEADLINE_PASSED: '2203',
  DISPUTE_ALREADY_ANSWERED: '2204',
  DISPUTE_TRANSITION_INVALID: '2205',
  ATTACHMENT_TOO_LARGE: '2206',
  ATTACHMENT_TYPE_NOT_ALLOWED: '2207',
  DELIVERY_NOT_ALLOWED: '2301',
  DELIVERY_CONFLICT: '2302',
  SANDBOX_ONLY: '3001',
  ADMIN_UNAUTHORIZED: '3002',
  NOT_FOUND: '3003',
  RATE_LIMITED: '9001',
  INTERNAL_ERROR: '9999',
};
