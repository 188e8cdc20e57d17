/**
 * Bounds of the store's concurrency handling, each with the reason for its
 * value (the request-level bounds live in domain/limits.ts).
 */

/**
 * Attempts of one transaction that the database aborted to keep concurrent
 * writers correct (serialization failure, deadlock, SQLite busy). Each retry
 * runs after the winner committed, so a second attempt nearly always passes;
 * five covers bursts of several writers on one row without hiding a hot loop.
 */
export const TRANSACTION_ATTEMPTS_MAX = 5;

/**
 * First back-off before a retried transaction, doubled per attempt and
 * jittered: a few milliseconds lets the winner commit, and the jitter keeps
 * two losers from colliding again in lock step.
 */
export const TRANSACTION_RETRY_BACKOFF_MS_BASE = 5;

/** Longest single back-off: a request waits at most a few hundred milliseconds in all. */
export const TRANSACTION_RETRY_BACKOFF_MS_MAX = 200;

/**
 * Pause between two `PRAGMA optimize` runs on SQLite. The planner's choice of
 * index depends on statistics that go stale as tables grow; SQLite advises
 * running it every few hours on a long-lived connection. Hourly keeps a fast-
 * growing database's plans current, and a run that finds nothing stale costs
 * a few table-size comparisons.
 */
export const DATABASE_OPTIMIZE_INTERVAL_MS = 60 * 60 * 1000;
