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
