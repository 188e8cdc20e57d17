import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Merchant protocol dialects beside PayEase v3: each order and each
 * notification remembers the dialect that created it (so it is answered and
 * notified in that dialect), the dialect's own echo fields, per-app shared
 * secrets (MD5 signing) with rotation, and recurring-payment consents.
 */
export const merchantDialectsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('orders').addColumn('dialect', 'text', (c) => c.notNull().defaultTo('payease-v3')).execute();
    await db.schema.alterTable('orders').addColumn('dialect_context_json', 'text', (c) => c.notNull().defaultTo('{}')).execute();
    await db.schema.alterTable('notifications').addColumn('dialect', 'text', (c) => c.notNull().defaultTo('payease-v3')).execute();
    await db.schema
      .createTable('merchant_secrets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('secret_sealed', 'text', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('retires_at_ms', 'bigint')
      .execute();
    await db.schema.createIndex('merchant_secrets_by_key').on('merchant_secrets').columns(['kind', 'key_id']).execute();
    await db.schema
      .createTable('recurring_consents')
      .addColumn('consent_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('origin_order_id', 'text', (c) => c.notNull().unique().references('orders.order_id'))
      .addColumn('expiry_month', 'bigint', (c) => c.notNull())
      .addColumn('expiry_year', 'bigint', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addCheckConstraint('recurring_consents_expiry_month', sql`expiry_month between 1 and 12`)
      .execute();
    await db.schema.createIndex('recurring_consents_by_user').on('recurring_consents').columns(['merchant_id', 'app_id', 'user_id']).execute();
  },
};
