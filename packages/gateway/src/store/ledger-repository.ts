import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { assertBalanced, normalSide, type Direction, type Journal, type JournalKind } from '../domain/ledger.js';
import type { CurrencyCode } from '../domain/currencies.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PostingRow {
  journalKind: JournalKind;
  sourceId: string;
  orderId: string;
  account: string;
  direction: Direction;
  amountMinor: bigint;
  currency: CurrencyCode;
  atMs: number;
}

/**
 * Writes journals and reads balances. Writing happens only inside the
 * transaction of the state change that moved the money; a unique index
 * refuses a second journal for the same cause.
 */
export class LedgerRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async post(tx: Transaction<Database>, journals: readonly Journal[], nowMs: number): Promise<void> {
    const rows = journals.flatMap((journal) => {
      assertBalanced(journal);
      return journal.postings.map((p) => ({
        journal_kind: journal.kind,
        source_id: journal.sourceId,
        order_id: journal.orderId,
        account: p.account,
        direction: p.direction,
        amount_minor: p.amountMinor,
        currency: p.currency,
        at_ms: BigInt(nowMs),
      }));
    });
    if (rows.length > 0) await tx.insertInto('ledger_postings').values(rows).execute();
  }

  async forOrder(orderId: string, db: Db = this.db): Promise<PostingRow[]> {
    const rows = await db.selectFrom('ledger_postings').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    return rows.map((r) => ({
      journalKind: r.journal_kind as JournalKind,
      sourceId: r.source_id,
      orderId: r.order_id,
      account: r.account,
      direction: r.direction,
      amountMinor: BigInt(r.amount_minor),
      currency: r.currency as CurrencyCode,
      atMs: Number(r.at_ms),
    }));
  }

  /**
   * Balance per account and currency, signed on the account's normal side
   * (a merchant's payable is positive when the gateway owes the merchant).
   * `accountPrefix` narrows it, e.g. `merchant_payable:100000001`.
   */
  async balances(accountPrefix = ''): Promise<Map<string, bigint>> {
    let query = this.db
      .selectFrom('ledger_postings')
      .select((eb) => ['account', 'currency', 'direction', eb.fn.sum<bigint | string | number>('amount_minor').as('total')])
      .groupBy(['account', 'currency', 'direction']);
    // substr rather than LIKE: no wildcard escaping, and the same on both databases.
    if (accountPrefix !== '') query = query.where(sql<boolean>`substr(account, 1, ${accountPrefix.length}) = ${accountPrefix}`);
    const balances = new Map<string, bigint>();
    for (const r of await query.execute()) {
      const key = `${r.account} ${r.currency}`;
      const total = BigInt(r.total);
      const signed = r.direction === normalSide(r.account) ? total : -total;
      balances.set(key, (balances.get(key) ?? 0n) + signed);
    }
    return balances;
  }

  /** Debits minus credits per currency over the whole ledger: zero for every currency, always. */
  async imbalanceByCurrency(): Promise<Map<string, bigint>> {
    const rows = await this.db
      .selectFrom('ledger_postings')
      .select((eb) => ['currency', 'direction', eb.fn.sum<bigint | string | number>('amount_minor').as('total')])
      .groupBy(['currency', 'direction'])
      .execute();
    const net = new Map<string, bigint>();
    for (const r of rows) net.set(r.currency, (net.get(r.currency) ?? 0n) + (r.direction === 'D' ? BigInt(r.total) : -BigInt(r.total)));
    return net;
  }
}
