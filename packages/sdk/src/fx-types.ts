/** FX purchase orders (seed 002, `foreignExchange/…`) as answers and notifications carry them. Amounts are minor units as strings. */

/** What the payer paid for an FX order, once final (amount in minor units of `currency`). */
export interface FxPaymentState {
  amount: string;
  currency: string;
  status: string;
  completeDateTime?: string;
  [field: string]: unknown;
}

/** The currency purchase of an FX order, once started. */
export interface FxPurchaseState {
  amount?: string;
  currency: string;
  status: string;
  listprice?: string;
  deductionAmount?: string;
  soldBackAmount?: string;
  completeDateTime?: string;
  [field: string]: unknown;
}

/** An FX purchase order as `foreignExchange/query` answers it and its notifications carry it (seed 002). */
export interface FxOrderState {
  merchantId: string;
  requestId: string;
  serialNumber: string;
  status: string;
  /** The merchant's price, minor units of `orderCurrency`. */
  orderAmount: string;
  orderCurrency: string;
  payment?: FxPaymentState;
  foreignExchange?: FxPurchaseState;
  needReview?: 'true' | 'false';
  reviewStatus?: string;
  subOrders?: { requestId: string; orderAmount: string; serialNumber: string }[];
  [field: string]: unknown;
}

/** A sale of bought currency back to the FX desk; `differenceAmount` is signed (a leading "-" for a loss). */
export interface FxSellBackState {
  serialNumber: string;
  amount: string;
  currency: string;
  status: string;
  listprice?: string;
  cnyAmount: string;
  costAmount: string;
  differenceAmount: string;
  completeDateTime?: string;
  [field: string]: unknown;
}

/** `foreignExchange/listpriceLock`: lock a rate for `orderCurrency` → `currency` (CNY by default). */
export interface FxRateLockRequest {
  requestId: string;
  orderCurrency: string;
  currency?: string;
  /** Minor units of `orderCurrency`, to have the converted amount quoted too. */
  amount?: string;
}

export interface FxRateLock {
  requestId: string;
  status: string;
  listPriceToken: string;
  /** Units of the pair's second currency per one unit of its first, a decimal string. */
  listprice: string;
  pair: string;
  orderCurrency: string;
  currency: string;
  rateSource: string;
  rateDateTime: string;
  expireDateTime: string;
  amount?: string;
  convertedAmount?: string;
  [field: string]: unknown;
}

/**
 * `foreignExchange/order` (seed 002). The purpose objects (`studyAbroadInfo`,
 * `ticketInfos`, …) and the other optional fields of the seed pass through as given.
 */
export interface FxOrderRequest {
  requestId: string;
  /** Minor units of `orderCurrency`, a digit string. */
  orderAmount: string;
  orderCurrency: string;
  /** The currency to buy. */
  currency: string;
  forUse: string;
  notifyUrl: string;
  callbackUrl: string;
  productDetails: { name: string; quantity: string; amount: string; tradeType: string; [field: string]: unknown }[];
  payer: Record<string, string>;
  listPriceToken?: string;
  paymentModeCode?: string;
  fileName?: string;
  subOrders?: { requestId: string; orderAmount: string; [field: string]: unknown }[];
  [field: string]: unknown;
}

/** The answer to `foreignExchange/order`: REDIRECT with `redirectUrl`, or SUCCESS with a payment action (`scanCode`, `appParams`, …). */
export interface FxOrderResponse {
  requestId: string;
  status: string;
  serialNumber: string;
  orderAmount: string;
  orderCurrency: string;
  /** What the payer pays (CNY), minor units. */
  paymentAmount?: string;
  paymentCurrency?: string;
  redirectUrl?: string;
  [field: string]: unknown;
}

/** `foreignExchange/proofUpload`: a short-lived URL the proof file is PUT to. */
export interface FxProofUpload {
  status: string;
  fileName: string;
  uploadUrl: string;
  method: 'PUT' | (string & {});
  expireDateTime: string;
}

/** `settlement/query`: a business day's settlement batch; signed totals come as an amount and a direction. */
export interface SettlementBatchState {
  status: string;
  batchId: string;
  businessDate: string;
  settleDate: string;
  currency: string;
  capturedAmount: string;
  refundedAmount: string;
  chargebackAmount: string;
  chargebackDirection: 'CREDIT' | 'DEBIT';
  feeAmount: string;
  netAmount: string;
  netDirection: 'CREDIT' | 'DEBIT';
  count: string;
  createDateTime: string;
  currencies: { currency: string; count: string; netAmount: string; netDirection: 'CREDIT' | 'DEBIT'; cnyNetAmount: string; cnyNetDirection: 'CREDIT' | 'DEBIT' }[];
  [field: string]: unknown;
}

/** `reconciliation/download`: where a business day's reconciliation file and its signature are fetched. */
export interface ReconciliationLinks {
  status: string;
  businessDate: string;
  downloadUrl: string;
  signatureUrl: string;
  expireDateTime: string;
}

/** `serviceprovider/declaration/declare`: a customs declaration of a paid order (or one of its sub-orders). */
export interface CustomsDeclarationRequest {
  requestId: string;
  orderRequestId: string;
  subOrderRequestId?: string;
  customsCode: string;
  ecpCode: string;
  ecpName: string;
}

export interface CustomsDeclarationState {
  requestId: string;
  orderRequestId: string;
  status: string;
  [field: string]: unknown;
}
