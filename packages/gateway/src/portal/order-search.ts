import { refundableMinor } from '../domain/refund.js';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, OrderTable } from '../store/schema.js';
import { ORDER_STATES } from '../domain/order-state.js';
import { findCurrency } from '../domain/currencies.js';
import { formatMinor } from '../domain/money.js';
import { portalError } from './portal-error.js';
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from './limits.js';

/** The filters of the orders page; every one optional. */
export interface OrderFilter {
  merchantId?: string;
  requestId?: string;
  orderId?: string;
  fromMs?: number;
  toMs?: number;
  state?: string;
  currency?: string;
  amountMinor?: bigint;
  cardLast4?: string;
}

/** Newest first; the cursor is the last row's (createdAtMs, orderId), so pages never shift under new orders. */
export interface PageRequest {
  limit: number;
  after?: { createdAtMs: number; orderId: string };
}

/** An order as the back office shows it: amounts as exact strings, plus a display form from the currency's exponent. */
export interface OrderRow {
  orderId: string;
  merchantId: string;
  requestId: string;
  state: string;
  amountMinor: string;
  amount: string;
  currency: string;
  refundedMinor: string;
  refundable: string;
  cardBrand: string | null;
  cardLast4: string | null;
  declineCode: string | null;
  createdAtMs: number;
  completedAtMs: number | null;
}

export function display(amountMinor: bigint, currencyCode: string): string {
  const c = findCurrency(currencyCode);
  return formatMinor(amountMinor, c?.exponent ?? 2);
}

export function orderRow(r: Selectable<OrderTable>): OrderRow {
  const amount = BigInt(r.amount_minor);
  const refundable = refundableMinor({ amountMinor: amount, refundReservedMinor: BigInt(r.refund_reserved_minor), disputedMinor: BigInt(r.disputed_minor) });
  return {
    orderId: r.order_id,
    merchantId: r.merchant_id,
    requestId: r.request_id,
    state: r.state,
    amountMinor: amount.toString(),
    amount: display(amount, r.currency),
    currency: r.currency,
    refundedMinor: BigInt(r.refunded_minor).toString(),
    refundable: r.state === 'SUCCESS' ? refundable.toString() : '0',
    cardBrand: r.card_brand,
    cardLast4: r.card_last4,
    declineCode: r.decline_code,
    createdAtMs: Number(r.created_at_ms),
    completedAtMs: r.completed_at_ms === null ? null : Number(r.completed_at_ms),
  };
}

/** Reads the filter from query-string values; a bad value is refused with the field named, not ignored. */
export function parseOrderFilter(q: Record<string, string | undefined>): OrderFilter {
  const f: OrderFilter = {};
  const text = (name: string, max: number) => {
    const v = q[name]?.trim();
    if (!v) return undefined;
    if (v.length > max) throw portalError('FIELD_INVALID', { field: name, reason: `at most ${max} characters` });
    return v;
  };
  const ms = (name: string) => {
    const v = text(name, 20);
    if (v === undefined) return undefined;
    if (!/^\d{1,15}$/.test(v)) throw portalError('FIELD_INVALID', { field: name, reason: 'milliseconds since 1970' });
    return Number(v);
  };
  const requestId = text('requestId', 64);
  if (requestId) f.requestId = requestId;
  const orderId = text('serialNumber', 64);
  if (orderId) f.orderId = orderId;
  const from = ms('from');
  if (from !== undefined) f.fromMs = from;
  const to = ms('to');
  if (to !== undefined) f.toMs = to;
  const state = text('status', 16);
  if (state) {
    if (!(ORDER_STATES as readonly string[]).includes(state)) throw portalError('FIELD_INVALID', { field: 'status', reason: `one of ${ORDER_STATES.join(', ')}` });
    f.state = state;
  }
  const currency = text('currency', 3);
  if (currency) {
    if (!findCurrency(currency.toUpperCase())) throw portalError('CURRENCY_UNSUPPORTED', { currency });
    f.currency = currency.toUpperCase();
  }
  const amount = text('amountMinor', 18);
  if (amount) {
    if (!/^\d{1,18}$/.test(amount)) throw portalError('AMOUNT_INVALID', { field: 'amountMinor' });
    f.amountMinor = BigInt(amount);
  }
  const last4 = text('cardLast4', 4);
  if (last4) {
    if (!/^\d{4}$/.test(last4)) throw portalError('FIELD_INVALID', { field: 'cardLast4', reason: 'four digits' });
    f.cardLast4 = last4;
  }
  const merchantId = text('merchantId', 64);
  if (merchantId) f.merchantId = merchantId;
  return f;
}

export function parsePage(q: Record<string, string | undefined>): PageRequest {
  const limitText = q.limit ?? String(PAGE_SIZE_DEFAULT);
  if (!/^\d{1,3}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > PAGE_SIZE_MAX) {
    throw portalError('FIELD_INVALID', { field: 'limit', reason: `1 to ${PAGE_SIZE_MAX}` });
  }
  const page: PageRequest = { limit: Number(limitText) };
  if (q.after) {
    const m = /^(\d{1,15})\.([A-Za-z0-9_-]{1,64})$/.exec(q.after);
    if (!m) throw portalError('FIELD_INVALID', { field: 'after', reason: 'a cursor from a previous page' });
    page.after = { createdAtMs: Number(m[1]), orderId: m[2]! };
  }
  return page;
}

export function cursorOf(row: OrderRow): string {
  return `${row.createdAtMs}.${row.orderId}`;
}

/** Order searches and the dashboard's figures, for one merchant or (operators) all. */
export class OrderSearch {
  constructor(private readonly db: Kysely<Database>) {}

  async page(filter: OrderFilter, page: PageRequest): Promise<{ rows: OrderRow[]; next: string | null }> {
    let q = this.db.selectFrom('orders').selectAll();
    if (filter.merchantId) q = q.where('merchant_id', '=', filter.merchantId);
    if (filter.requestId) q = q.where('request_id', '=', filter.requestId);
    if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
    if (filter.fromMs !== undefined) q = q.where('created_at_ms', '>=', BigInt(filter.fromMs));
    if (filter.toMs !== undefined) q = q.where('created_at_ms', '<', BigInt(filter.toMs));
    if (filter.state) q = q.where('state', '=', filter.state);
    if (filter.currency) q = q.where('currency', '=', filter.currency);
    if (filter.amountMinor !== undefined) q = q.where('amount_minor', '=', filter.amountMinor);
    if (filter.cardLast4) q = q.where('card_last4', '=', filter.cardLast4);
    if (page.after) {
      const { createdAtMs, orderId } = page.after;
      q = q.where((eb) =>
        eb.or([eb('created_at_ms', '<', BigInt(createdAtMs)), eb.and([eb('created_at_ms', '=', BigInt(createdAtMs)), eb('order_id', '<', orderId)])]),
      );
    }
    const rows = (await q.orderBy('created_at_ms', 'desc').orderBy('order_id', 'desc').limit(page.limit + 1).execute()).map(orderRow);
    const more = rows.length > page.limit;
    if (more) rows.pop();
    return { rows, next: more && rows.length > 0 ? cursorOf(rows[rows.length - 1]!) : null };
  }

  /**
   * Orders created since `fromMs`, by currency: how many, how many paid,
   * and the paid volume (exact, summed by the database as integers).
   */
  async summary(merchantId: string | undefined, fromMs: number): Promise<{ currency: string; orders: number; succeeded: number; failed: number; volumeMinor: string; volume: string; successRate: string }[]> {
    let q = this.db
      .selectFrom('orders')
      .select((eb) => [
        'currency',
        eb.fn.countAll<bigint | string | number>().as('orders'),
        sql<bigint | string | number>`sum(case when state = 'SUCCESS' then 1 else 0 end)`.as('succeeded'),
        sql<bigint | string | number>`sum(case when state = 'FAILED' then 1 else 0 end)`.as('failed'),
        sql<bigint | string | number | null>`sum(case when state = 'SUCCESS' then amount_minor else 0 end)`.as('volume'),
      ])
      .where('created_at_ms', '>=', BigInt(fromMs));
    if (merchantId) q = q.where('merchant_id', '=', merchantId);
    const rows = await q.groupBy('currency').orderBy('currency').execute();
    return rows.map((r) => {
      const succeeded = Number(r.succeeded);
      const failed = Number(r.failed);
      const finished = succeeded + failed;
      const volume = BigInt(r.volume ?? 0);
      return {
        currency: r.currency,
        orders: Number(r.orders),
        succeeded,
        failed,
        volumeMinor: volume.toString(),
        volume: display(volume, r.currency),
        // Of the orders that reached an outcome (paid or declined); abandoned ones say nothing of the card path.
        successRate: finished === 0 ? '—' : `${((succeeded * 1000) / finished / 10).toFixed(1)}%`,
      };
    });
  }
}
