import { randomBytes } from 'node:crypto';
import type { CurrencyCode } from '../domain/currencies.js';
import { GatewayError } from '../domain/errors.js';
import type { PricingRepository } from '../store/pricing-repository.js';
import { formatRate, parseRate, withMarkup, type ExactRate } from './exact-rate.js';
import type { RateProvider, RateSide } from './rate-provider.js';
import type { FxQuote, QuotePurpose } from './fx-quote.js';

/** A board rate with the merchant's markup applied, ready to be recorded as a quote. */
export interface AppliedRate {
  base: CurrencyCode;
  quote: CurrencyCode;
  side: RateSide;
  market: ExactRate;
  markupBps: number;
  rate: ExactRate;
  source: string;
  asOfMs: number;
}

/**
 * Prices conversions for a merchant: the board rate on the side the
 * customer trades (ask when the customer buys the base currency, bid when
 * the gateway buys it from the merchant), moved against the customer by the
 * merchant's markup (config default, or the merchant's own).
 */
export class FxPricing {
  constructor(
    private readonly provider: RateProvider,
    private readonly pricing: PricingRepository,
    private readonly defaultMarkupBps: number,
  ) {}

  async markupBps(merchantId: string): Promise<number> {
    return (await this.pricing.markup(merchantId))?.fxMarkupBps ?? this.defaultMarkupBps;
  }

  /** The rate of `base` in `quote` (that orientation only); FX_PAIR_UNSUPPORTED when the board has no such pair. */
  async applied(merchantId: string, base: CurrencyCode, quote: CurrencyCode, side: 'bid' | 'ask'): Promise<AppliedRate> {
    const market = await this.provider.rate(base, quote);
    if (!market) throw new GatewayError('FX_PAIR_UNSUPPORTED', { pair: `${base}/${quote}` });
    const markupBps = await this.markupBps(merchantId);
    const rate = withMarkup(market[side], markupBps, side === 'ask' ? 'up' : 'down');
    return { base, quote, side, market: market[side], markupBps, rate, source: market.source, asOfMs: market.asOfMs };
  }
}

/** A quote record for an applied rate. */
export function quoteOf(
  applied: AppliedRate,
  at: { merchantId: string; purpose: QuotePurpose; nowMs: number; requestId?: string; orderId?: string; token?: string; expiresAtMs?: number; amountMinor?: bigint; convertedMinor?: bigint },
): FxQuote {
  return {
    quoteId: `fq${randomBytes(12).toString('hex')}`,
    merchantId: at.merchantId,
    purpose: at.purpose,
    requestId: at.requestId ?? null,
    token: at.token ?? null,
    orderId: at.orderId ?? null,
    base: applied.base,
    quote: applied.quote,
    side: applied.side,
    marketRate: formatRate(applied.market),
    markupBps: applied.markupBps,
    rate: formatRate(applied.rate),
    source: applied.source,
    rateAsOfMs: applied.asOfMs,
    amountMinor: at.amountMinor ?? null,
    convertedMinor: at.convertedMinor ?? null,
    createdAtMs: at.nowMs,
    expiresAtMs: at.expiresAtMs ?? null,
    usedAtMs: null,
    usedByRequestId: null,
  };
}

/** The exact rate of a stored quote (stored as the canonical decimal string it was applied as). */
export function rateOf(quote: Pick<FxQuote, 'rate' | 'quoteId'>): ExactRate {
  const rate = parseRate(quote.rate);
  if (!rate) throw new Error(`quote ${quote.quoteId} holds an unreadable rate`);
  return rate;
}
