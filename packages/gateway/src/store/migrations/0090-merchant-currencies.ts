import type { Kysely, Migration } from 'kysely';

/**
 * The currencies a merchant's orders may be in, as the operator console
 * sets them: a JSON array of ISO 4217 codes, or null for every currency the
 * gateway supports (every merchant before this column).
 */
export const merchantCurrenciesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('merchants').addColumn('allowed_currencies', 'text').execute();
  },
};
