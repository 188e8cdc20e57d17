/**
 * Wire types of the PayEase v3 international card cashier (`icc/*`).
 *
 * Every amount is a string of integer minor units ("12345" = 123.45 USD,
 * "100" = 100 JPY): the protocol signs the decimal text, and a JavaScript
 * number would invite floats. Use `amountMinorToWire` to produce one.
 */

/** A string of decimal digits: integer minor units of the order currency. */
export type AmountMinorString = string;

/** Status words the gateway uses; other values may appear and are passed through. */
export type PayEaseStatus = 'SUCCESS' | 'FAILED' | 'ERROR' | 'CANCEL' | 'INIT' | 'REDIRECT' | 'PROCESSING' | (string & {});

export type IccOrderType = 'STANDARD' | 'RISK_SHIP' | 'RISK_BILL' | 'RISK_SHIP_BILL';

/** Address and contact block of `shipInfo` / `billInfo` (needed by the RISK_* order types). */
export interface IccAddressInfo {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  state?: string;
  city?: string;
  address?: string;
  zipCode?: string;
}

export interface IccProductDetail {
  name: string;
  quantity: string;
  amount: AmountMinorString;
  receiver?: string;
  description?: string;
}

export interface IccPayer {
  name?: string;
  email?: string;
  phoneNum?: string;
  idType?: string;
  idNum?: string;
}

/** POST icc/order. */
export interface IccOrderRequest {
  /** Filled in from the client when omitted. */
  merchantId?: string;
  /** The merchant's order number; unique per merchant. */
  requestId: string;
  orderAmount: AmountMinorString;
  /** ISO 4217 alphabetic code. */
  orderCurrency: string;
  language?: 'en' | 'zh' | (string & {});
  notifyUrl: string;
  callbackUrl: string;
  terminalNo?: string;
  remark?: string;
  orderType?: IccOrderType;
  shipInfo?: IccAddressInfo;
  billInfo?: IccAddressInfo;
  productDetails?: IccProductDetail[];
  payer?: IccPayer;
  /** Minutes until an unpaid order is cancelled, as a decimal string. */
  timeout?: string;
  clientIp?: string;
}

export interface IccOrderResponse {
  merchantId: string;
  requestId: string;
  status: PayEaseStatus;
  paymentOrderId?: string;
  /** The hosted cashier page to send the buyer to. */
  redirectUrl?: string;
  code?: string;
  errorMessage?: string;
  hmac: string;
  [field: string]: unknown;
}

/** The order state, as the query answers it and the notification pushes it. */
export interface IccOrderState {
  merchantId: string;
  requestId: string;
  /** The gateway's id of the order (used as `orderId` when refunding). */
  serialNumber: string;
  status: PayEaseStatus;
  orderAmount: AmountMinorString;
  orderCurrency: string;
  /** yyyy-MM-dd HH:mm:ss, gateway time zone. */
  completeDateTime?: string;
  cardType?: string;
  paymentModeAlias?: string;
  clearingOrg?: string;
  realBankSerialNumber?: string;
  remark?: string;
  totalRefundCount?: string;
  totalRefundAmount?: AmountMinorString;
  feeAmount?: AmountMinorString;
  deliveryStatus?: string;
  code?: string;
  errorMessage?: string;
  hmac: string;
  [field: string]: unknown;
}

/** POST icc/query. */
export interface IccQueryRequest {
  requestId: string;
}

export type IccQueryResponse = IccOrderState;

/** Posted to `notifyUrl`; answer with the plain text `SUCCESS` (see `NOTIFICATION_ACK`). */
export type IccNotification = IccOrderState;

/** The body a merchant answers a notification with; anything else makes the gateway send it again. */
export const NOTIFICATION_ACK = 'SUCCESS';

/** Which API family a call goes to: the international card cashier or the unified order. Both reach the same orders. */
export type PayEaseApi = 'icc' | 'onlinePay';

/** POST icc/refund (or onlinePay/refund). */
export interface RefundRequest {
  /** The refund's own number; unique per merchant. Sending it again with the same content answers the same refund. */
  requestId: string;
  /** The order's `serialNumber`. */
  orderId: string;
  /** Minor units to refund; omit (or "") to refund everything still refundable. */
  amount?: AmountMinorString;
  remark?: string;
  /** Where the refund's final state is notified; the order's notifyUrl when omitted. */
  notifyUrl?: string;
}

/** Refund status words: anything but SUCCESS and FAILED means still processing. */
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'FAILED' | (string & {});

export interface RefundResponse {
  merchantId: string;
  requestId: string;
  /** The gateway's id of the refund. */
  serialNumber: string;
  orderId: string;
  amount: AmountMinorString;
  status: RefundStatus;
  /** Why a FAILED refund failed. */
  code?: string;
  hmac: string;
  [field: string]: unknown;
}

/** A refund as icc/refundQuery answers it and its notification pushes it. */
export interface RefundState {
  merchantId: string;
  requestId: string;
  serialNumber: string;
  /** The order's serialNumber and the merchant's number for it. */
  orderId: string;
  orderRequestId: string;
  orderAmount: AmountMinorString;
  amount: AmountMinorString;
  currency: string;
  status: RefundStatus;
  /** yyyy-MM-dd HH:mm:ss, Beijing time. */
  createDateTime: string;
  completeDateTime?: string;
  remark?: string;
  code?: string;
  hmac: string;
  [field: string]: unknown;
}

/** A verified notification of any kind; `notifyType` tells them apart (order notifications carry none). */
export type PayEaseNotificationEvent =
  | { type: 'ORDER'; order: IccOrderState }
  | { type: 'REFUND'; refund: RefundState }
  | { type: 'CHARGEBACK' | 'RETRIEVAL'; dispute: Record<string, unknown> & { disputeId: string; serialNumber: string; hmac: string } };
