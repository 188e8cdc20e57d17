import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from './dialect.js';

/**
 * Cross-border money: every FX rate the gateway quoted or applied (with its
 * source and time, locked quotes and their tokens among them), per-merchant
 * pricing (FX markup, fee plans), foreign-exchange purchase orders and their
 * proof files, and settlement batches with their lines.
 */
export function crossBorderMigration(dialect: SqlDialect): Migration {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('fx_quotes')
        .addColumn('quote_id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
        .addColumn('purpose', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('token', 'text', (c) => c.unique())
        .addColumn('order_id', 'text')
        .addColumn('base_currency', 'text', (c) => c.notNull())
        .addColumn('quote_currency', 'text', (c) => c.notNull())
        .addColumn('side', 'text', (c) => c.notNull())
        .addColumn('market_rate', 'text', (c) => c.notNull())
        .addColumn('markup_bps', 'bigint', (c) => c.notNull())
        .addColumn('rate', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('rate_as_of_ms', 'bigint', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint')
        .addColumn('converted_minor', 'bigint')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint')
        .addColumn('used_at_ms', 'bigint')
        .addColumn('used_by_request_id', 'text')
        .addUniqueConstraint('fx_quotes_merchant_purpose_request', ['merchant_id', 'purpose', 'request_id'])
        .execute();
      await db.schema.createIndex('fx_quotes_by_order').on('fx_quotes').columns(['order_id', 'purpose']).execute();

      await db.schema
        .createTable('merchant_pricing')
        .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.merchant_id'))
        .addColumn('fx_markup_bps', 'bigint', (c) => c.notNull())
        .addColumn('settlement_delay_days', 'bigint')
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('fee_plans')
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('percent_bps', 'bigint', (c) => c.notNull())
        .addColumn('fixed_minor', 'bigint', (c) => c.notNull())
        .addColumn('minimum_minor', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('fee_plans_pk', ['merchant_id', 'method', 'currency'])
        .addCheckConstraint('fee_plans_non_negative', sql`percent_bps >= 0 and fixed_minor >= 0 and minimum_minor >= 0`)
        .execute();

      await db.schema
        .createTable('fx_orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey().references('orders.order_id'))
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('order_amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('order_currency', 'text', (c) => c.notNull())
        .addColumn('fx_amount_minor', 'bigint')
        .addColumn('fx_currency', 'text', (c) => c.notNull())
        .addColumn('for_use', 'text', (c) => c.notNull())
        .addColumn('declaration_json', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text')
        .addColumn('need_review', 'bigint', (c) => c.notNull())
        .addColumn('review_status', 'text')
        .addColumn('review_remark', 'text')
        .addColumn('purchase_status', 'text', (c) => c.notNull())
        .addColumn('purchase_rate', 'text')
        .addColumn('purchased_minor', 'bigint')
        .addColumn('deduction_minor', 'bigint')
        .addColumn('purchase_reference', 'text')
        .addColumn('purchase_completed_at_ms', 'bigint')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('fx_orders_by_purchase').on('fx_orders').columns(['purchase_status', 'updated_at_ms']).execute();
      await db.schema.createIndex('fx_orders_by_file').on('fx_orders').columns(['merchant_id', 'file_name']).execute();

      await db.schema
        .createTable('settlement_batches')
        .addColumn('batch_id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
        .addColumn('business_date', 'text', (c) => c.notNull())
        .addColumn('settle_date', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('captured_minor', 'bigint', (c) => c.notNull())
        .addColumn('refunded_minor', 'bigint', (c) => c.notNull())
        .addColumn('chargeback_minor', 'bigint', (c) => c.notNull())
        .addColumn('fee_minor', 'bigint', (c) => c.notNull())
        .addColumn('net_minor', 'bigint', (c) => c.notNull())
        .addColumn('line_count', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('settlement_batches_once', ['merchant_id', 'business_date'])
        .execute();
      await db.schema
        .createTable('settlement_lines')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('batch_id', 'text', (c) => c.notNull().references('settlement_batches.batch_id'))
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('journal_kind', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('rate', 'text', (c) => c.notNull())
        .addColumn('cny_minor', 'bigint', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('settlement_lines_by_batch').on('settlement_lines').column('batch_id').execute();
      // Reconciliation files read a merchant's completed payments and refunds by time, page by page.
      await db.schema.createIndex('orders_by_merchant_completed').on('orders').columns(['merchant_id', 'completed_at_ms', 'order_id']).execute();
      await db.schema.createIndex('refunds_by_merchant_completed').on('refunds').columns(['merchant_id', 'completed_at_ms', 'refund_id']).execute();
      // Reconciliation and settlement read a merchant's postings by time.
      await db.schema.createIndex('ledger_postings_by_account_time').on('ledger_postings').columns(['account', 'at_ms']).execute();
    },
  };
}
