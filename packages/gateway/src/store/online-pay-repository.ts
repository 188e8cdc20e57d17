import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/** Where a unified order was started: the channel, its reference and what the payer was handed. */
export interface StartedPayment {
  orderId: string;
  method: string;
  channel: string;
  channelReference: string;
  payerActionJson: string;
}

/** Storage of the unified order's own parts: started methods and each merchant's enabled methods. */
export class OnlinePayRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Records that an open order was started at a channel. Guarded: only an
   * unpaid order not yet started anywhere, so two tabs choosing two methods
   * cannot both start one. False: another start (or a payment) came first.
   */
  async recordStart(p: StartedPayment, nowMs: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('orders')
        .set((eb) => ({
          payment_method: p.method,
          channel: p.channel,
          channel_reference: p.channelReference,
          payer_action_json: p.payerActionJson,
          updated_at_ms: BigInt(nowMs),
          version: eb('version', '+', 1n),
        }))
        .where('order_id', '=', p.orderId)
        .where('state', '=', 'INIT')
        .where('channel', 'is', null)
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) return false;
      await tx
        .insertInto('order_events')
        .values({ order_id: p.orderId, from_state: 'INIT', to_state: 'INIT', reason: `started ${p.method} at ${p.channel}`, at_ms: BigInt(nowMs) })
        .execute();
      return true;
    });
  }

  async payerActionJson(orderId: string): Promise<string | null> {
    const row = await this.db.selectFrom('orders').select('payer_action_json').where('order_id', '=', orderId).executeTakeFirst();
    return row?.payer_action_json ?? null;
  }

  /** The order a channel knows by this reference. */
  async findOrderIdByReference(channel: string, reference: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('orders').select('order_id').where('channel', '=', channel).where('channel_reference', '=', reference).executeTakeFirst();
    return row?.order_id;
  }

  /** The merchant's own method list; empty when it has none (it then takes every method the gateway runs). */
  async enabledMethods(merchantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('merchant_payment_methods').select('method').where('merchant_id', '=', merchantId).orderBy('method').execute();
    return rows.map((r) => r.method);
  }

  /** Replaces the merchant's method list; an empty list goes back to every method. */
  async setEnabledMethods(merchantId: string, methods: readonly string[], nowMs: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('merchant_payment_methods').where('merchant_id', '=', merchantId).execute();
      if (methods.length === 0) return;
      await tx
        .insertInto('merchant_payment_methods')
        .values(methods.map((method) => ({ merchant_id: merchantId, method, created_at_ms: BigInt(nowMs) })))
        .execute();
    });
  }
}
