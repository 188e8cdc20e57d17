/**
 * Bounds of background-job leasing, each with the reason for its value.
 * `limits.test.ts` checks how they relate.
 */

/**
 * Default lease of a background job. The holder renews it while it lives, so
 * the length only decides how long a job waits after its holder died (a
 * crash, a SIGKILL, a lost machine) before another process takes it over:
 * half a minute of delayed expiry or re-checks is harmless, and it rides out
 * a database fail-over without the job changing hands.
 */
export const JOB_LEASE_MS_DEFAULT = 30_000;

/**
 * Shortest lease accepted: renewing every third of it must stay far above a
 * database round-trip, or a busy database would make leases flap between
 * processes.
 */
export const JOB_LEASE_MS_MIN = 1_000;

/**
 * A running job renews its lease this many times per lease length, so two
 * renewals in a row may fail (a slow or restarting database) before the lease
 * can run out under a live holder.
 */
export const JOB_LEASE_RENEWALS_PER_LEASE = 3;
