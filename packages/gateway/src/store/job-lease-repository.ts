import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface JobLease {
  jobName: string;
  holderId: string;
  leaseUntilMs: number;
  acquiredAtMs: number;
  renewedAtMs: number;
}

/**
 * Leases of background jobs. Taking and renewing a lease is one statement
 * (an upsert guarded by "free, expired, or already mine"), so it is atomic on
 * both databases without a transaction: of two processes racing for a free
 * job, the unique key lets exactly one insert or update the row.
 */
export class JobLeaseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes the lease of `jobName` for `holderId` until `nowMs + leaseMs`, or
   * extends it when `holderId` holds it already. False when another holder's
   * lease is still running.
   */
  async acquire(jobName: string, holderId: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const now = BigInt(nowMs);
    const result = await this.db
      .insertInto('job_leases')
      .values({ job_name: jobName, holder_id: holderId, lease_until_ms: now + BigInt(leaseMs), acquired_at_ms: now, renewed_at_ms: now })
      .onConflict((oc) =>
        oc
          .column('job_name')
          .doUpdateSet((eb) => ({
            holder_id: eb.ref('excluded.holder_id'),
            lease_until_ms: eb.ref('excluded.lease_until_ms'),
            renewed_at_ms: eb.ref('excluded.renewed_at_ms'),
            // A renewal keeps the time the holder first took the job; a takeover starts it anew.
            acquired_at_ms: eb
              .case()
              .when('job_leases.holder_id', '=', eb.ref('excluded.holder_id'))
              .then(eb.ref('job_leases.acquired_at_ms'))
              .else(eb.ref('excluded.acquired_at_ms'))
              .end(),
          }))
          .where((eb) => eb.or([eb('job_leases.holder_id', '=', eb.ref('excluded.holder_id')), eb('job_leases.lease_until_ms', '<=', now)])),
      )
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** Gives the job up at once (orderly shutdown), so another process need not wait for the lease to run out. */
  async release(jobName: string, holderId: string): Promise<void> {
    await this.db.deleteFrom('job_leases').where('job_name', '=', jobName).where('holder_id', '=', holderId).execute();
  }

  async list(): Promise<JobLease[]> {
    const rows = await this.db.selectFrom('job_leases').selectAll().orderBy('job_name').execute();
    return rows.map((r) => ({
      jobName: r.job_name,
      holderId: r.holder_id,
      leaseUntilMs: Number(r.lease_until_ms),
      acquiredAtMs: Number(r.acquired_at_ms),
      renewedAtMs: Number(r.renewed_at_ms),
    }));
  }
}
