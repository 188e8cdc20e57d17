import type { CurrencyCode } from './currencies.js';

/**
 * The bank's FX desk: buys foreign currency with the CNY an order
 * collected. The sandbox desk fills every purchase; a bank connector
 * implements the same interface. `purchaseId` is the idempotency key: asking
 * again reports the first answer and never buys twice.
 */
export interface FxPurchaseRequest {
  purchaseId: string;
  merchantId: string;
  sellCurrency: 'CNY';
  sellMinor: bigint;
  buyCurrency: CurrencyCode;
  buyMinor: bigint;
  /** The agreed rate (units of CNY per unit of the bought currency), exact decimal. */
  rate: string;
}

export type FxPurchaseResult = { outcome: 'filled'; reference: string; completedAtMs: number } | { outcome: 'rejected'; reference: string; reason: string };

/**
 * Selling bought currency back for CNY, when an order is refunded after its
 * purchase. `saleId` is the idempotency key, as `purchaseId` is.
 */
export interface FxSaleRequest {
  saleId: string;
  /** The purchase the currency came from. */
  purchaseId: string;
  merchantId: string;
  sellCurrency: CurrencyCode;
  sellMinor: bigint;
  buyCurrency: 'CNY';
  buyMinor: bigint;
  /** The agreed rate (units of CNY per unit of the sold currency), exact decimal: the desk's bid. */
  rate: string;
}

export interface FxDesk {
  readonly name: string;
  purchase(request: FxPurchaseRequest): Promise<FxPurchaseResult>;
  sell(request: FxSaleRequest): Promise<FxPurchaseResult>;
}
