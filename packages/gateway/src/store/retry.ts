import type { Kysely, Transaction } from 'kysely';
import { TRANSACTION_ATTEMPTS_MAX, TRANSACTION_RETRY_BACKOFF_MS_BASE, TRANSACTION_RETRY_BACKOFF_MS_MAX } from './limits.js';

/**
 * SQLSTATEs with which PostgreSQL aborts a transaction only because another
 * one ran at the same time: serialization_failure (SERIALIZABLE or
 * REPEATABLE READ) and deadlock_detected. Run again, the work succeeds.
 */
const POSTGRES_RETRYABLE_SQLSTATES: ReadonlySet<string> = new Set(['40001', '40P01']);

/**
 * True for an error that means "a concurrent writer won, run the whole
 * transaction again": SQLSTATE 40001 / 40P01 on PostgreSQL, SQLITE_BUSY (and
 * its extended codes such as SQLITE_BUSY_SNAPSHOT) on SQLite once its busy
 * timeout ran out. Anything else — constraint violations included — is not.
 */
export function isRetryableTransactionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return POSTGRES_RETRYABLE_SQLSTATES.has(code) || code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_');
}

export interface TransactionRetryOptions {
  /** PostgreSQL isolation level; SQLite transactions are serializable anyway (one writer at a time). */
  isolationLevel?: 'serializable' | 'repeatable read' | 'read committed';
  attemptsMax?: number;
  /** Source in [0, 1) for the back-off jitter; defaults to Math.random. */
  random?: () => number;
  /** Called before each retry, e.g. to log or count contention. */
  onRetry?: (err: unknown, attemptNo: number) => void;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs `work` in a transaction and, when the database aborts it for a
 * concurrency reason, runs it again from the start in a new transaction.
 *
 * `work` must do all its reads inside `tx` and have no effect outside the
 * database before it returns (no channel calls, no notifications sent): a
 * retried attempt re-reads everything and decides afresh, which is what
 * makes the retry correct. Must not be called inside another transaction —
 * the outer one would already be aborted.
 */
export async function withTransactionRetry<DB, T>(db: Kysely<DB>, work: (tx: Transaction<DB>) => Promise<T>, options: TransactionRetryOptions = {}): Promise<T> {
  if (db.isTransaction) throw new Error('withTransactionRetry needs the database, not a transaction: an aborted outer transaction cannot be retried from inside');
  const attemptsMax = options.attemptsMax ?? TRANSACTION_ATTEMPTS_MAX;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      const builder = db.transaction();
      return await (options.isolationLevel ? builder.setIsolationLevel(options.isolationLevel) : builder).execute(work);
    } catch (err) {
      if (attemptNo >= attemptsMax || !isRetryableTransactionError(err)) throw err;
      options.onRetry?.(err, attemptNo);
      await sleep(retryBackoffMs(attemptNo, random));
    }
  }
}

/** Full-jitter exponential back-off: uniform in [0, min(max, base·2^(n−1))]. */
export function retryBackoffMs(attemptNo: number, random: () => number): number {
  const ceilingMs = Math.min(TRANSACTION_RETRY_BACKOFF_MS_MAX, TRANSACTION_RETRY_BACKOFF_MS_BASE * 2 ** (attemptNo - 1));
  return Math.round(random() * ceilingMs);
}
