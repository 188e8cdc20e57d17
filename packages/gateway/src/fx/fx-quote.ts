import type { CurrencyCode } from '../domain/currencies.js';
import type { RateSide } from './rate-provider.js';

/**
 * Why a rate was taken: LOCK (a listPriceToken handed to a merchant), ORDER
 * (an FX order converted at it), CAPTURE (a foreign-currency card payment,
 * the rate it settles at), SETTLEMENT (an order settled without an earlier
 * rate, e.g. one captured before rates were kept), SELL_BACK (bought currency
 * sold back to the desk for a refund after an FX purchase).
 */
export type QuotePurpose = 'LOCK' | 'ORDER' | 'CAPTURE' | 'SETTLEMENT' | 'SELL_BACK';

/** A rate as applied: the market rate, the merchant's markup, the result, and where and when it came from. */
export interface FxQuote {
  quoteId: string;
  merchantId: string;
  purpose: QuotePurpose;
  requestId: string | null;
  token: string | null;
  orderId: string | null;
  /** Units of `quote` per major unit of `base`. */
  base: CurrencyCode;
  quote: CurrencyCode;
  side: RateSide;
  marketRate: string;
  markupBps: number;
  rate: string;
  source: string;
  rateAsOfMs: number;
  amountMinor: bigint | null;
  convertedMinor: bigint | null;
  createdAtMs: number;
  expiresAtMs: number | null;
  usedAtMs: number | null;
  usedByRequestId: string | null;
}
