import type { CurrencyCode } from '../domain/currencies.js';
import type { ExactRate } from './exact-rate.js';

/**
 * A market rate for one pair: units of `quote` per major unit of `base`.
 * `bid` is what the market pays for the base currency, `ask` what it
 * charges; `mid` lies between. `source` and `asOfMs` say where and when the
 * numbers came from, and are kept with every rate the gateway applies.
 */
export interface MarketRate {
  base: CurrencyCode;
  quote: CurrencyCode;
  bid: ExactRate;
  ask: ExactRate;
  mid: ExactRate;
  asOfMs: number;
  source: string;
}

export type RateSide = 'bid' | 'ask' | 'mid';

/**
 * Where rates come from. The default reads an operator-replaceable JSON
 * file (rate-file-provider.ts); a bank or market feed implements the same
 * two methods.
 */
export interface RateProvider {
  /** The current rate with `base` as base currency, or undefined when the pair is not quoted. */
  rate(base: CurrencyCode, quote: CurrencyCode): Promise<MarketRate | undefined>;
  /** Every pair currently quoted (for the admin API and the docs' example). */
  all(): Promise<readonly MarketRate[]>;
}
