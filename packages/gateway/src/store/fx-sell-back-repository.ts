import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, FxSellBackTable } from './schema.js';
import type { CurrencyCode } from '../domain/currencies.js';
import type { Journal } from '../domain/ledger.js';
import type { LedgerRepository } from './ledger-repository.js';
import { writeOutbox, type OutboxEntry } from './outbox-writer.js';

export type SellBackStatus = 'PENDING' | 'SUCCESS' | 'FAILED';

/** A sale of bought currency back to the FX desk, for the refunds of an FX order after its purchase. */
export interface FxSellBack {
  saleId: string;
  orderId: string;
  merchantId: string;
  /** 1, 2, …: the order's sales in turn; (orderId, seq) is unique, so two writers never sell the same step. */
  seq: number;
  currency: CurrencyCode;
  soldMinor: bigint;
  costMinor: bigint;
  refundedThroughMinor: bigint;
  rate: string;
  proceedsMinor: bigint;
  status: SellBackStatus;
  deskReference: string | null;
  createdAtMs: number;
  completedAtMs: number | null;
}

export class FxSellBackRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ledger: LedgerRepository,
  ) {}

  async forOrder(orderId: string): Promise<FxSellBack[]> {
    const rows = await this.db.selectFrom('fx_sell_backs').selectAll().where('order_id', '=', orderId).orderBy('seq').execute();
    return rows.map(fromRow);
  }

  /** Reserves the next step; false when another writer took that step first. */
  async reserve(s: FxSellBack): Promise<boolean> {
    const r = await this.db
      .insertInto('fx_sell_backs')
      .values({
        sale_id: s.saleId,
        order_id: s.orderId,
        merchant_id: s.merchantId,
        seq: BigInt(s.seq),
        currency: s.currency,
        sold_minor: s.soldMinor,
        cost_minor: s.costMinor,
        refunded_through_minor: s.refundedThroughMinor,
        rate: s.rate,
        proceeds_minor: s.proceedsMinor,
        status: 'PENDING',
        desk_reference: null,
        created_at_ms: BigInt(s.createdAtMs),
        completed_at_ms: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) === 1n;
  }

  /**
   * Records the desk's answer with, when filled, the FX difference's
   * journal, the order's sold total and the notification: one transaction.
   * Undefined when another writer recorded it first.
   */
  async complete(
    saleId: string,
    outcome: { status: 'SUCCESS' | 'FAILED'; deskReference: string; completedAtMs: number },
    journals: readonly Journal[],
    notification: (sale: FxSellBack) => OutboxEntry | undefined,
  ): Promise<FxSellBack | undefined> {
    return this.db.transaction().execute(async (tx: Transaction<Database>) => {
      const r = await tx
        .updateTable('fx_sell_backs')
        .set({ status: outcome.status, desk_reference: outcome.deskReference, completed_at_ms: BigInt(outcome.completedAtMs) })
        .where('sale_id', '=', saleId)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) return undefined;
      const sale = fromRow(await tx.selectFrom('fx_sell_backs').selectAll().where('sale_id', '=', saleId).executeTakeFirstOrThrow());
      if (outcome.status === 'SUCCESS') {
        await this.ledger.post(tx, journals, outcome.completedAtMs);
        const order = await tx.selectFrom('fx_orders').select('sold_back_minor').where('order_id', '=', sale.orderId).executeTakeFirstOrThrow();
        await tx
          .updateTable('fx_orders')
          .set({ sold_back_minor: BigInt(order.sold_back_minor) + sale.soldMinor, updated_at_ms: BigInt(outcome.completedAtMs) })
          .where('order_id', '=', sale.orderId)
          .execute();
      }
      const entry = notification(sale);
      if (entry) await writeOutbox(tx, entry, { merchantId: sale.merchantId, orderId: sale.orderId, nowMs: outcome.completedAtMs });
      return sale;
    });
  }

  /** Marks an order looked at: the sweep takes the longest unlooked-at first, so none waits behind another. */
  async touch(orderId: string, nowMs: number): Promise<void> {
    await this.db.updateTable('fx_orders').set({ updated_at_ms: BigInt(nowMs) }).where('order_id', '=', orderId).execute();
  }

  /** Sales sent to the desk without a recorded answer (a crash, a desk that did not answer). */
  async pending(limit: number): Promise<FxSellBack[]> {
    const rows = await this.db.selectFrom('fx_sell_backs').selectAll().where('status', '=', 'PENDING').orderBy('created_at_ms').limit(limit).execute();
    return rows.map(fromRow);
  }

  /**
   * FX orders whose sales back are behind their refunds: bought (not CNY),
   * and refunded since the purchase beyond what their last sale covered.
   * Orders caught up never come back, so the sweep's batch is never filled
   * by orders with nothing to do.
   */
  async ordersToCatchUp(limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('fx_orders')
      .innerJoin('orders', 'orders.order_id', 'fx_orders.order_id')
      .select('fx_orders.order_id')
      .where('fx_orders.purchase_status', '=', 'SUCCESS')
      .where('fx_orders.fx_currency', '!=', 'CNY')
      .where('orders.refunded_minor', '>', 0n)
      .where(
        sql<boolean>`orders.refunded_minor - (orders.amount_minor - coalesce(fx_orders.purchase_base_minor, orders.amount_minor)) > coalesce((select max(s.refunded_through_minor) from fx_sell_backs s where s.order_id = fx_orders.order_id and s.status = 'SUCCESS'), 0)`,
      )
      .orderBy('fx_orders.updated_at_ms')
      .limit(limit)
      .execute();
    return rows.map((r) => r.order_id);
  }
}

function fromRow(r: Selectable<FxSellBackTable>): FxSellBack {
  return {
    saleId: r.sale_id,
    orderId: r.order_id,
    merchantId: r.merchant_id,
    seq: Number(r.seq),
    currency: r.currency as CurrencyCode,
    soldMinor: BigInt(r.sold_minor),
    costMinor: BigInt(r.cost_minor),
    refundedThroughMinor: BigInt(r.refunded_through_minor),
    rate: r.rate,
    proceedsMinor: BigInt(r.proceeds_minor),
    status: r.status as SellBackStatus,
    deskReference: r.desk_reference,
    createdAtMs: Number(r.created_at_ms),
    completedAtMs: r.completed_at_ms === null ? null : Number(r.completed_at_ms),
  };
}
