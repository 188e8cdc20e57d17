import { randomBytes } from 'node:crypto';
import type { CurrencyCode } from '../domain/currencies.js';
import { GatewayError } from '../domain/errors.js';
import type { AmountMinor } from '../domain/money.js';
import type { FxQuoteRepository } from '../store/fx-quote-repository.js';
import { convertMinor, convertMinorInverse } from './conversion.js';
import type { FxPricing } from './fx-pricing.js';
import { quoteOf, rateOf } from './fx-pricing.js';
import type { FxQuote } from './fx-quote.js';

export interface LockRequest {
  requestId: string;
  /** The merchant's pricing currency. */
  orderCurrency: CurrencyCode;
  /** The currency the price is converted into (CNY by default). */
  currency: CurrencyCode;
  amountMinor: AmountMinor | null;
}

/**
 * Locked rates (`foreignExchange/listpriceLock`): the gateway promises a
 * rate for a pair until the token expires; one order may use it, once.
 * The rate is the ask side (the customer buys foreign currency) with the
 * merchant's markup, whichever orientation the board quotes the pair in.
 */
export class RateLocks {
  constructor(
    private readonly quotes: FxQuoteRepository,
    private readonly pricing: FxPricing,
    private readonly lockMs: number,
    private readonly clock: () => number,
  ) {}

  async lock(merchantId: string, r: LockRequest): Promise<FxQuote> {
    if (r.orderCurrency === r.currency) throw new GatewayError('FIELD_INVALID', { field: 'currency', reason: 'must differ from orderCurrency' });
    const earlier = await this.quotes.byRequest(merchantId, 'LOCK', r.requestId);
    if (earlier) return this.replay(earlier, r);
    const applied = await this.pricing.applied(merchantId, r.orderCurrency, r.currency, 'ask').catch(async (error: unknown) => {
      if (error instanceof GatewayError && error.code === 'FX_PAIR_UNSUPPORTED') return this.pricing.applied(merchantId, r.currency, r.orderCurrency, 'ask');
      throw error;
    });
    const now = this.clock();
    const quote = quoteOf(applied, {
      merchantId,
      purpose: 'LOCK',
      nowMs: now,
      requestId: r.requestId,
      // 16 random bytes, hex: exactly the seed's 32 characters, unguessable.
      token: randomBytes(16).toString('hex'),
      expiresAtMs: now + this.lockMs,
      ...(r.amountMinor !== null ? { amountMinor: r.amountMinor, convertedMinor: convert(r.amountMinor, r.orderCurrency, r.currency, applied) } : {}),
    });
    if (await this.quotes.insert(quote)) return quote;
    const winner = await this.quotes.byRequest(merchantId, 'LOCK', r.requestId);
    if (!winner) throw new Error('rate lock insert conflicted but no lock exists');
    return this.replay(winner, r);
  }

  private replay(earlier: FxQuote, r: LockRequest): FxQuote {
    const same = new Set([earlier.base, earlier.quote]).has(r.orderCurrency) && new Set([earlier.base, earlier.quote]).has(r.currency) && earlier.amountMinor === r.amountMinor;
    if (!same) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: r.requestId });
    return earlier;
  }

  /**
   * Checks a token an order quotes and marks it used by that order's
   * requestId. Each way a token can be wrong has its own code.
   */
  async redeem(merchantId: string, token: string, requestId: string, pair: readonly [CurrencyCode, CurrencyCode]): Promise<FxQuote> {
    const quote = await this.quotes.byToken(token);
    if (!quote) throw new GatewayError('LIST_PRICE_TOKEN_UNKNOWN');
    if (quote.merchantId !== merchantId) throw new GatewayError('LIST_PRICE_TOKEN_NOT_YOURS');
    const replay = quote.usedByRequestId === requestId;
    if (quote.usedByRequestId !== null && !replay) throw new GatewayError('LIST_PRICE_TOKEN_USED');
    if (!replay && quote.expiresAtMs !== null && quote.expiresAtMs <= this.clock()) throw new GatewayError('LIST_PRICE_TOKEN_EXPIRED');
    const locked = new Set([quote.base, quote.quote]);
    if (!locked.has(pair[0]) || !locked.has(pair[1])) throw new GatewayError('LIST_PRICE_TOKEN_MISMATCH', { pair: `${quote.base}/${quote.quote}` });
    if (!(await this.quotes.consume(token, requestId, this.clock()))) throw new GatewayError('LIST_PRICE_TOKEN_USED');
    return quote;
  }
}

/** Converts `amount` of `from` into `to` at a rate quoted as base/quote in either orientation. */
export function convert(amountMinor: bigint, from: CurrencyCode, to: CurrencyCode, rate: { base: CurrencyCode; quote: CurrencyCode; rate: { units: bigint; scale: number } } | FxQuote): AmountMinor {
  const exact = 'quoteId' in rate ? rateOf(rate) : rate.rate;
  if (rate.base === from && rate.quote === to) return convertMinor(amountMinor, from, to, exact);
  if (rate.base === to && rate.quote === from) return convertMinorInverse(amountMinor, from, to, exact);
  throw new Error(`rate ${rate.base}/${rate.quote} cannot convert ${from} to ${to}`);
}
