import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The back office's card-last-4 search: one merchant's orders, or (operators)
 * every merchant's, newest first. Without an index it read every order of
 * the merchant (or every order) to find a handful. Each index holds only
 * orders with a card (`card_last4 is not null`: the query's `card_last4 = ?`
 * implies it, so both databases use the partial index) in the search's own
 * order, so a page is read straight off the index without a sort.
 */
export const cardLast4SearchMigration: Migration = {
  async up(db: Kysely<any>) {
    await sql`create index orders_by_merchant_card_last4 on orders (merchant_id, card_last4, created_at_ms, order_id) where card_last4 is not null`.execute(db);
    await sql`create index orders_by_card_last4 on orders (card_last4, created_at_ms, order_id) where card_last4 is not null`.execute(db);
  },
};
