import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, NotificationTable } from './schema.js';
import type { DeliveryAttempt, NotificationOutbox, OutboxNotification } from '../notify/outbox.js';
import type { DialectName } from './database.js';

export interface StoredNotification extends OutboxNotification {
  state: 'pending' | 'delivered' | 'failed';
  payloadJson: string;
  nextAttemptAtMs: number;
  deliveredAtMs: number | null;
  /** The merchant dialect that encodes it and judges the answer. */
  dialect: string;
}

/** The outbox table read by the dispatcher; rows are written by OrderRepository.transition. */
export class NotificationRepository implements NotificationOutbox {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  async claimDue(nowMs: number, limit: number, leaseMs: number): Promise<OutboxNotification[]> {
    const now = BigInt(nowMs);
    return this.db.transaction().execute(async (tx) => {
      let query = tx
        .selectFrom('notifications')
        .select('notification_id')
        .where('state', '=', 'pending')
        .where('next_attempt_at_ms', '<=', now)
        .where('lease_until_ms', '<=', now)
        .orderBy('next_attempt_at_ms')
        .limit(limit);
      // On PostgreSQL several nodes claim at once: rows another node holds are skipped, not waited for.
      // On SQLite the transaction already holds the write lock (BEGIN IMMEDIATE).
      if (this.dialect === 'postgres') query = query.forUpdate().skipLocked();
      const ids = (await query.execute()).map((r) => r.notification_id);
      if (ids.length === 0) return [];
      await tx
        .updateTable('notifications')
        .set({ lease_until_ms: now + BigInt(leaseMs) })
        .where('notification_id', 'in', ids)
        .execute();
      const rows = await tx.selectFrom('notifications').selectAll().where('notification_id', 'in', ids).execute();
      return rows.map(toStored);
    });
  }

  async recordAttempt(attempt: DeliveryAttempt, nextAttemptAtMs: number | null): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('notification_attempts')
        .values({
          notification_id: attempt.notificationId,
          attempt_no: BigInt(attempt.attemptNo),
          started_at_ms: BigInt(attempt.startedAtMs),
          latency_ms: BigInt(Math.round(attempt.latencyMs)),
          http_status: attempt.httpStatus === null ? null : BigInt(attempt.httpStatus),
          response_excerpt: attempt.responseExcerpt,
          error: attempt.error,
          delivered: attempt.delivered ? 1n : 0n,
        })
        .execute();
      const state = attempt.delivered ? 'delivered' : nextAttemptAtMs === null ? 'failed' : 'pending';
      await tx
        .updateTable('notifications')
        .set((eb) => ({
          state,
          attempt_count: eb('attempt_count', '+', 1n),
          next_attempt_at_ms: BigInt(nextAttemptAtMs ?? attempt.startedAtMs),
          lease_until_ms: 0n,
          delivered_at_ms: attempt.delivered ? BigInt(attempt.startedAtMs + Math.round(attempt.latencyMs)) : null,
        }))
        .where('notification_id', '=', attempt.notificationId)
        .execute();
    });
  }

  async find(notificationId: string): Promise<StoredNotification | undefined> {
    const r = await this.db.selectFrom('notifications').selectAll().where('notification_id', '=', notificationId).executeTakeFirst();
    return r ? toStored(r) : undefined;
  }

  async forOrder(orderId: string): Promise<StoredNotification[]> {
    const rows = await this.db.selectFrom('notifications').selectAll().where('order_id', '=', orderId).orderBy('created_at_ms').execute();
    return rows.map(toStored);
  }

  async attempts(notificationId: string): Promise<DeliveryAttempt[]> {
    const rows = await this.db
      .selectFrom('notification_attempts')
      .selectAll()
      .where('notification_id', '=', notificationId)
      .orderBy('attempt_no')
      .execute();
    return rows.map((r) => ({
      notificationId: r.notification_id,
      attemptNo: Number(r.attempt_no),
      startedAtMs: Number(r.started_at_ms),
      latencyMs: Number(r.latency_ms),
      httpStatus: r.http_status === null ? null : Number(r.http_status),
      responseExcerpt: r.response_excerpt,
      error: r.error,
      delivered: Number(r.delivered) === 1,
    }));
  }

  /** Puts a notification back in the queue now (operator resend), whatever its state. */
  async resend(notificationId: string, nowMs: number): Promise<boolean> {
    const r = await this.db
      .updateTable('notifications')
      .set({ state: 'pending', next_attempt_at_ms: BigInt(nowMs), lease_until_ms: 0n })
      .where('notification_id', '=', notificationId)
      .executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }

  async backlog(): Promise<{ pending: number; failed: number }> {
    const rows = await this.db
      .selectFrom('notifications')
      .select(['state', sql<bigint | string | number>`count(*)`.as('n')])
      .where('state', 'in', ['pending', 'failed'])
      .groupBy('state')
      .execute();
    const count = (s: string) => Number(rows.find((r) => r.state === s)?.n ?? 0);
    return { pending: count('pending'), failed: count('failed') };
  }

  /** When the oldest notification still waiting to be delivered was written (the outbox lag starts there); undefined when none waits. */
  async oldestPendingAtMs(): Promise<number | undefined> {
    const row = await this.db.selectFrom('notifications').select((eb) => eb.fn.min('created_at_ms').as('oldest')).where('state', '=', 'pending').executeTakeFirst();
    return row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
  }
}

function toStored(r: Selectable<NotificationTable>): StoredNotification {
  return {
    id: r.notification_id,
    merchantId: r.merchant_id,
    orderId: r.order_id,
    url: r.url,
    sandbox: Number(r.sandbox) === 1,
    attemptCount: Number(r.attempt_count),
    createdAtMs: Number(r.created_at_ms),
    state: r.state,
    payloadJson: r.payload_json,
    nextAttemptAtMs: Number(r.next_attempt_at_ms),
    deliveredAtMs: r.delivered_at_ms === null ? null : Number(r.delivered_at_ms),
    dialect: r.dialect,
  };
}
