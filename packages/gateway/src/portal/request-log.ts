import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** How many recent API calls the integration page keeps per merchant; older rows are pruned. */
export const REQUEST_LOG_ROWS_PER_MERCHANT = 500;
/** How often the pruning job runs. */
export const REQUEST_LOG_PRUNE_INTERVAL_MS = 60_000;
/** Calls are written in batches: at most this long after the call, or when this many wait. */
export const REQUEST_LOG_FLUSH_INTERVAL_MS = 1_000;
export const REQUEST_LOG_FLUSH_ROWS = 100;

export interface RequestLogEntry {
  merchantId: string;
  atMs: number;
  method: string;
  /** The route pattern (`/icc/order`), never the URL with its query: nothing the caller sent is kept. */
  path: string;
  httpStatus: number;
  resultCode: string | null;
  elapsedMs: number;
}

/**
 * The merchant's recent API calls for the integration page: route, status,
 * result code and time only. No body, no query, so no card data can end up
 * here. Bounded by a pruning job to the newest rows per merchant.
 */
export class RequestLog {
  private pending: RequestLogEntry[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly db: Kysely<Database>) {}

  /** Writes one entry now. */
  async record(e: RequestLogEntry): Promise<void> {
    await this.insert([e]);
  }

  /**
   * Queues an entry for the next batch write: the merchant API's requests
   * cost no extra database round trip each. A crash loses at most the last
   * second of log lines, which only the integration page reads.
   */
  enqueue(e: RequestLogEntry, onError: (error: unknown) => void): void {
    this.pending.push(e);
    if (this.pending.length >= REQUEST_LOG_FLUSH_ROWS) {
      void this.flush().catch(onError);
      return;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush().catch(onError);
      }, REQUEST_LOG_FLUSH_INTERVAL_MS);
      this.timer.unref();
    }
  }

  /** Writes what is queued; the integration page calls it before reading, so it shows this node's latest calls. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) await this.insert(batch);
  }

  private async insert(entries: readonly RequestLogEntry[]): Promise<void> {
    await this.db
      .insertInto('merchant_request_log')
      .values(
        entries.map((e) => ({
          merchant_id: e.merchantId,
          at_ms: BigInt(e.atMs),
          method: e.method,
          path: e.path.slice(0, 200),
          http_status: BigInt(e.httpStatus),
          result_code: e.resultCode === null ? null : e.resultCode.slice(0, 64),
          elapsed_ms: BigInt(Math.max(0, Math.round(e.elapsedMs))),
        })),
      )
      .execute();
  }

  async list(merchantId: string, limit: number): Promise<RequestLogEntry[]> {
    const rows = await this.db.selectFrom('merchant_request_log').selectAll().where('merchant_id', '=', merchantId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      merchantId: r.merchant_id,
      atMs: Number(r.at_ms),
      method: r.method,
      path: r.path,
      httpStatus: Number(r.http_status),
      resultCode: r.result_code,
      elapsedMs: Number(r.elapsed_ms),
    }));
  }

  /** Deletes every merchant's rows beyond the newest `keep`; answers how many went. */
  async prune(keep: number = REQUEST_LOG_ROWS_PER_MERCHANT): Promise<number> {
    const merchants = await this.db.selectFrom('merchant_request_log').select('merchant_id').groupBy('merchant_id').having(sql`count(*)`, '>', keep).execute();
    let deleted = 0;
    for (const { merchant_id } of merchants) {
      const boundary = await this.db.selectFrom('merchant_request_log').select('id').where('merchant_id', '=', merchant_id).orderBy('id', 'desc').offset(keep).limit(1).executeTakeFirst();
      if (!boundary) continue;
      const r = await this.db.deleteFrom('merchant_request_log').where('merchant_id', '=', merchant_id).where('id', '<=', boundary.id).executeTakeFirst();
      deleted += Number(r.numDeletedRows ?? 0n);
    }
    return deleted;
  }
}
