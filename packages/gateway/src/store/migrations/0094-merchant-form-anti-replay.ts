import type { Kysely, Migration } from 'kysely';

/**
 * The form gateway's anti-replay option (seed 004's 商户查询交易时间戳): a
 * merchant who turns it on must send orderTimestamp, fresh from the gateway,
 * in every order form. Off (0) for every merchant before this column.
 */
export const merchantFormAntiReplayMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('merchants').addColumn('form_anti_replay', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  },
};
