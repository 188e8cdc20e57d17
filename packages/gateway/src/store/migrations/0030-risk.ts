import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from './dialect.js';

/** Risk control: rule sets, block and allow lists, velocity counter events and the decision of every payment attempt. */
export function riskMigration(dialect: SqlDialect): Migration {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('risk_rule_sets')
        .addColumn('version', 'bigint', (c) => c.primaryKey())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('loaded_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('risk_list_entries')
        .addColumn('entry_id', 'text', (c) => c.primaryKey())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('list', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        // IP ranges as fixed-width hex; byte order ("C") so text order is numeric order on PostgreSQL too.
        .addColumn('range_start', 'text', (c) => (dialect === 'postgres' ? c.modifyEnd(sql`collate "C"`) : c))
        .addColumn('range_end', 'text', (c) => (dialect === 'postgres' ? c.modifyEnd(sql`collate "C"`) : c))
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('expires_at_ms', 'bigint')
        .addUniqueConstraint('risk_list_entries_unique', ['scope', 'list', 'kind', 'value'])
        .execute();
      await db.schema.createIndex('risk_list_entries_by_value').on('risk_list_entries').columns(['kind', 'value']).execute();
      await db.schema.createIndex('risk_list_entries_by_range').on('risk_list_entries').columns(['kind', 'range_start']).execute();
      await db.schema
        .createTable('risk_counter_events')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('counter_key', 'text', (c) => c.notNull())
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('risk_counter_events_by_key').on('risk_counter_events').columns(['counter_key', 'at_ms']).execute();
      await db.schema.createIndex('risk_counter_events_by_time').on('risk_counter_events').column('at_ms').execute();
      await db.schema
        .createTable('risk_attempts')
        .addColumn('attempt_id', 'text', (c) => c.primaryKey())
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('score', 'bigint', (c) => c.notNull())
        .addColumn('fired_json', 'text', (c) => c.notNull())
        .addColumn('rules_version', 'bigint', (c) => c.notNull())
        .addColumn('decision_us', 'bigint', (c) => c.notNull())
        .addColumn('amount_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('card_fingerprint', 'text', (c) => c.notNull())
        .addColumn('card_bin', 'text', (c) => c.notNull())
        .addColumn('card_country', 'text')
        .addColumn('ip', 'text')
        .addColumn('ip_country', 'text')
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('device_id', 'text')
        .addColumn('merchant_user', 'text')
        .addColumn('billing_country', 'text')
        .addColumn('shipping_country', 'text')
        .addColumn('review_status', 'text')
        .addColumn('reviewed_at_ms', 'bigint')
        .addColumn('review_note', 'text')
        .addColumn('outcome_recorded', 'bigint', (c) => c.notNull())
        .addCheckConstraint('risk_attempts_amount_positive', sql`amount_minor > 0`)
        .execute();
      await db.schema.createIndex('risk_attempts_by_order').on('risk_attempts').columns(['order_id', 'at_ms']).execute();
      await db.schema.createIndex('risk_attempts_by_review').on('risk_attempts').columns(['review_status', 'at_ms']).execute();
    },
  };
}
