import { Readable } from 'node:stream';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { NotificationRepository } from '../store/notification-repository.js';
import type { RefundService } from '../orders/refund-service.js';
import type { AccountService } from './account-service.js';
import { portalRefund } from './portal-refund.js';
import { runBatchRefunds } from './batch-refunds.js';
import { csvLine } from './csv.js';
import type { LiveStreams } from './live-stream.js';
import { orderDetail, type OrderDetailDeps } from './order-detail.js';
import { parseOrderFilter, parsePage, type OrderFilter, type OrderSearch } from './order-search.js';
import { portalError } from './portal-error.js';
import type { PortalContext, PortalRoute } from './route-table.js';
import { bodyOf, optionalText, paramOf, queryOf, requiredText } from './request-fields.js';
import { BATCH_REFUND_CSV_CHARS_MAX, EXPORT_CHUNK_ROWS, EXPORT_ROWS_MAX } from './limits.js';

export interface OrderRoutesDeps extends OrderDetailDeps {
  accounts: AccountService;
  search: OrderSearch;
  streams: LiveStreams;
  merchants: MerchantRepository;
  notifications: NotificationRepository;
  refunds: RefundService;
  clock: () => number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `from` for the dashboard: the viewer's local midnight, sent by the browser; the last 24 hours otherwise. */
function sinceOf(q: Record<string, string | undefined>, nowMs: number): number {
  const from = q.from;
  if (from === undefined) return nowMs - DAY_MS;
  if (!/^\d{1,15}$/.test(from)) throw portalError('FIELD_INVALID', { field: 'from', reason: 'milliseconds since 1970' });
  return Number(from);
}

/** Streams matching orders as CSV, fetching a chunk at a time on the search's own cursor. */
function exportCsv(search: OrderSearch, filter: OrderFilter): Readable {
  async function* lines() {
    yield csvLine(['serialNumber', 'merchantId', 'requestId', 'status', 'currency', 'amountMinor', 'amount', 'refundedMinor', 'cardBrand', 'cardLast4', 'declineCode', 'createdAt', 'completedAt']);
    let after: { createdAtMs: number; orderId: string } | undefined;
    let written = 0;
    while (written < EXPORT_ROWS_MAX) {
      const page = await search.page(filter, { limit: EXPORT_CHUNK_ROWS, ...(after ? { after } : {}) });
      for (const r of page.rows) {
        yield csvLine([r.orderId, r.merchantId, r.requestId, r.state, r.currency, r.amountMinor, r.amount, r.refundedMinor, r.cardBrand, r.cardLast4, r.declineCode, new Date(r.createdAtMs).toISOString(), r.completedAtMs === null ? null : new Date(r.completedAtMs).toISOString()]);
      }
      written += page.rows.length;
      const last = page.rows.at(-1);
      if (!page.next || !last) return;
      after = { createdAtMs: last.createdAtMs, orderId: last.orderId };
    }
  }
  return Readable.from(lines());
}

/** Puts a notification back in the outbox now, if it is the caller's to resend; audited. */
async function resend(deps: OrderRoutesDeps, ctx: PortalContext, notificationId: string): Promise<{ ok: true }> {
  const n = await deps.notifications.find(notificationId);
  if (!n || (ctx.merchantId !== null && n.merchantId !== ctx.merchantId)) throw portalError('NOTIFICATION_NOT_FOUND');
  const now = deps.clock();
  await deps.notifications.resend(n.id, now);
  await deps.accounts.audit.record(ctx.actor, { merchantId: n.merchantId, action: 'notification.resend', target: n.id, before: { state: n.state, attemptCount: n.attemptCount }, after: { state: 'pending' } }, now);
  return { ok: true };
}

/**
 * Routes that read orders and act on them, for both consoles: `/m/…`
 * scoped to the merchant user's own merchant, `/o/…` across merchants for
 * operators.
 */
export function orderRoutes(deps: OrderRoutesDeps): PortalRoute[] {
  const scoped = (ctx: PortalContext, filter: OrderFilter): OrderFilter => {
    if (ctx.merchantId !== null) return { ...filter, merchantId: ctx.merchantId };
    return filter;
  };
  const shared = (prefix: '/m' | '/o', view: 'merchant.view' | 'operator.view', exportPermission: 'merchant.export' | 'operator.view', resendPermission: 'merchant.resend' | 'operator.resend'): PortalRoute[] => [
    {
      method: 'GET',
      url: `${prefix}/dashboard`,
      permission: view,
      handler: async (ctx, request) => {
        const since = sinceOf(queryOf(request), deps.clock());
        return { sinceMs: since, byCurrency: await deps.search.summary(ctx.merchantId ?? undefined, since) };
      },
    },
    {
      method: 'GET',
      url: `${prefix}/orders`,
      permission: view,
      handler: async (ctx, request) => {
        const q = queryOf(request);
        const result = await deps.search.page(scoped(ctx, parseOrderFilter(q)), parsePage(q));
        return { orders: result.rows, next: result.next };
      },
    },
    {
      method: 'GET',
      url: `${prefix}/orders.csv`,
      permission: exportPermission,
      handler: async (ctx, request, reply) => {
        const filter = scoped(ctx, parseOrderFilter(queryOf(request)));
        await deps.accounts.audit.record(ctx.actor, { merchantId: ctx.merchantId, action: 'orders.export', target: 'orders', after: filter }, deps.clock());
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="orders-${new Date(deps.clock()).toISOString().slice(0, 10)}.csv"`);
        reply.header('cache-control', 'no-store');
        return reply.send(exportCsv(deps.search, filter));
      },
    },
    {
      method: 'GET',
      url: `${prefix}/orders/:orderId`,
      permission: view,
      handler: async (ctx, request) => orderDetail(deps, paramOf(request, 'orderId'), ctx.merchantId),
    },
    {
      method: 'POST',
      url: `${prefix}/notifications/:notificationId/resend`,
      permission: resendPermission,
      handler: async (ctx, request) => resend(deps, ctx, paramOf(request, 'notificationId')),
    },
    {
      method: 'GET',
      url: `${prefix}/monitor`,
      permission: view,
      handler: async (ctx, request, reply) => deps.streams.serve(request, reply, ctx.merchantId),
    },
  ];
  return [
    ...shared('/m', 'merchant.view', 'merchant.export', 'merchant.resend'),
    ...shared('/o', 'operator.view', 'operator.view', 'operator.resend'),
    {
      method: 'POST',
      url: '/m/orders/:orderId/refunds',
      permission: 'merchant.refund',
      handler: async (ctx, request) => {
        const merchant = await deps.merchants.find(ctx.merchantId ?? '');
        if (!merchant) throw portalError('ORDER_NOT_FOUND');
        const body = bodyOf(request);
        const orderId = paramOf(request, 'orderId');
        return portalRefund({ ...deps, audit: deps.accounts.audit }, ctx.actor, merchant, {
          orderId,
          requestId: requiredText(body, 'requestId', 64),
          amountText: optionalText(body, 'amountMinor', 18),
          remark: optionalText(body, 'remark', 256) ?? null,
        });
      },
    },
    {
      method: 'POST',
      url: '/m/refunds/batch',
      permission: 'merchant.refund',
      handler: async (ctx, request) => {
        const merchant = await deps.merchants.find(ctx.merchantId ?? '');
        if (!merchant) throw portalError('ORDER_NOT_FOUND');
        const csv = requiredText(bodyOf(request), 'csv', BATCH_REFUND_CSV_CHARS_MAX);
        const rows = await runBatchRefunds({ ...deps, audit: deps.accounts.audit }, ctx.actor, merchant, csv);
        const count = (outcome: string) => rows.filter((r) => r.outcome === outcome).length;
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'refund.batch', target: `${rows.length} rows`, after: { created: count('created'), replayed: count('replayed'), refused: count('refused'), ...(count('pending') > 0 ? { pending: count('pending') } : {}) } }, deps.clock());
        return { rows };
      },
    },
    {
      method: 'GET',
      url: '/o/merchants',
      permission: 'operator.view',
      handler: async () => ({
        merchants: (await deps.merchants.list()).map((m) => ({ merchantId: m.merchantId, name: m.name, status: m.status, sandbox: m.sandbox, allowedHosts: m.allowedHosts, createdAtMs: m.createdAtMs })),
      }),
    },
    {
      method: 'GET',
      url: '/o/notifications/backlog',
      permission: 'operator.view',
      handler: async () => {
        const rows = await deps.db
          .selectFrom('notifications')
          .select(['notification_id', 'merchant_id', 'order_id', 'url', 'state', 'attempt_count', 'next_attempt_at_ms', 'created_at_ms'])
          .where('state', 'in', ['pending', 'failed'])
          .orderBy('created_at_ms')
          .limit(200)
          .execute();
        return {
          counts: await deps.notifications.backlog(),
          notifications: rows.map((r) => ({
            notificationId: r.notification_id,
            merchantId: r.merchant_id,
            orderId: r.order_id,
            url: r.url,
            state: r.state,
            attemptCount: Number(r.attempt_count),
            nextAttemptAtMs: Number(r.next_attempt_at_ms),
            createdAtMs: Number(r.created_at_ms),
          })),
        };
      },
    },
  ];
}
