import type { Kysely, Migration } from 'kysely';

/**
 * Customs declarations of FX orders: one per order, or one per sub-order
 * when the order has them (seed 002), each with its request number.
 */
export const customsDeclarationsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('customs_declarations')
      .addColumn('declaration_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('request_digest', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
      // '' for the order itself.
      .addColumn('sub_order_request_id', 'text', (c) => c.notNull())
      // What is declared (order/sub-order), unique: declared once. A declaration customs rejected frees it.
      .addColumn('target_key', 'text', (c) => c.notNull().unique())
      .addColumn('payment_serial_number', 'text', (c) => c.notNull())
      .addColumn('customs_code', 'text', (c) => c.notNull())
      .addColumn('ecp_code', 'text', (c) => c.notNull())
      .addColumn('ecp_name', 'text', (c) => c.notNull())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('customs_reference', 'text')
      .addColumn('failure_reason', 'text')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('completed_at_ms', 'bigint')
      .addUniqueConstraint('customs_declarations_request', ['merchant_id', 'request_id'])
      .execute();
  },
};
