import type { Kysely, Migration } from 'kysely';

/**
 * Log-in guards of the back office: a per-client-address counter of log-in
 * attempts across accounts (credential stuffing), kept in the database so
 * every node of a cluster counts the same attempts; and the address a
 * session was opened from, so an operator looking at a user's sessions can
 * tell them apart.
 */
export const portalLoginGuardMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('portal_login_attempts_by_ip')
      .addColumn('client_ip', 'text', (c) => c.primaryKey())
      .addColumn('window_start_ms', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.alterTable('portal_sessions').addColumn('client_ip', 'text').execute();
  },
};
