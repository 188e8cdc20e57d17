/** Bounds of risk control, each with its reason. */

/** Longest velocity window a rule may use: a month covers "cards per e-mail per month" style rules. */
export const RISK_WINDOW_MS_MAX = 30 * 86_400_000;

/** Counter events are kept a little longer than the longest window, then pruned. */
export const RISK_COUNTER_RETENTION_MS = RISK_WINDOW_MS_MAX + 86_400_000;

/** How often old counter events are pruned, and how many rows one pass deletes (keeps each pass short). */
export const RISK_PRUNE_INTERVAL_MS = 60_000;
export const RISK_PRUNE_BATCH_MAX = 5_000;

/** Largest rule file accepted: rules are hand-written; a megabyte is far beyond any real one. */
export const RISK_RULE_FILE_BYTES_MAX = 1024 * 1024;

/** Rows one admin or CLI listing returns at most (attempts, list entries, review queue). */
export const RISK_LISTING_MAX = 500;

/**
 * A held payment nobody decided is rejected (its authorisation voided) after
 * this long: issuers let an uncaptured authorisation lapse after about seven
 * days, and a void before then gives the payer's money back at once.
 */
export const RISK_REVIEW_HOLD_MS_MAX = 5 * 86_400_000;

/** Blocking after a chargeback or confirmed fraud lasts this long unless an operator removes the entry: a year outlives a card's fraud cycle. */
export const RISK_AUTO_BLOCK_MS = 365 * 86_400_000;
