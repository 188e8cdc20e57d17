import { isDatabaseUnavailable } from '../store/connection-errors.js';
import { DATABASE_REAPPLY_ATTEMPTS_MAX, DATABASE_REAPPLY_BACKOFF_MS_BASE } from '../domain/limits.js';

/**
 * Runs `write` again while it fails only because the database went away
 * (a lost connection is replaced at once; a restart takes seconds). For a
 * write whose input cannot be asked for again cheaply — a channel's answer
 * in hand — this records it now instead of leaving the order for the stale
 * sweep. `write` must be safe to repeat: a guarded transition that already
 * committed finds the order moved and changes nothing. The last error is
 * rethrown once the attempts are spent.
 */
export async function whileDatabaseReturns<T>(write: () => Promise<T>, sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms))): Promise<T> {
  for (let attemptNo = 1; ; attemptNo++) {
    try {
      return await write();
    } catch (error) {
      if (attemptNo >= DATABASE_REAPPLY_ATTEMPTS_MAX || !isDatabaseUnavailable(error)) throw error;
      await sleep(DATABASE_REAPPLY_BACKOFF_MS_BASE * 2 ** (attemptNo - 1));
    }
  }
}
