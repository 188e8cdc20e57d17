import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from './dialect.js';

/**
 * The merchant side of the back office: the refund approval policy
 * (maker / checker) and the refunds waiting for a second user, and a
 * bounded log of the merchant's recent API calls (no request bodies, so no
 * card data) for the integration page.
 */
export function merchantBackOfficeMigration(dialect: SqlDialect): Migration {
  const autoId = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('portal_refund_policies')
        .addColumn('merchant_id', 'text', (c) => c.primaryKey().references('merchants.merchant_id'))
        // off | above | all
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('threshold_minor', 'bigint')
        .addColumn('threshold_currency', 'text')
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('portal_refund_approvals')
        .addColumn('approval_id', 'text', (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull().references('merchants.merchant_id'))
        .addColumn('order_id', 'text', (c) => c.notNull())
        .addColumn('request_id', 'text', (c) => c.notNull())
        .addColumn('request_digest', 'text', (c) => c.notNull())
        // null: everything still refundable when approved
        .addColumn('amount_minor', 'bigint')
        .addColumn('estimated_minor', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('remark', 'text')
        .addColumn('requested_by_user_id', 'text', (c) => c.notNull())
        .addColumn('requested_by_email', 'text', (c) => c.notNull())
        // PENDING | APPROVED | REJECTED
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('decided_by_user_id', 'text')
        .addColumn('decided_by_email', 'text')
        .addColumn('decided_at_ms', 'bigint')
        .addColumn('decision_note', 'text')
        .addColumn('refund_id', 'text')
        .addColumn('refund_state', 'text')
        .addColumn('failure_code', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('portal_refund_approvals_request', ['merchant_id', 'request_id'])
        .execute();
      await db.schema.createIndex('portal_refund_approvals_by_state').on('portal_refund_approvals').columns(['merchant_id', 'state', 'created_at_ms']).execute();
      await db.schema
        .createTable('merchant_request_log')
        .addColumn('id', autoId, (c) => c.primaryKey())
        .addColumn('merchant_id', 'text', (c) => c.notNull())
        .addColumn('at_ms', 'bigint', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('http_status', 'bigint', (c) => c.notNull())
        .addColumn('result_code', 'text')
        .addColumn('elapsed_ms', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('merchant_request_log_by_merchant').on('merchant_request_log').columns(['merchant_id', 'id']).execute();
    },
  };
}
