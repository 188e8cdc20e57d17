import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import { display } from './order-search.js';
import { portalError } from './portal-error.js';
import { merchantOf } from './refund-approval-routes.js';
import type { PortalRoute } from './route-table.js';
import { queryOf } from './request-fields.js';

export interface DashboardSeriesDeps {
  db: Kysely<Database>;
  merchants: MerchantRepository;
  clock: () => number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The widest charts: two days by the hour, ninety days by the day. */
const BUCKETS_MAX: Record<'hour' | 'day', number> = { hour: 48, day: 90 };

export interface SeriesPoint {
  startMs: number;
  orders: number;
  succeeded: number;
  failed: number;
  /** Paid volume per currency, minor units as strings. */
  volumeMinor: Record<string, string>;
  volume: Record<string, string>;
}

/**
 * Orders over time for the dashboard's charts: per hour or per day from
 * `from` (the viewer's local midnight or hour, sent by the browser, so the
 * buckets follow the viewer's clock), counted in the database.
 */
export async function dashboardSeries(db: Kysely<Database>, merchantId: string, fromMs: number, bucketMs: number, buckets: number): Promise<SeriesPoint[]> {
  const toMs = fromMs + bucketMs * buckets;
  // Literals, not parameters: PostgreSQL matches the GROUP BY expression to the selected one only when they are the
  // same text, and two parameters are two different texts. Both are integers checked by the route.
  if (!Number.isSafeInteger(fromMs) || !Number.isSafeInteger(bucketMs)) throw new Error('bucket bounds must be integers');
  const bucket = sql<bigint | number | string>`(created_at_ms - ${sql.lit(fromMs)}) / ${sql.lit(bucketMs)}`;
  const rows = await db
    .selectFrom('orders')
    .select([
      bucket.as('bucket'),
      'currency',
      sql<bigint | number | string>`count(*)`.as('orders'),
      sql<bigint | number | string>`sum(case when state = 'SUCCESS' then 1 else 0 end)`.as('succeeded'),
      sql<bigint | number | string>`sum(case when state = 'FAILED' then 1 else 0 end)`.as('failed'),
      sql<bigint | number | string | null>`sum(case when state = 'SUCCESS' then amount_minor else 0 end)`.as('volume'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('created_at_ms', '>=', BigInt(fromMs))
    .where('created_at_ms', '<', BigInt(toMs))
    .groupBy([bucket, 'currency'])
    .execute();
  const points: SeriesPoint[] = Array.from({ length: buckets }, (_, i) => ({ startMs: fromMs + i * bucketMs, orders: 0, succeeded: 0, failed: 0, volumeMinor: {}, volume: {} }));
  for (const r of rows) {
    const p = points[Number(r.bucket)];
    if (!p) continue;
    p.orders += Number(r.orders);
    p.succeeded += Number(r.succeeded);
    p.failed += Number(r.failed);
    const volume = BigInt(r.volume ?? 0);
    if (volume > 0n) {
      p.volumeMinor[r.currency] = volume.toString();
      p.volume[r.currency] = display(volume, r.currency);
    }
  }
  return points;
}

/** Today's figures per payment method (the channel that took the order) and currency. */
export async function methodSummary(db: Kysely<Database>, merchantId: string, fromMs: number) {
  const rows = await db
    .selectFrom('orders')
    .select([
      'channel',
      'currency',
      sql<bigint | number | string>`count(*)`.as('orders'),
      sql<bigint | number | string>`sum(case when state = 'SUCCESS' then 1 else 0 end)`.as('succeeded'),
      sql<bigint | number | string>`sum(case when state = 'FAILED' then 1 else 0 end)`.as('failed'),
      sql<bigint | number | string | null>`sum(case when state = 'SUCCESS' then amount_minor else 0 end)`.as('volume'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('created_at_ms', '>=', BigInt(fromMs))
    .groupBy(['channel', 'currency'])
    .orderBy('channel')
    .orderBy('currency')
    .execute();
  return rows.map((r) => {
    const succeeded = Number(r.succeeded);
    const failed = Number(r.failed);
    const volume = BigInt(r.volume ?? 0);
    return {
      // No channel yet: the payer has not chosen how to pay.
      method: r.channel ?? 'none',
      currency: r.currency,
      orders: Number(r.orders),
      succeeded,
      failed,
      volumeMinor: volume.toString(),
      volume: display(volume, r.currency),
      successRate: succeeded + failed === 0 ? '—' : `${((succeeded * 1000) / (succeeded + failed) / 10).toFixed(1)}%`,
    };
  });
}

export function dashboardSeriesRoutes(deps: DashboardSeriesDeps): PortalRoute[] {
  return [
    {
      method: 'GET',
      url: '/m/dashboard/methods',
      permission: 'merchant.view',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const from = queryOf(request).from;
        if (from !== undefined && !/^\d{1,15}$/.test(from)) throw portalError('FIELD_INVALID', { field: 'from', reason: 'milliseconds since 1970' });
        const fromMs = from === undefined ? deps.clock() - DAY_MS : Number(from);
        return { sinceMs: fromMs, byMethod: await methodSummary(deps.db, merchant.merchantId, fromMs) };
      },
    },
    {
      method: 'GET',
      url: '/m/dashboard/series',
      permission: 'merchant.view',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const q = queryOf(request);
        const unit = q.bucket ?? 'hour';
        if (unit !== 'hour' && unit !== 'day') throw portalError('FIELD_INVALID', { field: 'bucket', reason: 'hour or day' });
        const buckets = q.buckets === undefined ? 24 : Number(q.buckets);
        if (!Number.isInteger(buckets) || buckets < 1 || buckets > BUCKETS_MAX[unit]) throw portalError('FIELD_INVALID', { field: 'buckets', reason: `1 to ${BUCKETS_MAX[unit]}` });
        const bucketMs = unit === 'hour' ? HOUR_MS : DAY_MS;
        const from = q.from;
        if (from !== undefined && !/^\d{1,15}$/.test(from)) throw portalError('FIELD_INVALID', { field: 'from', reason: 'milliseconds since 1970' });
        // By default the buckets end with the current one.
        const fromMs = from === undefined ? Math.floor(deps.clock() / bucketMs) * bucketMs - (buckets - 1) * bucketMs : Number(from);
        return { bucket: unit, bucketMs, points: await dashboardSeries(deps.db, merchant.merchantId, fromMs, bucketMs, buckets) };
      },
    },
  ];
}
