import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, NotificationTable } from './schema.js';
import type { DeliveryAttempt, NotificationOutbox, OutboxNotification } from '../notify/outbox.js';
import type { DialectName } from './database.js';

export interface StoredNotification extends OutboxNotification {
  state: 'pending' | 'delivered' | 'failed';
  payloadJson: string;
  nextAttemptAtMs: number;
  deliveredAtMs: number | null;
  /** Place in its order's notifications (1, 2, 3 … in commit order). */
  orderSeq: number;
}

/** The outbox table read by the dispatcher; rows are written by OrderRepository.transition. */
export class NotificationRepository implements NotificationOutbox {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: DialectName,
  ) {}

  /**
   * Leases up to `limit` due notifications in one statement that also returns
   * them whole (each row is read once). Only the head of each order's queue
   * is due: a notification waits while an earlier one of its order (lower
   * order_seq) is still pending, so an order's notifications go out in commit
   * order. Hosts the dispatcher already holds its share of are left out.
   * On PostgreSQL several nodes claim at once: rows another node holds
   * are skipped, not waited for; SQLite runs one writer at a time.
   */
  async claimDue(nowMs: number, limit: number, leaseMs: number, excludedHosts: readonly string[] = []): Promise<StoredNotification[]> {
    const now = BigInt(nowMs);
    const lock = this.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const notExcluded = excludedHosts.length === 0 ? sql`` : sql`and n.host not in (${sql.join([...excludedHosts])})`;
    const { rows } = await sql<Selectable<NotificationTable>>`
      update notifications set lease_until_ms = ${now + BigInt(leaseMs)}
      where notification_id in (
        select n.notification_id from notifications n
        where n.state = 'pending' and n.next_attempt_at_ms <= ${now} and n.lease_until_ms <= ${now} ${notExcluded}
          and not exists (
            select 1 from notifications p
            where p.order_id = n.order_id and p.order_seq < n.order_seq and p.state = 'pending')
        order by n.next_attempt_at_ms
        limit ${limit}
        ${lock})
      returning *`.execute(this.db);
    return rows.map(toStored).sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs || a.createdAtMs - b.createdAtMs);
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
    const rows = await this.db.selectFrom('notifications').selectAll().where('order_id', '=', orderId).orderBy('order_seq').execute();
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
    orderSeq: Number(r.order_seq),
  };
}
