import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from './dialect.js';

/**
 * Refunds, the double-entry ledger, and the order's running money columns:
 * `refund_reserved_minor` (refunds not failed), `refunded_minor` and
 * `refund_count` (refunds succeeded), `disputed_minor` (chargebacks holding
 * or having taken money). A guarded UPDATE on these columns is what keeps
 * concurrent refunds within the captured amount, on both databases.
 */
export function refundsLedgerMigration(dialect: SqlDialect): Migration {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      for (const column of ['refund_reserved_minor', 'refunded_minor', 'refund_count', 'disputed_minor']) {
        await db.schema.alterTable('orders').addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      }
      await db.schema.alterTable('orders').addColumn('delivery_status', 'text').execute();
      // Finds orders cancelled while the channel had not answered (decline code CANCELLED_AWAITING_CHANNEL).
      await db.schema.createIndex('orders_by_state_decline').on('orders').columns(['state', 'decline_code']).execute();
      await db.schema
        .createTable('refunds')
        .addColumn('refund_id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('request_digest', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('remark', 'text')
        .addColumn('notify_url', 'text')
        .addColumn('channel_reference', 'text')
        .addColumn('failure_code', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('completed_at_ms', 'bigint')
        .addUniqueConstraint('refunds_merchant_request_unique', ['merchant_id', 'request_id'])
        .addCheckConstraint('refunds_amount_positive', sql`amount_minor > 0`)
        .execute();
      await db.schema.createIndex('refunds_by_order').on('refunds').column('order_id').execute();
      await db.schema.createIndex('refunds_by_state').on('refunds').columns(['state', 'updated_at_ms']).execute();
      await db.schema
        .createTable('ledger_postings')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('journal_kind', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addCheckConstraint('ledger_postings_amount_positive', sql`amount_minor > 0`)
        .addCheckConstraint('ledger_postings_direction', sql`direction in ('D', 'C')`)
        .execute();
      // A movement is posted once: a second journal for the same cause is refused by the database.
      await db.schema.createIndex('ledger_postings_once').on('ledger_postings').columns(['journal_kind', 'source_id', 'account', 'direction']).unique().execute();
      await db.schema.createIndex('ledger_postings_by_order').on('ledger_postings').column('order_id').execute();
      await db.schema.createIndex('ledger_postings_by_account').on('ledger_postings').columns(['account', 'currency']).execute();
    },
  };
}
