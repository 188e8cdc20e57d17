import { type Kysely, type Migration, sql } from 'kysely';
import { notificationHost } from '../../notify/outbox.js';

/**
 * Notifications of one order are delivered in the order their state changes
 * committed. A millisecond stamp cannot say that (two changes in the same
 * millisecond have no order on PostgreSQL), so each row gets its place in its
 * order's sequence: 1, 2, 3 … assigned inside the transaction of the change,
 * which holds the order's row (outbox-writer.ts). Existing rows are numbered
 * by creation time, then id.
 *
 * The index on (order_id, order_seq) answers "is an earlier notification of
 * this order still pending?" for every claim, and lists an order's
 * notifications in sequence; it replaces notifications_by_order, its prefix,
 * so writes still maintain one index for it.
 *
 * `host` (the URL's host and port) lets the dispatcher leave out of a claim
 * the merchant hosts it already holds its share of, so a slow host's backlog
 * cannot crowd out the others; pending rows get theirs here, from their URL.
 */
export const notificationOrderSequenceMigration: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('notifications').addColumn('order_seq', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
    await sql`
      update notifications set order_seq = (
        select count(*) from notifications p
        where p.order_id = notifications.order_id
          and (p.created_at_ms < notifications.created_at_ms
               or (p.created_at_ms = notifications.created_at_ms and p.notification_id <= notifications.notification_id)))
    `.execute(db);
    await db.schema.createIndex('notifications_by_order_seq').on('notifications').columns(['order_id', 'order_seq']).execute();
    await db.schema.dropIndex('notifications_by_order').execute();
    await db.schema.alterTable('notifications').addColumn('host', 'text', (c) => c.notNull().defaultTo('')).execute();
    const pending = await db.selectFrom('notifications').select(['notification_id', 'url']).where('state', '=', 'pending').execute();
    for (const row of pending as { notification_id: string; url: string }[]) {
      await db.updateTable('notifications').set({ host: notificationHost(row.url) }).where('notification_id', '=', row.notification_id).execute();
    }
  },
};
