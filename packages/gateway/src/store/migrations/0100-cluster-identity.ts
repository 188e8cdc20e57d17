import type { Kysely, Migration } from 'kysely';

/**
 * What every node sharing the database must agree on, recorded by the first
 * node: the fingerprint of the gateway key that signs answers and
 * notifications, and the id of the key-encryption key. One row per item.
 */
export const clusterIdentityMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('cluster_identity')
      .addColumn('item', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('recorded_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .execute();
  },
};
