import { findCurrency, type CurrencyCode } from '../domain/currencies.js';
import { parseRate, type ExactRate } from './exact-rate.js';
import type { MarketRate } from './rate-provider.js';

/**
 * The JSON rate table an operator writes (docs: README "FX rates"):
 *
 *   { "source": "BOC board 10:30", "rates": [
 *       { "base": "USD", "quote": "CNY", "bid": "7.1002", "ask": "7.1302", "mid": "7.1152", "asOf": "2026-11-22T02:30:00Z" } ] }
 *
 * Rates are decimal strings (never JSON numbers, which would pass through
 * floating point); each pair has its own timestamp; bid ≤ mid ≤ ask.
 */
export class RateTableError extends Error {}

function compare(a: ExactRate, b: ExactRate): number {
  const scale = Math.max(a.scale, b.scale);
  const x = a.units * 10n ** BigInt(scale - a.scale);
  const y = b.units * 10n ** BigInt(scale - b.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function parseRateTable(json: unknown, fallbackSource: string): MarketRate[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new RateTableError('the rate table must be a JSON object');
  const table = json as { source?: unknown; rates?: unknown };
  const source = typeof table.source === 'string' && table.source !== '' ? table.source : fallbackSource;
  if (!Array.isArray(table.rates) || table.rates.length === 0) throw new RateTableError('"rates" must be a non-empty list');
  const seen = new Set<string>();
  return table.rates.map((entry: unknown, i) => {
    const where = `rates[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw new RateTableError(`${where} must be an object`);
    const e = entry as Record<string, unknown>;
    const base = findCurrency(e.base)?.code;
    const quote = findCurrency(e.quote)?.code;
    if (!base || !quote || base === quote) throw new RateTableError(`${where}: base and quote must be two different supported currencies`);
    const pair = `${base}/${quote}`;
    if (seen.has(pair)) throw new RateTableError(`${where}: ${pair} appears twice`);
    seen.add(pair);
    const [bid, ask, mid] = (['bid', 'ask', 'mid'] as const).map((side) => {
      const r = parseRate(e[side]);
      if (!r) throw new RateTableError(`${where}.${side} must be a positive decimal string, e.g. "7.1234"`);
      return r;
    }) as [ExactRate, ExactRate, ExactRate];
    if (compare(bid, mid) > 0 || compare(mid, ask) > 0) throw new RateTableError(`${where}: needs bid ≤ mid ≤ ask`);
    const asOfMs = typeof e.asOf === 'string' && /^\d{4}-\d\d-\d\dT/.test(e.asOf) ? Date.parse(e.asOf) : NaN;
    if (!Number.isFinite(asOfMs)) throw new RateTableError(`${where}.asOf must be an ISO 8601 time, e.g. "2026-11-22T02:30:00Z"`);
    return { base: base as CurrencyCode, quote: quote as CurrencyCode, bid, ask, mid, asOfMs, source: typeof e.source === 'string' && e.source !== '' ? e.source : source };
  });
}
