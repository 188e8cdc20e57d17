import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The unified order (`onlinePay/order`): an order's payment method and what
 * the payer was handed for it (kept so a requestId replay answers the same
 * QR code or page), and the methods each merchant has enabled. A merchant
 * with no rows takes every method the gateway runs.
 *
 * `incoming_transfers`: bank transfers an operator recorded against offline
 * remittance orders, each once (by the bank's own reference), with what
 * became of it: settled the order, held for review, or unmatched.
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
    await db.schema
      .createTable('incoming_transfers')
      .addColumn('transfer_id', 'text', (c) => c.primaryKey())
      .addColumn('bank_reference', 'text', (c) => c.notNull().unique())
      .addColumn('postscript', 'text', (c) => c.notNull())
      .addColumn('amount_minor', 'bigint', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('payer_name', 'text')
      .addColumn('payer_account', 'text')
      .addColumn('order_id', 'text', (c) => c.references('orders.order_id'))
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('received_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('recorded_at_ms', 'bigint', (c) => c.notNull())
      .addCheckConstraint('incoming_transfers_amount_positive', sql`amount_minor > 0`)
      .execute();
    await db.schema.createIndex('incoming_transfers_by_outcome').on('incoming_transfers').columns(['outcome', 'recorded_at_ms']).execute();
    // Saved cards for express payments: the PAN only as a vault token; a keyed fingerprint finds the same card bound twice.
    await db.schema
      .createTable('card_bindings')
      .addColumn('bind_card_id', 'text', (c) => c.primaryKey())
      .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
      .addColumn('merchant_user_id', 'text', (c) => c.notNull())
      .addColumn('card_fingerprint', 'text', (c) => c.notNull())
      .addColumn('vault_token', 'text', (c) => c.notNull())
      .addColumn('card_kind', 'text', (c) => c.notNull())
      .addColumn('brand', 'text', (c) => c.notNull())
      .addColumn('bin', 'text', (c) => c.notNull())
      .addColumn('last4', 'text', (c) => c.notNull())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('expiry_month', 'bigint', (c) => c.notNull())
      .addColumn('expiry_year', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
      .addColumn('unbound_at_ms', 'bigint')
      .addUniqueConstraint('card_bindings_user_card_unique', ['merchant_id', 'merchant_user_id', 'card_fingerprint'])
      .execute();
    await db.schema.createIndex('incoming_transfers_by_order').on('incoming_transfers').column('order_id').execute();
  },
};
