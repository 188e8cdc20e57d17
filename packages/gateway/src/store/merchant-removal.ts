import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Tables that hold only a merchant's set-up — what `merchant create`, the
 * back office or the admin API configure before any money moves. A merchant
 * with nothing but these can be removed; anything else (orders, refunds,
 * settlements, audit entries) keeps it, through the foreign keys, and the
 * removal is rolled back whole.
 */
const SET_UP_TABLES = ['merchant_certificates', 'merchant_secrets', 'merchant_payment_methods', 'merchant_pricing', 'fee_plans', 'portal_refund_policies', 'merchant_request_log', 'fx_quotes'] as const;

export type MerchantRemoval = { removed: true } | { removed: false; reason: 'not-found' | 'has-orders' | 'has-records' };

/**
 * Removes a merchant that never took an order, with its set-up, in one
 * transaction. Its back-office users and their sessions go with it.
 */
export async function removeMerchantWithoutOrders(db: Kysely<Database>, merchantId: string): Promise<MerchantRemoval> {
  try {
    return await db.transaction().execute(async (tx) => {
      if (!(await tx.selectFrom('merchants').select('merchant_id').where('merchant_id', '=', merchantId).executeTakeFirst())) return { removed: false, reason: 'not-found' } as const;
      if (await tx.selectFrom('orders').select('order_id').where('merchant_id', '=', merchantId).limit(1).executeTakeFirst()) return { removed: false, reason: 'has-orders' } as const;
      for (const table of SET_UP_TABLES) await tx.deleteFrom(table).where('merchant_id', '=', merchantId).execute();
      const users = tx.selectFrom('portal_users').select('user_id').where('merchant_id', '=', merchantId);
      await tx.deleteFrom('portal_sessions').where('user_id', 'in', users).execute();
      await tx.deleteFrom('portal_users').where('merchant_id', '=', merchantId).execute();
      await tx.deleteFrom('merchants').where('merchant_id', '=', merchantId).execute();
      return { removed: true } as const;
    });
  } catch (error) {
    // A foreign key from a record that is not set-up (an audit entry, a settlement): the merchant stays, unchanged.
    const code = (error as { code?: unknown }).code;
    if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { removed: false, reason: 'has-records' };
    throw error;
  }
}
