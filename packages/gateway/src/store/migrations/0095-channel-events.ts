import type { Kysely, Migration } from 'kysely';

/**
 * The upstream events each channel has applied, by the upstream's own event
 * id: a webhook resent (upstreams resend until acknowledged) is answered
 * again without being applied twice. The row commits with the state change
 * it caused. Callbacks name the payment by the channel's reference, hence
 * the index.
 */
export const channelEventsMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('channel_events')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('received_at_ms', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('channel_events_pk', ['channel', 'event_id'])
      .execute();
    await db.schema.createIndex('orders_channel_reference').on('orders').columns(['channel', 'channel_reference']).execute();
  },
};
