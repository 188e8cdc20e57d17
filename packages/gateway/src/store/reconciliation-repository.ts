import type { Kysely } from 'kysely';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from './schema.js';
import type { CurrencyCode } from '../domain/currencies.js';

/** The file of a SQLite database URL, for a second (read-only) connection; undefined for PostgreSQL and in-memory databases. */
export function sqliteFileOf(url: string): string | undefined {
  if (/^postgres(ql)?:\/\//.test(url)) return undefined;
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  return file === '' || file === ':memory:' || file.startsWith('file::memory:') ? undefined : file;
}

/** The day's payments, then its refunds, as the SQLite stream reads them: arrays in the order of the columns named. */
const SQLITE_PAYMENTS = `select order_id, order_id, request_id, product, currency, amount_minor, fee_minor, state, created_at_ms, completed_at_ms, channel
  from orders where merchant_id = ? and completed_at_ms >= ? and completed_at_ms < ? and state in ('SUCCESS', 'FAILED')
  order by completed_at_ms, order_id`;
const SQLITE_REFUNDS = `select r.refund_id, r.order_id, r.request_id, o.product, r.currency, r.amount_minor, 0, r.state, r.created_at_ms, r.completed_at_ms, o.channel
  from refunds r join orders o on o.order_id = r.order_id
  where r.merchant_id = ? and r.completed_at_ms >= ? and r.completed_at_ms < ? and r.state in ('SUCCESS', 'FAILED')
  order by r.completed_at_ms, r.refund_id`;

type RawEntry = [string, string, string, string, string, bigint, bigint, string, bigint, bigint, string | null];

/** One payment or refund as the reconciliation file lists it. */
export interface ReconciliationEntry {
  type: 'PAYMENT' | 'REFUND';
  /** The gateway's number: the order's serialNumber for a payment, the refund's for a refund. */
  serialNumber: string;
  orderSerialNumber: string;
  requestId: string;
  product: string;
  currency: CurrencyCode;
  amountMinor: bigint;
  feeMinor: bigint;
  status: string;
  createdAtMs: number;
  completedAtMs: number;
  channel: string | null;
}

type Cursor = { atMs: number; id: string } | null;

/**
 * Reads a merchant's (or every merchant's) completed payments and refunds
 * in a time window, a page at a time in (completion time, id) order, so a
 * day of any size is read in bounded memory.
 */
export class ReconciliationRepository {
  /**
   * `sqliteFile`: on SQLite, a merchant's day is streamed through a
   * read-only connection of its own (one statement per kind, rows as
   * arrays: several times less work per row than pages through the query
   * builder, and the gateway's connection stays free meanwhile); without it
   * (PostgreSQL, an in-memory database, every merchant at once) it is read
   * in keyset pages.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: { sqliteFile?: string | undefined } = {},
  ) {}

  async paymentsPage(merchantId: string | null, fromMs: number, toMs: number, after: Cursor, limit: number): Promise<ReconciliationEntry[]> {
    let q = this.db
      .selectFrom('orders')
      .select(['order_id', 'request_id', 'product', 'currency', 'amount_minor', 'fee_minor', 'state', 'created_at_ms', 'completed_at_ms', 'channel'])
      // One lower bound, the page's start, so the index seeks to it instead of scanning the day from its beginning.
      .where('completed_at_ms', '>=', BigInt(after ? after.atMs : fromMs))
      .where('completed_at_ms', '<', BigInt(toMs))
      .where('state', 'in', ['SUCCESS', 'FAILED']);
    if (merchantId !== null) q = q.where('merchant_id', '=', merchantId);
    if (after) q = q.where((eb) => eb.or([eb('completed_at_ms', '>', BigInt(after.atMs)), eb('order_id', '>', after.id)]));
    const rows = await q.orderBy('completed_at_ms').orderBy('order_id').limit(limit).execute();
    return rows.map((r) => ({
      type: 'PAYMENT',
      serialNumber: r.order_id,
      orderSerialNumber: r.order_id,
      requestId: r.request_id,
      product: r.product,
      currency: r.currency as CurrencyCode,
      amountMinor: BigInt(r.amount_minor),
      feeMinor: BigInt(r.fee_minor),
      status: r.state,
      createdAtMs: Number(r.created_at_ms),
      completedAtMs: Number(r.completed_at_ms),
      channel: r.channel,
    }));
  }

  async refundsPage(merchantId: string | null, fromMs: number, toMs: number, after: Cursor, limit: number): Promise<ReconciliationEntry[]> {
    let q = this.db
      .selectFrom('refunds')
      .innerJoin('orders', 'orders.order_id', 'refunds.order_id')
      .select([
        'refunds.refund_id',
        'refunds.order_id',
        'refunds.request_id',
        'orders.product',
        'refunds.currency',
        'refunds.amount_minor',
        'refunds.state',
        'refunds.created_at_ms',
        'refunds.completed_at_ms',
        'orders.channel',
      ])
      .where('refunds.completed_at_ms', '>=', BigInt(after ? after.atMs : fromMs))
      .where('refunds.completed_at_ms', '<', BigInt(toMs))
      .where('refunds.state', 'in', ['SUCCESS', 'FAILED']);
    if (merchantId !== null) q = q.where('refunds.merchant_id', '=', merchantId);
    if (after) q = q.where((eb) => eb.or([eb('refunds.completed_at_ms', '>', BigInt(after.atMs)), eb('refunds.refund_id', '>', after.id)]));
    const rows = await q.orderBy('refunds.completed_at_ms').orderBy('refunds.refund_id').limit(limit).execute();
    return rows.map((r) => ({
      type: 'REFUND',
      serialNumber: r.refund_id,
      orderSerialNumber: r.order_id,
      requestId: r.request_id,
      product: r.product,
      currency: r.currency as CurrencyCode,
      amountMinor: BigInt(r.amount_minor),
      feeMinor: 0n,
      status: r.state,
      createdAtMs: Number(r.created_at_ms),
      completedAtMs: Number(r.completed_at_ms),
      channel: r.channel,
    }));
  }

  /** Every entry of the window, payments first, each kind in completion order; page by page. */
  async *entries(merchantId: string | null, fromMs: number, toMs: number, pageRows: number): AsyncGenerator<ReconciliationEntry[]> {
    if (this.options.sqliteFile && merchantId !== null) {
      yield* this.streamSqlite(this.options.sqliteFile, merchantId, fromMs, toMs, pageRows);
      return;
    }
    for (const read of [this.paymentsPage.bind(this), this.refundsPage.bind(this)]) {
      let after: Cursor = null;
      for (;;) {
        const page = await read(merchantId, fromMs, toMs, after, pageRows);
        if (page.length === 0) break;
        yield page;
        const last = page[page.length - 1]!;
        after = { atMs: last.completedAtMs, id: last.serialNumber };
        if (page.length < pageRows) break;
      }
    }
  }

  /** The SQLite stream: the same entries in the same order as the pages, read in one pass per kind. */
  private async *streamSqlite(file: string, merchantId: string, fromMs: number, toMs: number, pageRows: number): AsyncGenerator<ReconciliationEntry[]> {
    // WAL lets this reader see every committed row while the gateway keeps writing on its own connection.
    const reader = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    reader.defaultSafeIntegers(true);
    try {
      for (const [type, query] of [['PAYMENT', SQLITE_PAYMENTS], ['REFUND', SQLITE_REFUNDS]] as const) {
        const rows = reader.prepare(query).raw(true).iterate(merchantId, BigInt(fromMs), BigInt(toMs)) as IterableIterator<RawEntry>;
        try {
          let page: ReconciliationEntry[] = [];
          for (const r of rows) {
            page.push({
              type,
              serialNumber: r[0],
              orderSerialNumber: r[1],
              requestId: r[2],
              product: r[3],
              currency: r[4] as CurrencyCode,
              amountMinor: r[5],
              feeMinor: BigInt(r[6]),
              status: r[7],
              createdAtMs: Number(r[8]),
              completedAtMs: Number(r[9]),
              channel: r[10],
            });
            if (page.length === pageRows) {
              yield page;
              page = [];
            }
          }
          if (page.length > 0) yield page;
        } finally {
          // A consumer that stops early leaves the statement open: close it before the connection.
          rows.return?.();
        }
      }
    } finally {
      reader.close();
    }
  }
}
