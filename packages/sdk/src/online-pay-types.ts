import type { AmountMinorString, IccOrderState, IccPayer, IccProductDetail, PayEaseStatus } from './types.js';

/**
 * `paymentModeCode` values the gateway knows. Without one the payer chooses
 * in the hosted cashier. `BANK_CARD-B2C-<BANK>-P2P` names the bank (e.g.
 * `BANK_CARD-B2C-ICBC-P2P`); `BANK_CARD-B2C` lets the payer choose it.
 */
export type OnlinePayModeCode =
  | 'SCANCODE-ALI_PAY-P2P'
  | 'ALIPAY-WAP-P2P'
  | 'ALIPAY-OFFICIAL-P2P'
  | 'APP-ALI_PAY-P2P'
  | 'SCANCODE-WEIXIN_PAY-P2P'
  | 'WECHAT-OFFICIAL_PAY-P2P'
  | 'MINIAPPS-WEIXIN_PAY-P2P'
  | 'APP-WEIXIN_PAY-P2P'
  | 'BANK_CARD-B2C'
  | 'BANK_CARD-EXPRESS_DEBIT'
  | 'BANK_CARD-EXPRESS_CREDIT'
  | 'OFFLINE-P2P'
  | `BANK_CARD-B2C-${string}-P2P`;

/** POST onlinePay/order: the unified order. */
export interface OnlinePayOrderRequest {
  merchantId?: string;
  requestId: string;
  orderAmount: AmountMinorString;
  orderCurrency: string;
  notifyUrl: string;
  callbackUrl: string;
  clientIp?: string;
  remark?: string;
  /** Minutes until an unpaid order is cancelled, at most 1440 (24 h). */
  timeout?: string;
  paymentModeCode?: OnlinePayModeCode | (string & {});
  productDetails?: IccProductDetail[];
  payer?: IccPayer;
  merchantUserId?: string;
  bindCardId?: string;
  /** WeChat: the merchant's app id and the payer's openId (required for official account and mini program payments). */
  appId?: string;
  openId?: string;
  cashierVersion?: 'STANDARD';
  /** Language of the hosted cashier and simulator pages; Chinese unless told otherwise. */
  language?: 'en' | 'zh' | (string & {});
}

export interface OnlinePayOrderResponse {
  merchantId: string;
  requestId: string;
  /** REDIRECT: send the payer to `redirectUrl`; SUCCESS: show `scanCode` or hand over `jsString` / `appParams`. */
  status: PayEaseStatus;
  paymentOrderId?: string;
  redirectUrl?: string;
  /** A PNG QR code, base64. */
  scanCode?: string;
  /** The URL the QR code encodes. */
  scanCodeUrl?: string;
  /** WeChat JSAPI parameters (JSON text). */
  jsString?: string;
  /** Wallet app SDK parameters (JSON text). */
  appParams?: string;
  code?: string;
  errorMessage?: string;
  hmac: string;
  [field: string]: unknown;
}

/** An onlinePay order as queried and notified: the card order's fields plus `payment{…}` once paid. */
export interface OnlinePayOrderState extends IccOrderState {
  payment?: { amount: AmountMinorString; currency: string; status: string; completeDateTime?: string; bindCardId?: string };
}

/** POST onlinePay/bindCard: saves a payer's card for express payments (`BANK_CARD-EXPRESS_*` with `bindCardId`). */
export interface BindCardRequest {
  requestId: string;
  merchantUserId: string;
  cardType: 'DEBIT' | 'CREDIT';
  /** Sent inside the encrypted envelope; the gateway keeps only a vault token. Expiry is required for credit cards. */
  bankCard: { number: string; holderName: string; expiryMonth?: string; expiryYear?: string };
}

export interface BoundCard {
  merchantUserId: string;
  bindCardId: string;
  cardType: 'DEBIT' | 'CREDIT';
  cardBrand: string;
  cardBin: string;
  cardLast4: string;
  bindStatus: 'ACTIVE' | 'UNBOUND';
}
