import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SettlementBatchTable } from './schema.js';
import type { CurrencyCode } from '../domain/currencies.js';
import type { JournalKind } from '../domain/ledger.js';
import type { SettlementBatch, SettlementLine } from '../settlement/settlement-batch.js';

/** A merchant payable movement as settlement reads it: signed, positive when owed to the merchant. */
export interface PayableMovement {
  orderId: string;
  journalKind: JournalKind;
  sourceId: string;
  currency: CurrencyCode;
  amountMinor: bigint;
  atMs: number;
}

const PAYABLE_PREFIX = 'merchant_payable:';

export class SettlementRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Movements of a merchant's payable account in [fromMs, toMs), read from the ledger. */
  async payableMovements(merchantId: string, fromMs: number, toMs: number): Promise<PayableMovement[]> {
    const rows = await this.db
      .selectFrom('ledger_postings')
      .select(['order_id', 'journal_kind', 'source_id', 'currency', 'direction', 'amount_minor', 'at_ms'])
      .where('account', '=', `${PAYABLE_PREFIX}${merchantId}`)
      .where('at_ms', '>=', BigInt(fromMs))
      .where('at_ms', '<', BigInt(toMs))
      .orderBy('at_ms')
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      orderId: r.order_id,
      journalKind: r.journal_kind as JournalKind,
      sourceId: r.source_id,
      currency: r.currency as CurrencyCode,
      // The payable is a liability: a credit is more owed to the merchant.
      amountMinor: r.direction === 'C' ? BigInt(r.amount_minor) : -BigInt(r.amount_minor),
      atMs: Number(r.at_ms),
    }));
  }

  /**
   * Merchants whose payable moved in [fromMs, toMs). One probe per merchant
   * on ledger_postings_by_account_time (account = its payable, at_ms in the
   * range): the cost follows the number of merchants, not of postings ever
   * written (a prefix test on the account could use no index).
   */
  async merchantsWithMovements(fromMs: number, toMs: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('merchants as m')
      .select('m.merchant_id')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('ledger_postings as p')
            .select('p.id')
            .where('p.account', '=', sql<string>`cast(${PAYABLE_PREFIX} as text) || m.merchant_id`)
            .where('p.at_ms', '>=', BigInt(fromMs))
            .where('p.at_ms', '<', BigInt(toMs)),
        ),
      )
      .execute();
    return rows.map((r) => r.merchant_id).sort();
  }

  /** Stores a batch with its lines; false when the merchant's day is settled already. */
  async insert(batch: SettlementBatch, lines: readonly SettlementLine[]): Promise<boolean> {
    return this.db.transaction().execute((tx) => insertBatch(tx, batch, lines));
  }

  /**
   * Puts `batch` in place of the provisional batch `replacedBatchId`, in
   * one transaction; false when that batch is gone already (another run
   * replaced it first).
   */
  async replace(replacedBatchId: string, batch: SettlementBatch, lines: readonly SettlementLine[]): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      await tx.deleteFrom('settlement_lines').where('batch_id', '=', replacedBatchId).execute();
      const removed = await tx.deleteFrom('settlement_batches').where('batch_id', '=', replacedBatchId).executeTakeFirst();
      if (Number(removed.numDeletedRows) !== 1) return false;
      return insertBatch(tx, batch, lines);
    });
  }

  async find(merchantId: string, businessDate: string): Promise<SettlementBatch | undefined> {
    const row = await this.db.selectFrom('settlement_batches').selectAll().where('merchant_id', '=', merchantId).where('business_date', '=', businessDate).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(merchantId: string, limit: number): Promise<SettlementBatch[]> {
    const rows = await this.db.selectFrom('settlement_batches').selectAll().where('merchant_id', '=', merchantId).orderBy('business_date', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  async lines(batchId: string): Promise<SettlementLine[]> {
    const rows = await this.db.selectFrom('settlement_lines').selectAll().where('batch_id', '=', batchId).orderBy('id').execute();
    return rows.map((r) => ({
      orderId: r.order_id,
      journalKind: r.journal_kind as JournalKind,
      sourceId: r.source_id,
      currency: r.currency as CurrencyCode,
      amountMinor: BigInt(r.amount_minor),
      rate: r.rate,
      cnyMinor: BigInt(r.cny_minor),
      atMs: Number(r.at_ms),
    }));
  }
}

function fromRow(r: Selectable<SettlementBatchTable>): SettlementBatch {
  return {
    batchId: r.batch_id,
    merchantId: r.merchant_id,
    businessDate: r.business_date,
    settleDate: r.settle_date,
    currency: 'CNY',
    capturedMinor: BigInt(r.captured_minor),
    refundedMinor: BigInt(r.refunded_minor),
    chargebackMinor: BigInt(r.chargeback_minor),
    feeMinor: BigInt(r.fee_minor),
    netMinor: BigInt(r.net_minor),
    lineCount: Number(r.line_count),
    createdAtMs: Number(r.created_at_ms),
  };
}

/** Inserts a batch and its lines within `tx`; false when the merchant's day has a batch already. */
async function insertBatch(tx: Kysely<Database>, batch: SettlementBatch, lines: readonly SettlementLine[]): Promise<boolean> {
  const r = await tx
    .insertInto('settlement_batches')
    .values({
      batch_id: batch.batchId,
      merchant_id: batch.merchantId,
      business_date: batch.businessDate,
      settle_date: batch.settleDate,
      currency: batch.currency,
      captured_minor: batch.capturedMinor,
      refunded_minor: batch.refundedMinor,
      chargeback_minor: batch.chargebackMinor,
      fee_minor: batch.feeMinor,
      net_minor: batch.netMinor,
      line_count: BigInt(batch.lineCount),
      created_at_ms: BigInt(batch.createdAtMs),
    })
    .onConflict((oc) => oc.columns(['merchant_id', 'business_date']).doNothing())
    .executeTakeFirst();
  if ((r.numInsertedOrUpdatedRows ?? 0n) !== 1n) return false;
  if (lines.length > 0) {
    await tx
      .insertInto('settlement_lines')
      .values(
        lines.map((l) => ({
          batch_id: batch.batchId,
          order_id: l.orderId,
          journal_kind: l.journalKind,
          source_id: l.sourceId,
          currency: l.currency,
          amount_minor: l.amountMinor,
          rate: l.rate,
          cny_minor: l.cnyMinor,
          at_ms: BigInt(l.atMs),
        })),
      )
      .execute();
  }
  return true;
}
