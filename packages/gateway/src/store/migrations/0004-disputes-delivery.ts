import { type Kysely, type Migration, sql } from 'kysely';
import type { SqlDialect } from './dialect.js';

/**
 * Dispute cases grow stages, outcomes and a history; merchant answers
 * (evidence, with attachment files kept outside the rows); delivery
 * confirmations; and the merchant's own address for dispute notifications.
 */
export function disputesDeliveryMigration(dialect: SqlDialect): Migration {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('disputes').renameColumn('kind', 'stage').execute();
      await db.schema.alterTable('disputes').addColumn('reason_text', 'text').execute();
      // What the case counts in orders.disputed_minor: its amount while it holds or took money.
      await db.schema.alterTable('disputes').addColumn('held_minor', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('disputes').addColumn('acquirer_reference', 'text').execute();
      await db.schema.alterTable('disputes').addColumn('evidence_submitted_at_ms', 'bigint').execute();
      await db.schema.alterTable('disputes').addColumn('closed_at_ms', 'bigint').execute();
      await db.schema.alterTable('disputes').addColumn('updated_at_ms', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('disputes').addColumn('version', 'bigint', (c) => c.notNull().defaultTo(1)).execute();
      // Cases opened before this migration were open chargebacks that moved no money yet: bring them in line.
      await sql`update disputes set updated_at_ms = opened_at_ms`.execute(db);
      // The deadline job reads open cases by deadline.
      await db.schema.createIndex('disputes_by_status_deadline').on('disputes').columns(['status', 'respond_by_ms']).execute();
      // The same acquirer case reported twice (a file read again) is one case. NULLs never collide.
      await db.schema.createIndex('disputes_acquirer_reference_once').on('disputes').columns(['merchant_id', 'acquirer_reference']).unique().execute();
      await db.schema.createIndex('disputes_by_merchant').on('disputes').columns(['merchant_id', 'opened_at_ms']).execute();
      await db.schema
        .createTable('dispute_events')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.dispute_id'))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text')
        .addColumn('from_stage', 'text')
        .addColumn('from_status', 'text')
        .addColumn('to_stage', 'text', (c) => c.notNull())
        .addColumn('to_status', 'text', (c) => c.notNull())
        .addColumn('note', 'text')
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('dispute_events_by_dispute').on('dispute_events').column('dispute_id').execute();
      await db.schema
        .createTable('dispute_evidence')
        .addColumn('evidence_id', 'text', (c) => c.primaryKey())
        .addColumn('dispute_id', 'text', (c) => c.notNull().references('disputes.dispute_id'))
        .addColumn('stage', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text')
        .addColumn('request_digest', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .addColumn('submitted_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      // An answer sent again under the same number is the same answer, never a second one.
      await db.schema.createIndex('dispute_evidence_request_once').on('dispute_evidence').columns(['dispute_id', 'request_id']).unique().execute();
      await db.schema
        .createTable('dispute_attachments')
        .addColumn('evidence_id', 'text', (c) => c.notNull().references('dispute_evidence.evidence_id'))
        .addColumn('position', 'bigint', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('content_type', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('storage_path', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dispute_attachments_pk', ['evidence_id', 'position'])
        .execute();
      await db.schema
        .createTable('deliveries')
        .addColumn('order_id', 'text', (c) => c.notNull().references('orders.order_id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('logistics_company', 'text', (c) => c.notNull())
        .addColumn('tracking_numbers_json', 'text', (c) => c.notNull())
        .addColumn('event_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('content_digest', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('deliveries_pk', ['order_id', 'status'])
        .addCheckConstraint('deliveries_status', sql`status in ('SHIPPED', 'DELIVERED')`)
        .execute();
      await db.schema.alterTable('merchants').addColumn('dispute_notify_url', 'text').execute();
      // Sandbox orders paid with the chargeback / retrieval magic cards, for the job that opens their cases:
      // a partial index, so the job reads only those orders however many others there are.
      await sql`create index orders_sandbox_dispute_cards on orders (completed_at_ms) where state = 'SUCCESS' and substr(channel_reference, 1, 7) in ('sbx_cb_', 'sbx_rr_')`.execute(db);
    },
  };
}
