import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from './dialect.js';

/** Merchants, their certificates, orders with their events, and the notification outbox. */
export function coreMigration(dialect: SqlDialect): Migration {
  // bigserial on PostgreSQL; on SQLite an INTEGER PRIMARY KEY is the auto-assigned rowid.
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('merchants')
        .addColumn('merchant_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('sandbox', 'bigint', (c) => c.notNull())
        .addColumn('allowed_hosts', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('merchant_certificates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
        .addColumn('certificate_pem', 'text', (c) => c.notNull())
        .addColumn('fingerprint_sha256', 'text', (c) => c.notNull())
        .addColumn('not_after_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('retires_at_ms', 'bigint')
        .execute();
      await db.schema.createIndex('merchant_certificates_by_merchant').on('merchant_certificates').column('merchant_id').execute();
      await db.schema
        .createTable('orders')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('request_digest', 'text', (c) => c.notNull())
        .addColumn('product', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('notify_url', 'text', (c) => c.notNull())
        .addColumn('callback_url', 'text', (c) => c.notNull())
        .addColumn('terminal_no', 'text')
        .addColumn('remark', 'text')
        .addColumn('order_type', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .addColumn('client_ip', 'text')
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('completed_at_ms', 'bigint')
        .addColumn('card_brand', 'text')
        .addColumn('card_bin', 'text')
        .addColumn('card_last4', 'text')
        .addColumn('vault_token', 'text')
        .addColumn('channel', 'text')
        .addColumn('channel_reference', 'text')
        .addColumn('decline_code', 'text')
        .addColumn('challenge_attempts', 'bigint', (c) => c.notNull())
        .addColumn('fee_minor', 'bigint', (c) => c.notNull())
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('orders_merchant_request_unique', ['merchant_id', 'request_id'])
        .addCheckConstraint('orders_amount_positive', sql`amount_minor > 0`)
        .execute();
      await db.schema.createIndex('orders_by_state_expiry').on('orders').columns(['state', 'expires_at_ms']).execute();
      await db.schema
        .createTable('order_events')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
        .addColumn('from_state', 'text')
        .addColumn('to_state', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('order_events_by_order').on('order_events').column('order_id').execute();
      await db.schema
        .createTable('notifications')
        .addColumn('notification_id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('sandbox', 'bigint', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempt_count', 'bigint', (c) => c.notNull())
        .addColumn('next_attempt_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('lease_until_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at_ms', 'bigint')
        .execute();
      await db.schema.createIndex('notifications_due').on('notifications').columns(['state', 'next_attempt_at_ms']).execute();
      await db.schema.createIndex('notifications_by_order').on('notifications').column('order_id').execute();
      await db.schema
        .createTable('notification_attempts')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.notification_id'))
        .addColumn('attempt_no', 'bigint', (c) => c.notNull())
        .addColumn('started_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('latency_ms', 'bigint', (c) => c.notNull())
        .addColumn('http_status', 'bigint')
        .addColumn('response_excerpt', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('delivered', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notification_attempts_by_notification').on('notification_attempts').column('notification_id').execute();
    },
  };
}
