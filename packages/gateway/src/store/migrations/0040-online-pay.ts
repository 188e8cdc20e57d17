import type { Kysely, Migration } from 'kysely';

/**
 * The unified order (`onlinePay/order`): an order's payment method and what
 * the payer was handed for it (kept so a requestId replay answers the same
 * QR code or page), and the methods each merchant has enabled. A merchant
 * with no rows takes every method the gateway runs.
 */
export const onlinePayMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('orders').addColumn('payment_method', 'text').execute();
    await db.schema.alterTable('orders').addColumn('payer_action_json', 'text').execute();
    // The simulators and channel callbacks find an order by the reference its channel gave.
    await db.schema.createIndex('orders_by_channel_reference').on('orders').columns(['channel', 'channel_reference']).execute();
    await db.schema
      .createTable('merchant_payment_methods')
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('merchant_payment_methods_pk', ['merchant_id', 'method'])
      .execute();
  },
};
