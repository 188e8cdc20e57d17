import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, FxQuoteTable } from './schema.js';
import type { CurrencyCode } from '../domain/currencies.js';
import type { FxQuote, QuotePurpose } from '../fx/fx-quote.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Every rate the gateway quoted or applied; a locked quote is found by its token. */
export class FxQuoteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a quote; false when a LOCK with the same (merchant, requestId) exists (a replay). */
  async insert(q: FxQuote, db: Db = this.db): Promise<boolean> {
    const r = await db
      .insertInto('fx_quotes')
      .values(toRow(q))
      .onConflict((oc) => oc.columns(['merchant_id', 'purpose', 'request_id']).doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) === 1n;
  }

  async byToken(token: string): Promise<FxQuote | undefined> {
    const row = await this.db.selectFrom('fx_quotes').selectAll().where('token', '=', token).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async byRequest(merchantId: string, purpose: QuotePurpose, requestId: string): Promise<FxQuote | undefined> {
    const row = await this.db.selectFrom('fx_quotes').selectAll().where('merchant_id', '=', merchantId).where('purpose', '=', purpose).where('request_id', '=', requestId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** The rate an order converts at: the one recorded when it was created (FX orders) or captured (card orders). */
  async forOrder(orderId: string, db: Db = this.db): Promise<FxQuote | undefined> {
    const rows = await db.selectFrom('fx_quotes').selectAll().where('order_id', '=', orderId).where('purpose', 'in', ['ORDER', 'CAPTURE', 'SETTLEMENT']).orderBy('created_at_ms').execute();
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async forOrders(orderIds: readonly string[]): Promise<Map<string, FxQuote>> {
    const found = new Map<string, FxQuote>();
    if (orderIds.length === 0) return found;
    const rows = await this.db.selectFrom('fx_quotes').selectAll().where('order_id', 'in', orderIds).where('purpose', 'in', ['ORDER', 'CAPTURE', 'SETTLEMENT']).orderBy('created_at_ms').execute();
    for (const row of rows) if (row.order_id && !found.has(row.order_id)) found.set(row.order_id, fromRow(row));
    return found;
  }

  /**
   * Marks a locked quote used by `requestId`, guarded: it succeeds once, and
   * again only for the same requestId (a replay of the same order).
   */
  async consume(token: string, requestId: string, nowMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('fx_quotes')
      .set({ used_at_ms: BigInt(nowMs), used_by_request_id: requestId })
      .where('token', '=', token)
      .where((eb) => eb.or([eb('used_by_request_id', 'is', null), eb('used_by_request_id', '=', requestId)]))
      .executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }
}

function toRow(q: FxQuote) {
  return {
    quote_id: q.quoteId,
    merchant_id: q.merchantId,
    purpose: q.purpose,
    request_id: q.requestId,
    token: q.token,
    order_id: q.orderId,
    base_currency: q.base,
    quote_currency: q.quote,
    side: q.side,
    market_rate: q.marketRate,
    markup_bps: BigInt(q.markupBps),
    rate: q.rate,
    source: q.source,
    rate_as_of_ms: BigInt(q.rateAsOfMs),
    amount_minor: q.amountMinor,
    converted_minor: q.convertedMinor,
    created_at_ms: BigInt(q.createdAtMs),
    expires_at_ms: q.expiresAtMs === null ? null : BigInt(q.expiresAtMs),
    used_at_ms: q.usedAtMs === null ? null : BigInt(q.usedAtMs),
    used_by_request_id: q.usedByRequestId,
  };
}

function fromRow(r: Selectable<FxQuoteTable>): FxQuote {
  return {
    quoteId: r.quote_id,
    merchantId: r.merchant_id,
    purpose: r.purpose as QuotePurpose,
    requestId: r.request_id,
    token: r.token,
    orderId: r.order_id,
    base: r.base_currency as CurrencyCode,
    quote: r.quote_currency as CurrencyCode,
    side: r.side as FxQuote['side'],
    marketRate: r.market_rate,
    markupBps: Number(r.markup_bps),
    rate: r.rate,
    source: r.source,
    rateAsOfMs: Number(r.rate_as_of_ms),
    amountMinor: r.amount_minor === null ? null : BigInt(r.amount_minor),
    convertedMinor: r.converted_minor === null ? null : BigInt(r.converted_minor),
    createdAtMs: Number(r.created_at_ms),
    expiresAtMs: r.expires_at_ms === null ? null : Number(r.expires_at_ms),
    usedAtMs: r.used_at_ms === null ? null : Number(r.used_at_ms),
    usedByRequestId: r.used_by_request_id,
  };
}
