/**
 * When to try a merchant notification again.
 *
 * `NOTIFY_RETRY_DELAYS_MS[k]` is the pause before attempt k + 1, measured from
 * the end of attempt k (entry 0 is the first attempt: sent as soon as the order
 * reaches a final state). Why this shape:
 * - 15 s, 1 min, 5 min: most failures are deploys, restarts and brief network
 *   blips that heal within minutes, so the merchant hears soon after.
 * - then roughly doubling to hours: a merchant that is really down should not
 *   be hammered, but must not wait much longer than its outage either — the
 *   longest pause is capped at 10 h so a recovered merchant hears the same day.
 * - the total is ~31.9 h, and still ≥ 24 h when every delay is jittered down
 *   by the full NOTIFY_RETRY_JITTER_RATIO (≈ 25.5 h): a merchant down for a
 *   whole day still gets the notification. After that the merchant reconciles
 *   with the order query API. (WeChat Pay's notify schedule spans ~24 h with
 *   15 attempts; ours uses fewer, earlier-heavy attempts for the same span.)
 */
import { NOTIFY_RETRY_JITTER_RATIO } from './limits.js';

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;

export const NOTIFY_RETRY_DELAYS_MS: readonly number[] = Object.freeze([
  0,
  15 * SECOND_MS,
  1 * MINUTE_MS,
  5 * MINUTE_MS,
  15 * MINUTE_MS,
  30 * MINUTE_MS,
  1 * HOUR_MS,
  2 * HOUR_MS,
  4 * HOUR_MS,
  6 * HOUR_MS,
  8 * HOUR_MS,
  10 * HOUR_MS,
]);

/** Attempts a notification gets before it is marked failed. */
export const NOTIFY_ATTEMPT_COUNT_MAX = NOTIFY_RETRY_DELAYS_MS.length;

/**
 * Delay before the next attempt after `attemptsMade` attempts, jittered by up
 * to ±NOTIFY_RETRY_JITTER_RATIO using `random` (a `Math.random`-like source in
 * [0, 1), injected so tests are deterministic). `null` when the schedule is
 * exhausted: the notification is then given up on.
 */
export function nextAttemptDelayMs(attemptsMade: number, random: () => number): number | null {
  if (!Number.isInteger(attemptsMade) || attemptsMade < 0) {
    throw new RangeError(`attemptsMade must be a non-negative integer, got ${attemptsMade}`);
  }
  const baseMs = NOTIFY_RETRY_DELAYS_MS[attemptsMade];
  if (baseMs === undefined) return null;
  // Clamp so a faulty random source cannot push a delay outside the documented bounds.
  const raw = random();
  const r = Number.isFinite(raw) ? Math.min(Math.max(raw, 0), 1) : 0.5;
  const factor = 1 + NOTIFY_RETRY_JITTER_RATIO * (2 * r - 1);
  return Math.round(baseMs * factor);
}
