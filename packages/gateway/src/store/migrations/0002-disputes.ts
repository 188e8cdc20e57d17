import { type Kysely, type Migration, sql } from 'kysely';

/** The first dispute cases (chargebacks and retrieval requests opened by the sandbox). */
export const disputesMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('disputes')
      .addColumn('dispute_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason_code', 'text', (c) => c.notNull())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('opened_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('respond_by_ms', 'bigint', (c) => c.notNull())
      .addCheckConstraint('disputes_amount_positive', sql`amount_minor > 0`)
      .execute();
    await db.schema.createIndex('disputes_by_order').on('disputes').column('order_id').execute();
  },
};
