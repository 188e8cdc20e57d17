/** Wire shapes of the flat-JSON international card API (seed 003), field names as on the wire. */

export interface GlobalPayCreditRequest {
  amount: string;
  subject: string;
  body: string;
  callback_url?: string;
  user_id: string;
  client_ip: string;
  phone_number: string;
  currency: string;
  customer_name: string;
  region: string;
  mch_order_no: string;
  email?: string;
  notify_url: string;
  first_name?: string;
  last_name?: string;
  card_no?: string;
  cvc?: string;
  expiry_year?: string;
  expiry_month?: string;
  /** `RECURRING`: the first payment keeps the card for later merchant-initiated charges; a later one (no card data) uses it. */
  trigger_mode?: 'RECURRING';
}

export interface GlobalPayCreditResult {
  appid: string;
  mchid: string;
  amount: string;
  order_id: string;
  mch_order_no: string;
  pay_type: string;
  user_id: string;
  /** The hosted cashier URL; after a direct card payment, the cashier page showing its outcome (or its 3-D Secure step). */
  pay_info: string;
  /** Order status after a direct card payment (an extension: `nopay` while the cashier is still needed). */
  status?: GlobalOrderStatus;
  sign: string;
}

export type GlobalOrderStatus = 'nopay' | 'success' | 'closed' | 'fail';
export type GlobalRefundStatus = 'processing' | 'success' | 'fail';

export type GlobalQueryRequest = { order_id: string; mch_order_no?: string } | { order_id?: string; mch_order_no: string };

export interface GlobalQueryResult {
  mchid: string;
  appid: string;
  amount: string;
  order_id: string;
  mch_order_no: string;
  third_order_no?: string;
  status: GlobalOrderStatus;
  pay_type: string;
  user_id?: string;
  consent_id?: string;
  sign: string;
}

export interface GlobalRefundRequest {
  mch_refund_no: string;
  order_id: string;
  refund_amount?: string;
}

export interface GlobalRefundResult {
  appid: string;
  mchid: string;
  refund_id: string;
  mch_refund_no: string;
  order_id: string;
  status: GlobalRefundStatus;
  error?: string;
  refund_amount: string;
  sign: string;
}

/** The asynchronous notification; `status` is `cancel` for an order closed unpaid. */
export interface GlobalNotification {
  amount: string;
  appid: string;
  complete_time?: string;
  mch_order_no: string;
  mchid: string;
  order_id: string;
  pay_type: string;
  sign: string;
  status: 'nopay' | 'success' | 'fail' | 'cancel';
  user_id?: string;
  consent_id?: string;
}

/** Every answer: `code` "0" and `success` true with a signed `result`, or a refusal with the dialect's code. */
export interface GlobalAnswer<T> {
  code: string;
  message: string;
  success: boolean;
  result: T | null;
}
