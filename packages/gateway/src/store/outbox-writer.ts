import { sql, type Transaction } from 'kysely';
import { notificationHost } from '../notify/outbox.js';
import type { Database } from './schema.js';

/** A notification to commit together with the state change that causes it (transactional outbox). */
export interface OutboxEntry {
  notificationId: string;
  url: string;
  sandbox: boolean;
  payloadJson: string;
  /** The merchant dialect that encodes it and judges the answer (see protocols/dialect-registry.ts); PayEase when absent. */
  dialect?: string;
}

/**
 * Writes a notification inside the caller's transaction: it exists exactly
 * when the change that caused it committed, and the dispatcher sends it
 * from then on. Its `order_seq` is one past the order's last notification:
 * the caller's transaction changed the order's state, so it holds that
 * order's row and the sequence follows commit order.
 */
export async function writeOutbox(tx: Transaction<Database>, n: OutboxEntry, at: { merchantId: string; orderId: string; nowMs: number }): Promise<void> {
  await tx
    .insertInto('notifications')
    .values({
      notification_id: n.notificationId,
      merchant_id: at.merchantId,
      order_id: at.orderId,
      url: n.url,
      host: notificationHost(n.url),
      sandbox: n.sandbox ? 1n : 0n,
      payload_json: n.payloadJson,
      state: 'pending',
      attempt_count: 0n,
      next_attempt_at_ms: BigInt(at.nowMs),
      lease_until_ms: 0n,
      created_at_ms: BigInt(at.nowMs),
      delivered_at_ms: null,
      order_seq: sql<bigint>`(select coalesce(max(p.order_seq), 0) + 1 from notifications p where p.order_id = ${at.orderId})`,
      ...(n.dialect ? { dialect: n.dialect } : {}),
    })
    .execute();
}
