import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from './dialect.js';

/**
 * The back office: its users (merchant or operator), their sessions (in the
 * database so any node of a cluster can serve any request), and the audit
 * log of every state-changing action taken there.
 */
export function portalMigration(dialect: SqlDialect): Migration {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('portal_users')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('merchant_id', 'text', (c) => c.references('merchants.merchant_id'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('totp_secret_sealed', 'text')
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('failed_logins', 'bigint', (c) => c.notNull())
        .addColumn('locked_until_ms', 'bigint', (c) => c.notNull())
        .addColumn('must_change_password', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('portal_users_by_merchant').on('portal_users').column('merchant_id').execute();
      await db.schema
        .createTable('portal_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('portal_users.user_id'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('second_factor_pending', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('portal_sessions_by_user').on('portal_sessions').column('user_id').execute();
      await db.schema.createIndex('portal_sessions_by_expiry').on('portal_sessions').column('expires_at_ms').execute();
      await db.schema.createIndex('portal_sessions_by_last_seen').on('portal_sessions').column('last_seen_at_ms').execute();
      await db.schema
        .createTable('portal_audit')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('actor_user_id', 'text')
        .addColumn('actor_email', 'text', (c) => c.notNull())
        .addColumn('merchant_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('before_json', 'text')
        .addColumn('after_json', 'text')
        .addColumn('client_ip', 'text')
        .execute();
      await db.schema.createIndex('portal_audit_by_merchant').on('portal_audit').columns(['merchant_id', 'id']).execute();
      // The searches the portal offers: a merchant's orders newest first, and everyone's by time.
      await db.schema.createIndex('orders_by_merchant_created').on('orders').columns(['merchant_id', 'created_at_ms']).execute();
      await db.schema.createIndex('orders_by_created').on('orders').column('created_at_ms').execute();
      await db.schema.createIndex('notifications_by_state').on('notifications').columns(['state', 'created_at_ms']).execute();
    },
  };
}
