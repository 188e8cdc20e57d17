import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { deliveryContentKey, type Delivery } from '../domain/delivery.js';
import type { DeliveryStatus } from '../domain/order.js';

export type RecordDeliveryResult = { kind: 'recorded' | 'exists'; delivery: Delivery } | { kind: 'not_paid' };

/** Thrown inside the transaction to roll the confirmation back when the order is not paid. */
class NotPaid extends Error {}

/**
 * Delivery confirmations, one row per order and status, and the order's
 * `delivery_status`, written together. The order column moves only forward:
 * SHIPPED never replaces DELIVERED.
 */
export class DeliveryRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async record(d: Delivery): Promise<RecordDeliveryResult> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('deliveries')
          .values({
            order_id: d.orderId,
            status: d.status,
            logistics_company: d.logisticsCompany,
            tracking_numbers_json: JSON.stringify(d.trackingNumbers),
            event_at_ms: BigInt(d.eventAtMs),
            content_digest: digest(d),
            created_at_ms: BigInt(d.createdAtMs),
          })
          .onConflict((oc) => oc.columns(['order_id', 'status']).doNothing())
          .executeTakeFirst();
        if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) {
          const existing = await this.find(d.orderId, d.status, tx);
          if (!existing) throw new Error(`delivery ${d.orderId}/${d.status} conflicted but does not exist`);
          return { kind: 'exists', delivery: existing } as const;
        }
        let update = tx
          .updateTable('orders')
          .set((eb) => ({ delivery_status: d.status, version: eb('version', '+', 1n) }))
          .where('order_id', '=', d.orderId)
          .where('state', '=', 'SUCCESS');
        if (d.status === 'SHIPPED') update = update.where((eb) => eb.or([eb('delivery_status', 'is', null), eb('delivery_status', '=', 'SHIPPED')]));
        const updated = await update.executeTakeFirst();
        if (updated.numUpdatedRows !== 1n) {
          // Either the order is not paid (roll back) or it is DELIVERED already and a late SHIPPED is only recorded.
          const order = await tx.selectFrom('orders').select(['state']).where('order_id', '=', d.orderId).executeTakeFirst();
          if (order?.state !== 'SUCCESS') throw new NotPaid();
        }
        await tx
          .insertInto('order_events')
          .values({ order_id: d.orderId, from_state: 'SUCCESS', to_state: 'SUCCESS', reason: `delivery ${d.status} (${d.logisticsCompany} ${d.trackingNumbers.join(', ')})`, at_ms: BigInt(d.createdAtMs) })
          .execute();
        return { kind: 'recorded', delivery: d } as const;
      });
    } catch (error) {
      if (error instanceof NotPaid) return { kind: 'not_paid' };
      throw error;
    }
  }

  async find(orderId: string, status: DeliveryStatus, db: Kysely<Database> = this.db): Promise<Delivery | undefined> {
    const r = await db.selectFrom('deliveries').selectAll().where('order_id', '=', orderId).where('status', '=', status).executeTakeFirst();
    return r ? fromRow(r) : undefined;
  }

  async forOrder(orderId: string): Promise<Delivery[]> {
    const rows = await this.db.selectFrom('deliveries').selectAll().where('order_id', '=', orderId).orderBy('event_at_ms').orderBy('created_at_ms').execute();
    return rows.map(fromRow);
  }
}

function digest(d: Delivery): string {
  return createHash('sha256').update(deliveryContentKey(d)).digest('hex');
}

function fromRow(r: { order_id: string; status: string; logistics_company: string; tracking_numbers_json: string; event_at_ms: bigint; created_at_ms: bigint }): Delivery {
  return {
    orderId: r.order_id,
    status: r.status as DeliveryStatus,
    logisticsCompany: r.logistics_company,
    trackingNumbers: JSON.parse(r.tracking_numbers_json) as string[],
    eventAtMs: Number(r.event_at_ms),
    createdAtMs: Number(r.created_at_ms),
  };
}
