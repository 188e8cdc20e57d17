import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database, FxOrderTable } from './schema.js';
import type { CurrencyCode } from '../domain/currencies.js';
import type { AmountMinor } from '../domain/money.js';
import type { FxDeclaration, FxOrder, ForUse, PurchaseStatus, ReviewStatus } from '../fx/fx-order.js';
import { writeOutbox, type OutboxEntry } from './outbox-writer.js';

export type FxOrderPatch = Partial<
  Pick<FxOrder, 'reviewStatus' | 'reviewRemark' | 'purchaseStatus' | 'purchaseRate' | 'purchasedMinor' | 'deductionMinor' | 'purchaseReference' | 'purchaseCompletedAtMs' | 'purchaseBaseMinor'>
>;

/** FX purchase orders beside their shared order row; each step commits with its notification. */
export class FxOrderRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts the FX part of an order; false when it exists (a replay). */
  async insert(o: FxOrder): Promise<boolean> {
    const r = await this.db
      .insertInto('fx_orders')
      .values(toRow(o))
      .onConflict((oc) => oc.column('order_id').doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) === 1n;
  }

  async find(orderId: string): Promise<FxOrder | undefined> {
    const row = await this.db.selectFrom('fx_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Orders whose purchase waits: the job checks payment and review. */
  async pendingPurchases(limit: number): Promise<FxOrder[]> {
    const rows = await this.db.selectFrom('fx_orders').selectAll().where('purchase_status', '=', 'PENDING').orderBy('updated_at_ms').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** Orders of a merchant waiting for a proof file with this name. */
  async awaitingFile(merchantId: string, fileName: string): Promise<FxOrder[]> {
    const rows = await this.db.selectFrom('fx_orders').selectAll().where('merchant_id', '=', merchantId).where('file_name', '=', fileName).where('review_status', '=', 'INIT').execute();
    return rows.map(fromRow);
  }

  /** Orders waiting for a file, any merchant (the inbox scan). */
  async allAwaitingFiles(limit: number): Promise<FxOrder[]> {
    const rows = await this.db.selectFrom('fx_orders').selectAll().where('review_status', '=', 'INIT').where('file_name', 'is not', null).orderBy('updated_at_ms').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** Orders that need review in these review statuses, oldest change first (the operator's queue). */
  async forReview(statuses: readonly ReviewStatus[], limit: number): Promise<FxOrder[]> {
    if (statuses.length === 0) return [];
    const rows = await this.db.selectFrom('fx_orders').selectAll().where('need_review', '=', 1n).where('review_status', 'in', [...statuses]).orderBy('updated_at_ms').limit(limit).execute();
    return rows.map(fromRow);
  }

  /**
   * Applies a step guarded by the expected review and purchase statuses, with
   * its notification, in one transaction; undefined when another writer moved first.
   */
  async step(
    orderId: string,
    expected: { reviewStatus?: ReviewStatus | null; purchaseStatus?: PurchaseStatus },
    patch: FxOrderPatch,
    nowMs: number,
    notification: (updated: FxOrder) => OutboxEntry | undefined,
  ): Promise<FxOrder | undefined> {
    return this.db.transaction().execute(async (tx: Transaction<Database>) => {
      let q = tx.updateTable('fx_orders').set({ ...patchToRow(patch), updated_at_ms: BigInt(nowMs) }).where('order_id', '=', orderId);
      if (expected.reviewStatus !== undefined) q = expected.reviewStatus === null ? q.where('review_status', 'is', null) : q.where('review_status', '=', expected.reviewStatus);
      if (expected.purchaseStatus !== undefined) q = q.where('purchase_status', '=', expected.purchaseStatus);
      const r = await q.executeTakeFirst();
      if (r.numUpdatedRows !== 1n) return undefined;
      const row = await tx.selectFrom('fx_orders').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
      const updated = fromRow(row);
      const entry = notification(updated);
      if (entry) await writeOutbox(tx, entry, { merchantId: updated.merchantId, orderId, nowMs });
      return updated;
    });
  }
}

function patchToRow(p: FxOrderPatch): Updateable<FxOrderTable> {
  const row: Updateable<FxOrderTable> = {};
  if (p.reviewStatus !== undefined) row.review_status = p.reviewStatus;
  if (p.reviewRemark !== undefined) row.review_remark = p.reviewRemark;
  if (p.purchaseStatus !== undefined) row.purchase_status = p.purchaseStatus;
  if (p.purchaseRate !== undefined) row.purchase_rate = p.purchaseRate;
  if (p.purchasedMinor !== undefined) row.purchased_minor = p.purchasedMinor;
  if (p.deductionMinor !== undefined) row.deduction_minor = p.deductionMinor;
  if (p.purchaseReference !== undefined) row.purchase_reference = p.purchaseReference;
  if (p.purchaseBaseMinor !== undefined) row.purchase_base_minor = p.purchaseBaseMinor;
  if (p.purchaseCompletedAtMs !== undefined) row.purchase_completed_at_ms = p.purchaseCompletedAtMs === null ? null : BigInt(p.purchaseCompletedAtMs);
  return row;
}

function toRow(o: FxOrder) {
  return {
    order_id: o.orderId,
    merchant_id: o.merchantId,
    request_id: o.requestId,
    order_amount_minor: o.orderAmountMinor,
    order_currency: o.orderCurrency,
    fx_amount_minor: o.fxAmountMinor,
    fx_currency: o.fxCurrency,
    for_use: o.forUse,
    declaration_json: JSON.stringify({ ...o.declaration, subOrders: o.declaration.subOrders.map((s) => ({ requestId: s.requestId, orderAmountMinor: s.orderAmountMinor.toString() })) }),
    file_name: o.fileName,
    need_review: o.needReview ? 1n : 0n,
    review_status: o.reviewStatus,
    review_remark: o.reviewRemark,
    purchase_status: o.purchaseStatus,
    purchase_rate: o.purchaseRate,
    purchased_minor: o.purchasedMinor,
    deduction_minor: o.deductionMinor,
    purchase_reference: o.purchaseReference,
    purchase_completed_at_ms: o.purchaseCompletedAtMs === null ? null : BigInt(o.purchaseCompletedAtMs),
    purchase_base_minor: o.purchaseBaseMinor,
    created_at_ms: BigInt(o.createdAtMs),
    updated_at_ms: BigInt(o.updatedAtMs),
  };
}

function fromRow(r: Selectable<FxOrderTable>): FxOrder {
  const declaration = JSON.parse(r.declaration_json) as FxDeclaration & { subOrders: { requestId: string; orderAmountMinor: string }[] };
  return {
    orderId: r.order_id,
    merchantId: r.merchant_id,
    requestId: r.request_id,
    orderAmountMinor: BigInt(r.order_amount_minor) as AmountMinor,
    orderCurrency: r.order_currency as CurrencyCode,
    fxAmountMinor: r.fx_amount_minor === null ? null : (BigInt(r.fx_amount_minor) as AmountMinor),
    fxCurrency: r.fx_currency as CurrencyCode,
    forUse: r.for_use as ForUse,
    declaration: { ...declaration, subOrders: declaration.subOrders.map((s) => ({ requestId: s.requestId, orderAmountMinor: BigInt(s.orderAmountMinor) as AmountMinor })) },
    fileName: r.file_name,
    needReview: BigInt(r.need_review) === 1n,
    reviewStatus: r.review_status as ReviewStatus | null,
    reviewRemark: r.review_remark,
    purchaseStatus: r.purchase_status as PurchaseStatus,
    purchaseRate: r.purchase_rate,
    purchasedMinor: r.purchased_minor === null ? null : BigInt(r.purchased_minor),
    deductionMinor: r.deduction_minor === null ? null : BigInt(r.deduction_minor),
    purchaseReference: r.purchase_reference,
    purchaseCompletedAtMs: r.purchase_completed_at_ms === null ? null : Number(r.purchase_completed_at_ms),
    purchaseBaseMinor: r.purchase_base_minor === null ? null : BigInt(r.purchase_base_minor),
    soldBackMinor: BigInt(r.sold_back_minor),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}
