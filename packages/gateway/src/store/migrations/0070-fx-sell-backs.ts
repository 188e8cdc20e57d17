import type { Kysely, Migration } from 'kysely';

/**
 * Refunds after an FX purchase: the foreign currency bought is sold back to
 * the FX desk, one sale per step of the order's refunds (numbered, so two
 * concurrent refunds can never sell the same currency twice), and the FX
 * order remembers what its purchase stood on and what was sold back.
 */
export const fxSellBacksMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('fx_sell_backs')
      .addColumn('sale_id', 'text', (c) => c.primaryKey())
      .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
      .addColumn('merchant_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('sold_minor', 'bigint', (c) => c.notNull())
      .addColumn('cost_minor', 'bigint', (c) => c.notNull())
      .addColumn('refunded_through_minor', 'bigint', (c) => c.notNull())
      .addColumn('rate', 'text', (c) => c.notNull())
      .addColumn('proceeds_minor', 'bigint', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('desk_reference', 'text')
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('completed_at_ms', 'bigint')
      .addUniqueConstraint('fx_sell_backs_order_seq', ['order_id', 'seq'])
      .execute();
    await db.schema.createIndex('fx_sell_backs_by_status').on('fx_sell_backs').columns(['status', 'created_at_ms']).execute();
    // The refundable CNY the purchase was based on: refunds beyond what it left out sell currency back.
    await db.schema.alterTable('fx_orders').addColumn('purchase_base_minor', 'bigint').execute();
    await db.schema.alterTable('fx_orders').addColumn('sold_back_minor', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  },
};
