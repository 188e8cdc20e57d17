import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { display } from './order-search.js';
import { MONITOR_BATCH_MAX, MONITOR_LOOKBACK_IDS } from './limits.js';

/** One line of the live monitor: an order created or moved to another state. */
export interface MonitorEvent {
  eventId: string;
  orderId: string;
  merchantId: string;
  requestId: string;
  from: string | null;
  to: string;
  reason: string;
  atMs: number;
  amountMinor: string;
  amount: string;
  currency: string;
  cardLast4: string | null;
}

/**
 * Reads `order_events` by id cursor. Every node writes its events to the
 * same table, so a viewer connected to any node sees orders taken by every
 * node: no in-process bus is involved.
 */
export class OrderMonitor {
  constructor(private readonly db: Kysely<Database>) {}

  /** The newest event id: a new viewer starts after it. */
  async latestId(): Promise<bigint> {
    const row = await this.db.selectFrom('order_events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return row?.id === null || row?.id === undefined ? 0n : BigInt(row.id);
  }

  /**
   * Events after `cursor` (and a look-back window behind it, for ids whose
   * transactions committed late), skipping those in `seen`. Returns the
   * events in id order and the new cursor; `seen` is pruned to the window.
   */
  async poll(merchantId: string | undefined, cursor: bigint, seen: Set<bigint>): Promise<{ events: MonitorEvent[]; cursor: bigint }> {
    const floor = cursor > MONITOR_LOOKBACK_IDS ? cursor - MONITOR_LOOKBACK_IDS : 0n;
    let q = this.db
      .selectFrom('order_events as e')
      .innerJoin('orders as o', 'o.order_id', 'e.order_id')
      .select(['e.id', 'e.order_id', 'e.from_state', 'e.to_state', 'e.reason', 'e.at_ms', 'o.merchant_id', 'o.request_id', 'o.amount_minor', 'o.currency', 'o.card_last4'])
      .where('e.id', '>', floor);
    if (merchantId) q = q.where('o.merchant_id', '=', merchantId);
    const rows = await q.orderBy('e.id').limit(MONITOR_BATCH_MAX + seen.size).execute();
    const events: MonitorEvent[] = [];
    let next = cursor;
    for (const r of rows) {
      const id = BigInt(r.id);
      if (seen.has(id)) continue;
      if (events.length >= MONITOR_BATCH_MAX) break;
      seen.add(id);
      if (id > next) next = id;
      const amount = BigInt(r.amount_minor);
      events.push({
        eventId: id.toString(),
        orderId: r.order_id,
        merchantId: r.merchant_id,
        requestId: r.request_id,
        from: r.from_state,
        to: r.to_state,
        reason: r.reason,
        atMs: Number(r.at_ms),
        amountMinor: amount.toString(),
        amount: display(amount, r.currency),
        currency: r.currency,
        cardLast4: r.card_last4,
      });
    }
    const keepFrom = next > MONITOR_LOOKBACK_IDS ? next - MONITOR_LOOKBACK_IDS : 0n;
    for (const id of seen) if (id <= keepFrom) seen.delete(id);
    return { events, cursor: next };
  }
}

/** Marks every event up to `cursor` (within the look-back window) as already known, so a new viewer sees only what happens next. */
export async function primeSeen(db: Kysely<Database>, cursor: bigint): Promise<Set<bigint>> {
  const floor = cursor > MONITOR_LOOKBACK_IDS ? cursor - MONITOR_LOOKBACK_IDS : 0n;
  const rows = await db.selectFrom('order_events').select('id').where('id', '>', floor).where('id', '<=', cursor).execute();
  return new Set<bigint>(rows.map((r) => BigInt(r.id)));
}
