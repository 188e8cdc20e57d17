import type { AmountMinor } from './money.js';
import type { CurrencyCode } from './currencies.js';
import type { OrderState } from './order-state.js';

/** Which merchant API created the order; later steps are shared. */
export type OrderProduct = 'icc' | 'foreignExchange';

export type OrderType = 'STANDARD' | 'RISK_SHIP' | 'RISK_BILL' | 'RISK_SHIP_BILL';
export const ORDER_TYPES: readonly OrderType[] = ['STANDARD', 'RISK_SHIP', 'RISK_BILL', 'RISK_SHIP_BILL'];

export interface ProductLine {
  name: string;
  quantity: string;
  amountMinor: AmountMinor;
  receiver?: string;
  description?: string;
}

export interface Address {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  country?: string;
  state?: string;
  city?: string;
  address?: string;
  zipCode?: string;
}

export interface OrderDetails {
  products: ProductLine[];
  payer?: Record<string, string>;
  shipInfo?: Address;
  billInfo?: Address;
  /** An FX purchase order's pricing as taken (strings: details are stored as JSON). */
  foreignExchange?: Record<string, string>;
}

/** Display data of the card that paid; the PAN itself never appears here. */
export interface CardOnFile {
  brand: string;
  bin: string;
  last4: string;
  vaultToken: string | null;
}

export interface Order {
  orderId: string;
  merchantId: string;
  requestId: string;
  requestDigest: string;
  /** Absent on orders built before products existed: the card cashier's `icc`. */
  product?: OrderProduct;
  amountMinor: AmountMinor;
  currency: CurrencyCode;
  state: OrderState;
  language: 'en' | 'zh';
  notifyUrl: string;
  callbackUrl: string;
  terminalNo: string | null;
  remark: string | null;
  orderType: OrderType;
  details: OrderDetails;
  clientIp: string | null;
  expiresAtMs: number;
  createdAtMs: number;
  updatedAtMs: number;
  completedAtMs: number | null;
  card: CardOnFile | null;
  channel: string | null;
  channelReference: string | null;
  declineCode: string | null;
  challengeAttempts: number;
  feeMinor: bigint;
  /** Refunds not failed, processing ones included: what the refund guard counts. */
  refundReservedMinor: bigint;
  /** Refunds that succeeded, and how many (the wire's totalRefundAmount / totalRefundCount). */
  refundedMinor: bigint;
  refundCount: number;
  /** Chargebacks that hold or took money. */
  disputedMinor: bigint;
  /** The latest delivery confirmation the merchant sent, if any. */
  deliveryStatus: DeliveryStatus | null;
  version: number;
}

export type DeliveryStatus = 'SHIPPED' | 'DELIVERED';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['SHIPPED', 'DELIVERED'];
