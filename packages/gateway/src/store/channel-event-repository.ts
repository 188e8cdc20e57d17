import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The upstream events each channel has applied, and the lookup of a payment by its channel reference. */
export class ChannelEventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async seen(channel: string, eventId: string): Promise<boolean> {
    const row = await this.db.selectFrom('channel_events').select('event_id').where('channel', '=', channel).where('event_id', '=', eventId).executeTakeFirst();
    return row !== undefined;
  }

  /** Marks the event applied; false when it already was (a concurrent delivery of the same event won). */
  async record(channel: string, eventId: string, kind: string, orderId: string | null, nowMs: number, db: Db = this.db): Promise<boolean> {
    const result = await db
      .insertInto('channel_events')
      .values({ channel, event_id: eventId, kind, order_id: orderId, received_at_ms: BigInt(nowMs) })
      .onConflict((oc) => oc.columns(['channel', 'event_id']).doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  /** The order a channel knows by `reference`. */
  async orderIdByReference(channel: string, reference: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('orders').select('order_id').where('channel', '=', channel).where('channel_reference', '=', reference).executeTakeFirst();
    return row?.order_id;
  }
}
