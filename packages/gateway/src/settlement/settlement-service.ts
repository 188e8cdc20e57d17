import { randomBytes } from 'node:crypto';
import type { CurrencyCode } from '../domain/currencies.js';
import { GatewayError } from '../domain/errors.js';
import { addDays, businessDate, dayBoundsMs } from '../domain/business-day.js';
import { convertMinor } from '../fx/conversion.js';
import { SETTLEMENT_CATCH_UP_DAYS } from '../domain/limits.js';
import { formatRate, ONE } from '../fx/exact-rate.js';
import { quoteOf, rateOf, type FxPricing } from '../fx/fx-pricing.js';
import type { FxQuote } from '../fx/fx-quote.js';
import type { FxQuoteRepository } from '../store/fx-quote-repository.js';
import type { PricingRepository } from '../store/pricing-repository.js';
import type { SettlementRepository } from '../store/settlement-repository.js';
import { totalsOf, type SettlementBatch, type SettlementLine } from './settlement-batch.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

export interface SettlementDeps {
  settlements: SettlementRepository;
  quotes: FxQuoteRepository;
  pricing: PricingRepository;
  fx: FxPricing;
  clock: () => number;
  timeZone: string;
  defaultDelayDays: number;
}

/**
 * Settles merchants in CNY, one batch per merchant and business day, once
 * the day has closed. Each movement converts at its order's rate (the
 * locked or order rate of an FX order, the capture rate of a card order),
 * so a refund months later converts exactly as its capture did.
 */
export class SettlementService {
  constructor(private readonly deps: SettlementDeps) {}

  /** The batch of a day if it was built; never builds one. */
  async settlementFor(merchantId: string, date: string): Promise<SettlementBatch | undefined> {
    return this.deps.settlements.find(merchantId, date);
  }

  /** The batch of a closed day, built now if it was not yet; undefined for a day without movements. */
  async settleDay(merchantId: string, date: string): Promise<SettlementBatch | undefined> {
    const existing = await this.deps.settlements.find(merchantId, date);
    if (existing) return existing;
    const { startMs, endMs } = dayBoundsMs(date, this.deps.timeZone);
    if (endMs > this.deps.clock()) throw new GatewayError('SETTLEMENT_NOT_FOUND', { date });
    const movements = await this.deps.settlements.payableMovements(merchantId, startMs, endMs);
    if (movements.length === 0) return undefined;
    const rates = await this.ratesFor(merchantId, movements);
    const lines: SettlementLine[] = movements.map((m) => {
      const quote = rates.get(m.orderId);
      const rate = m.currency === 'CNY' || !quote ? ONE : rateOf(quote);
      return { ...m, rate: formatRate(rate), cnyMinor: m.currency === 'CNY' ? m.amountMinor : convertMinor(m.amountMinor, m.currency, 'CNY', rate) };
    });
    const delayDays = (await this.deps.pricing.markup(merchantId))?.settlementDelayDays ?? this.deps.defaultDelayDays;
    const batch: SettlementBatch = {
      batchId: `sb${randomBytes(12).toString('hex')}`,
      merchantId,
      businessDate: date,
      settleDate: addDays(date, delayDays),
      currency: 'CNY',
      ...totalsOf(lines),
      lineCount: lines.length,
      createdAtMs: this.deps.clock(),
    };
    if (await this.deps.settlements.insert(batch, lines)) return batch;
    return this.deps.settlements.find(merchantId, date);
  }

  /**
   * Settles the days that closed lately (a gateway stopped over a weekend
   * catches up), for every merchant with movements in them. Returns how
   * many batches were built.
   */
  async settleDue(): Promise<number> {
    const today = businessDate(this.deps.clock(), this.deps.timeZone);
    let built = 0;
    for (let back = SETTLEMENT_CATCH_UP_DAYS; back >= 1; back -= 1) {
      const day = addDays(today, -back);
      const { startMs, endMs } = dayBoundsMs(day, this.deps.timeZone);
      for (const merchantId of await this.deps.settlements.merchantsWithMovements(startMs, endMs)) {
        // One merchant's day at a time, letting requests in between (SQLite's calls block the event loop).
        await yieldToEventLoop();
        if (await this.deps.settlements.find(merchantId, day)) continue;
        if (await this.settleDay(merchantId, day)) built += 1;
      }
    }
    return built;
  }

  async lines(batch: SettlementBatch): Promise<SettlementLine[]> {
    return this.deps.settlements.lines(batch.batchId);
  }

  /** Each foreign-currency order's rate; an order without one gets the current bid rate, recorded now. */
  private async ratesFor(merchantId: string, movements: readonly { orderId: string; currency: CurrencyCode }[]): Promise<Map<string, FxQuote>> {
    const foreign = [...new Map(movements.filter((m) => m.currency !== 'CNY').map((m) => [m.orderId, m.currency])).entries()];
    const rates = await this.deps.quotes.forOrders(foreign.map(([orderId]) => orderId));
    for (const [orderId, currency] of foreign) {
      const known = rates.get(orderId);
      if (known && known.base === currency && known.quote === 'CNY') continue;
      const applied = await this.deps.fx.applied(merchantId, currency, 'CNY', 'bid');
      const quote = quoteOf(applied, { merchantId, purpose: 'SETTLEMENT', orderId, nowMs: this.deps.clock() });
      await this.deps.quotes.insert(quote);
      rates.set(orderId, quote);
    }
    return rates;
  }
}
