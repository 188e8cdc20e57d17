import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { LedgerRepository } from '../store/ledger-repository.js';
import type { NotificationRepository } from '../store/notification-repository.js';
import type { RefundService } from '../orders/refund-service.js';
import { portalError } from './portal-error.js';
import { display, orderRow, type OrderRow } from './order-search.js';

export interface OrderDetailDeps {
  db: Kysely<Database>;
  orders: OrderRepository;
  ledger: LedgerRepository;
  refunds: RefundService;
  notifications: NotificationRepository;
}

/**
 * Everything the order page shows: the order, its timeline of state
 * changes, ledger postings, refunds, and each notification with every
 * delivery attempt. `merchantId` set: another merchant's order answers
 * exactly like a missing one.
 */
export async function orderDetail(deps: OrderDetailDeps, orderId: string, merchantId: string | null): Promise<{
  order: OrderRow & { callbackUrl: string; notifyUrl: string; channel: string | null; cardBin: string | null; remark: string | null };
  timeline: { from: string | null; to: string; reason: string; atMs: number }[];
  postings: { journalKind: string; account: string; direction: string; amountMinor: string; amount: string; currency: string; atMs: number }[];
  refunds: { refundId: string; requestId: string; state: string; amountMinor: string; amount: string; currency: string; failureCode: string | null; createdAtMs: number; completedAtMs: number | null }[];
  notifications: { notificationId: string; url: string; state: string; attemptCount: number; createdAtMs: number; deliveredAtMs: number | null; attempts: { attemptNo: number; startedAtMs: number; latencyMs: number; httpStatus: number | null; responseExcerpt: string; error: string | null; delivered: boolean }[] }[];
}> {
  let q = deps.db.selectFrom('orders').selectAll().where('order_id', '=', orderId);
  if (merchantId !== null) q = q.where('merchant_id', '=', merchantId);
  const row = await q.executeTakeFirst();
  if (!row) throw portalError('ORDER_NOT_FOUND');
  const [timeline, postings, refunds, notifications] = await Promise.all([
    deps.orders.events(orderId),
    deps.ledger.forOrder(orderId),
    deps.refunds.forOrder(orderId),
    deps.notifications.forOrder(orderId),
  ]);
  return {
    order: { ...orderRow(row), callbackUrl: row.callback_url, notifyUrl: row.notify_url, channel: row.channel, cardBin: row.card_bin, remark: row.remark },
    timeline,
    postings: postings.map((p) => ({ journalKind: p.journalKind, account: p.account, direction: p.direction, amountMinor: p.amountMinor.toString(), amount: display(p.amountMinor, p.currency), currency: p.currency, atMs: p.atMs })),
    refunds: refunds.map((r) => ({
      refundId: r.refundId,
      requestId: r.requestId,
      state: r.state,
      amountMinor: r.amountMinor.toString(),
      amount: display(r.amountMinor, r.currency),
      currency: r.currency,
      failureCode: r.failureCode,
      createdAtMs: r.createdAtMs,
      completedAtMs: r.completedAtMs,
    })),
    notifications: await Promise.all(
      notifications.map(async (n) => ({
        notificationId: n.id,
        url: n.url,
        state: n.state,
        attemptCount: n.attemptCount,
        createdAtMs: n.createdAtMs,
        deliveredAtMs: n.deliveredAtMs,
        attempts: (await deps.notifications.attempts(n.id)).map((a) => ({
          attemptNo: a.attemptNo,
          startedAtMs: a.startedAtMs,
          latencyMs: a.latencyMs,
          httpStatus: a.httpStatus,
          responseExcerpt: a.responseExcerpt,
          error: a.error,
          delivered: a.delivered,
        })),
      })),
    ),
  };
}
