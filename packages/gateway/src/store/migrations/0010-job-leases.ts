import type { Kysely, Migration } from 'kysely';

/**
 * One row per background job: which process may run it, and until when.
 * A process that dies stops renewing, so its lease runs out and another
 * process takes the job over; nothing has to notice the death.
 */
export const jobLeasesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('job_leases')
      .addColumn('job_name', 'text', (c) => c.primaryKey())
      .addColumn('holder_id', 'text', (c) => c.notNull())
      .addColumn('lease_until_ms', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('renewed_at_ms', 'bigint', (c) => c.notNull())
      .execute();
  },
};
