/**
 * Wire types of the PayEase v3 international card cashier (`icc/*`).
 *
 * Every amount is a string of integer minor units ("12345" = 123.45 USD,
 * "100" = 100 JPY): the protocol signs the decimal text, and a JavaScript
 * number would invite floats. Use `amountMinorToWire` to produce one.
 */

import type { FxOrderState, FxSellBackState } from './fx-types.js';

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
  | { type: 'CHARGEBACK' | 'RETRIEVAL'; dispute: DisputeState }
  /** An FX purchase order (seed 002): its payment reached a final state, its review was decided, or the currency was bought. */
  | { type: 'PAYMENT' | 'REVIEW' | 'FOREIGN_EXCHANGE'; fxOrder: FxOrderState }
  /** A refund of an FX order after the purchase: the bought currency was sold back (`sellBack`). */
  | { type: 'FOREIGN_EXCHANGE_REFUND'; fxOrder: FxOrderState; sellBack: FxSellBackState };


/** Dispute stages: a retrieval request (调单), a chargeback (拒付), and the issuer's second chargeback after a defence. */
export type DisputeStage = 'RETRIEVAL' | 'CHARGEBACK' | 'PRE_ARBITRATION' | (string & {});

/** OPEN and EVIDENCE_SUBMITTED are in progress; the others are outcomes. */
export type DisputeStatus = 'OPEN' | 'EVIDENCE_SUBMITTED' | 'WON' | 'LOST' | 'ACCEPTED' | 'REVERSED' | 'EXPIRED' | (string & {});

/**
 * A dispute case as its notifications carry it (`notifyType` CHARGEBACK for
 * the chargeback stages, RETRIEVAL for retrieval requests) and dispute
 * answers return it.
 */
export interface DisputeState {
  merchantId: string;
  /** In a notification: the order's requestId. In an answer to a request: that request's own requestId (the order's is `orderRequestId`). */
  requestId?: string;
  orderRequestId?: string;
  /** The order's serialNumber. */
  serialNumber: string;
  orderAmount: AmountMinorString;
  orderCurrency: string;
  disputeId: string;
  disputeStage: DisputeStage;
  disputeStatus: DisputeStatus;
  /** In notifications: OPENED, ESCALATED, or the outcome (WON, LOST, ACCEPTED, REVERSED, EXPIRED). */
  disputeEvent?: string;
  reasonCode: string;
  reasonText?: string;
  /** The disputed part of the order, in minor units of `disputeCurrency`. */
  disputeAmount: AmountMinorString;
  disputeCurrency: string;
  /** yyyy-MM-dd HH:mm:ss, Beijing time. */
  openDateTime: string;
  /** The merchant's answer must arrive before this time. */
  respondBy: string;
  evidenceDateTime?: string;
  closeDateTime?: string;
  acquirerReference?: string;
  hmac: string;
  [field: string]: unknown;
}

/** An evidence file: PDF, PNG or JPEG (checked by content), at most 2 MiB each, 5 files and 4 MiB together. */
export interface EvidenceAttachment {
  name: string;
  contentType: 'application/pdf' | 'image/png' | 'image/jpeg' | (string & {});
  /** The file's bytes, base64-encoded (`Buffer.from(bytes).toString('base64')`). */
  contentBase64: string;
}

/** POST icc/retrieval/backfill: the answer to a retrieval request, or evidence against a chargeback. */
export interface RetrievalBackfillRequest {
  /** This answer's own number: sent again with the same content, it answers the same. */
  requestId?: string;
  /** The case; or give `serialNumber` (the order's) for the order's latest case. */
  disputeId?: string;
  serialNumber?: string;
  /** Together with trackingNumbers, for shipped goods. */
  logisticsCompany?: string;
  trackingNumbers?: string[];
  /** yyyy-MM-dd. */
  deliveryDate?: string;
  customerName: string;
  customerEmail: string;
  customerPhone?: string;
  customerIp?: string;
  productDescription: string;
  /** Free text, line breaks allowed, at most 4000 characters. */
  statement: string;
  attachments?: EvidenceAttachment[];
}

export interface RetrievalBackfillResponse extends DisputeState {
  status: PayEaseStatus;
  evidenceId: string;
  submitDateTime: string;
  attachments: { name: string; contentType: string; size: string; sha256: string }[];
}

export type DeliveryStatus = 'SHIPPED' | 'DELIVERED';

/** POST icc/delivery: delivery confirmation (妥投) of a paid order. */
export interface DeliveryRequest {
  /** The order, by the merchant's requestId or the gateway's serialNumber. */
  requestId?: string;
  serialNumber?: string;
  logisticsCompany: string;
  trackingNumbers: string[];
  status: DeliveryStatus;
  /** yyyy-MM-dd HH:mm:ss, Beijing time. */
  time: string;
}

export interface DeliveryResponse {
  merchantId: string;
  requestId: string;
  serialNumber: string;
  status: PayEaseStatus;
  /** The order's delivery status now: DELIVERED stays DELIVERED when a late SHIPPED arrives. */
  deliveryStatus: DeliveryStatus;
  /** The status this confirmation recorded. */
  confirmedStatus: DeliveryStatus;
  logisticsCompany: string;
  trackingNumbers: string[];
  time: string;
  hmac: string;
  [field: string]: unknown;
}
