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
import { isProvisional, totalsOf, type SettlementBatch, type SettlementLine } from './settlement-batch.js';
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
    const { endMs } = dayBoundsMs(date, this.deps.timeZone);
    const closed = endMs <= this.deps.clock();
    if (existing && !(closed && isProvisional(existing, endMs))) return existing;
    if (!closed) throw new GatewayError('SETTLEMENT_NOT_FOUND', { date });
    return this.build(merchantId, date, endMs, existing);
  }

  /**
   * Settles a sandbox merchant's day even before it closed, so settlement
   * can be tried on the first day: the movements up to now, built again on
   * each run and once more, whole, after the day closed. Refused for any
   * other merchant, whose days settle only once they are over.
   */
  async settleSandboxDay(merchant: { merchantId: string; sandbox: boolean }, date: string): Promise<SettlementBatch | undefined> {
    const { endMs } = dayBoundsMs(date, this.deps.timeZone);
    const nowMs = this.deps.clock();
    if (endMs <= nowMs) return this.settleDay(merchant.merchantId, date);
    if (!merchant.sandbox) throw new GatewayError('SETTLEMENT_DAY_OPEN', { date });
    const existing = await this.deps.settlements.find(merchant.merchantId, date);
    return this.build(merchant.merchantId, date, nowMs + 1, existing);
  }

  /** Builds the batch of the merchant's movements of `date` before `untilMs`, in place of a provisional one. */
  private async build(merchantId: string, date: string, untilMs: number, replacing: SettlementBatch | undefined): Promise<SettlementBatch | undefined> {
    const { startMs, endMs } = dayBoundsMs(date, this.deps.timeZone);
    const movements = await this.deps.settlements.payableMovements(merchantId, startMs, Math.min(untilMs, endMs));
    if (movements.length === 0 && !replacing) return undefined;
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
    const stored = replacing ? await this.deps.settlements.replace(replacing.batchId, batch, lines) : await this.deps.settlements.insert(batch, lines);
    if (stored) return batch;
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
        const existing = await this.deps.settlements.find(merchantId, day);
        if (existing && !isProvisional(existing, endMs)) continue;
        if (await this.settleDay(merchantId, day)) built += 1;
      }
    }
    return built;
  }

  /** Whether the batch was built before its day closed (and will be built again, whole). */
  provisional(batch: SettlementBatch): boolean {
    return isProvisional(batch, dayBoundsMs(batch.businessDate, this.deps.timeZone).endMs);
  }

  /** The merchants whose payable moved on `date`. */
  async merchantsOf(date: string): Promise<string[]> {
    const { startMs, endMs } = dayBoundsMs(date, this.deps.timeZone);
    return this.deps.settlements.merchantsWithMovements(startMs, endMs);
  }

  /** `today` and `yesterday` in the business time zone, or a YYYY-MM-DD date as given. */
  resolveDate(text: string): string {
    const today = businessDate(this.deps.clock(), this.deps.timeZone);
    if (text === 'today') return today;
    if (text === 'yesterday') return addDays(today, -1);
    return text;
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
