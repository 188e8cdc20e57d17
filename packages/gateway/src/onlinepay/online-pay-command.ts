import type { ParsedPaymentMode } from '../domain/payment-method.js';
import type { NewOrder } from '../orders/new-order.js';

/** A validated unified order request in domain terms: the order, and the method to start at once if the merchant named one. */
export interface OnlinePayOrderRequest {
  order: NewOrder;
  /** Undefined: the payer chooses in the hosted cashier. */
  mode: ParsedPaymentMode | undefined;
  appId?: string;
  openId?: string;
  /** Express payments: whose saved card, and which. */
  merchantUserId?: string;
  bindCardId?: string;
}
