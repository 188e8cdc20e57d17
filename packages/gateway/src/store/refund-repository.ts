import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, RefundTable } from './schema.js';
import type { Refund, RefundOrigin, RefundState } from '../domain/refund.js';
import { refundJournal } from '../domain/ledger.js';
import type { AmountMinor } from '../domain/money.js';
import type { CurrencyCode } from '../domain/currencies.js';
import type { Order } from '../domain/order.js';
import { writeOutbox, type OutboxEntry } from './outbox-writer.js';
import type { LedgerRepository } from './ledger-repository.js';

type Db = Kysely<Database> | Transaction<Database>;

export type ReserveResult =
  | { kind: 'created'; refund: Refund }
  | { kind: 'exists' }
  /** The order is not in a refundable state, or the amount exceeds what is left; nothing was written. */
  | { kind: 'refused' };

/** Thrown inside the transaction to roll the refund row back when the order's guard refuses. */
class GuardRefused extends Error {}

export class RefundRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ledger: LedgerRepository,
  ) {}

  /**
   * Records a new PROCESSING refund and reserves its amount on the order, in
   * one transaction. The reservation is a single guarded UPDATE: the row is
   * changed only if the order is in `orderState` and the amount still fits
   * (captured − refunds not failed − chargebacks). Both databases evaluate
   * it atomically against the latest row (PostgreSQL re-checks the WHERE
   * after waiting for a concurrent writer's lock; SQLite writers are
   * serialised by BEGIN IMMEDIATE), so concurrent refunds can never
   * together exceed the order.
   */
  async reserve(refund: Refund, orderState: Order['state'], within?: (tx: Transaction<Database>) => Promise<void>): Promise<ReserveResult> {
    try {
      return await this.db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto('refunds')
          .values(toRow(refund))
          .onConflict((oc) => oc.columns(['merchant_id', 'request_id']).doNothing())
          .executeTakeFirst();
        if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return { kind: 'exists' } as const;
        const guarded = await tx
          .updateTable('orders')
          .set((eb) => ({ refund_reserved_minor: eb('refund_reserved_minor', '+', refund.amountMinor), version: eb('version', '+', 1n) }))
          .where('order_id', '=', refund.orderId)
          .where('state', '=', orderState)
          .where(sql<boolean>`amount_minor - refund_reserved_minor - disputed_minor >= ${refund.amountMinor}`)
          .executeTakeFirst();
        if (guarded.numUpdatedRows !== 1n) throw new GuardRefused();
        if (within) await within(tx);
        await tx
          .insertInto('order_events')
          .values({ order_id: refund.orderId, from_state: orderState, to_state: orderState, reason: `refund ${refund.refundId} of ${refund.amountMinor} requested`, at_ms: BigInt(refund.createdAtMs) })
          .execute();
        return { kind: 'created', refund } as const;
      });
    } catch (error) {
      if (error instanceof GuardRefused) return { kind: 'refused' };
      throw error;
    }
  }

  /**
   * Moves a PROCESSING refund to its final state with everything that goes
   * with it, in one transaction: the order's totals (a failed refund gives
   * its amount back to the refundable), the ledger journal of a success,
   * the audit event and the merchant's notification. Undefined when the
   * refund was no longer PROCESSING (another process finished it first).
   */
  async complete(
    refundId: string,
    to: Exclude<RefundState, 'PROCESSING'>,
    patch: { channelReference?: string | null; failureCode?: string | null },
    nowMs: number,
    notify?: (refund: Refund, order: Order) => OutboxEntry | undefined,
    loadOrder?: (orderId: string, tx: Transaction<Database>) => Promise<Order | undefined>,
  ): Promise<Refund | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const updated = await tx
        .updateTable('refunds')
        .set({
          state: to,
          updated_at_ms: BigInt(nowMs),
          completed_at_ms: BigInt(nowMs),
          ...(patch.channelReference !== undefined ? { channel_reference: patch.channelReference } : {}),
          ...(patch.failureCode !== undefined ? { failure_code: patch.failureCode } : {}),
        })
        .where('refund_id', '=', refundId)
        .where('state', '=', 'PROCESSING')
        .executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) return undefined;
      const refund = await this.find(refundId, tx);
      if (!refund) throw new Error(`refund ${refundId} vanished inside its own transaction`);
      const amount = refund.amountMinor;
      await tx
        .updateTable('orders')
        .set((eb) =>
          to === 'SUCCESS'
            ? { refunded_minor: eb('refunded_minor', '+', amount), refund_count: eb('refund_count', '+', 1n), version: eb('version', '+', 1n) }
            : { refund_reserved_minor: eb('refund_reserved_minor', '-', amount), version: eb('version', '+', 1n) },
        )
        .where('order_id', '=', refund.orderId)
        .execute();
      const order = loadOrder ? await loadOrder(refund.orderId, tx) : undefined;
      if (to === 'SUCCESS') {
        if (!order?.channel) throw new Error(`refund ${refundId}: order ${refund.orderId} has no channel to post against`);
        const journal = refundJournal(refund.refundId, { orderId: order.orderId, merchantId: order.merchantId, channel: order.channel, amountMinor: amount, currency: refund.currency });
        await this.ledger.post(tx, [journal], nowMs);
      }
      const state = order?.state ?? 'SUCCESS';
      await tx
        .insertInto('order_events')
        .values({ order_id: refund.orderId, from_state: state, to_state: state, reason: `refund ${refund.refundId} ${to === 'SUCCESS' ? 'succeeded' : `failed (${refund.failureCode ?? 'unknown'})`}`, at_ms: BigInt(nowMs) })
        .execute();
      const entry = order && notify ? notify(refund, order) : undefined;
      if (entry) await writeOutbox(tx, entry, { merchantId: refund.merchantId, orderId: refund.orderId, nowMs });
      return refund;
    });
  }

  async find(refundId: string, db: Db = this.db): Promise<Refund | undefined> {
    const row = await db.selectFrom('refunds').selectAll().where('refund_id', '=', refundId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async findByRequest(merchantId: string, requestId: string): Promise<Refund | undefined> {
    const row = await this.db.selectFrom('refunds').selectAll().where('merchant_id', '=', merchantId).where('request_id', '=', requestId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async forOrder(orderId: string): Promise<Refund[]> {
    const rows = await this.db.selectFrom('refunds').selectAll().where('order_id', '=', orderId).orderBy('created_at_ms').orderBy('refund_id').execute();
    return rows.map(fromRow);
  }

  /** PROCESSING refunds unchanged since `updatedBeforeMs`: interrupted or pending at the channel. */
  async findStale(updatedBeforeMs: number, limit: number): Promise<Refund[]> {
    const rows = await this.db
      .selectFrom('refunds')
      .selectAll()
      .where('state', '=', 'PROCESSING')
      .where('updated_at_ms', '<', BigInt(updatedBeforeMs))
      .orderBy('updated_at_ms')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Marks a PROCESSING refund as seen now, so the stale sweep leaves it alone for a while. */
  async touch(refundId: string, channelReference: string | null, nowMs: number): Promise<void> {
    await this.db
      .updateTable('refunds')
      .set({ updated_at_ms: BigInt(nowMs), ...(channelReference ? { channel_reference: channelReference } : {}) })
      .where('refund_id', '=', refundId)
      .where('state', '=', 'PROCESSING')
      .execute();
  }
}

function toRow(r: Refund): RefundTable {
  return {
    refund_id: r.refundId,
    merchant_id: r.merchantId,
    request_id: r.requestId,
    request_digest: r.requestDigest,
    order_id: r.orderId,
    amount_minor: r.amountMinor,
    currency: r.currency,
    state: r.state,
    origin: r.origin,
    remark: r.remark,
    notify_url: r.notifyUrl,
    channel_reference: r.channelReference,
    failure_code: r.failureCode,
    created_at_ms: BigInt(r.createdAtMs),
    updated_at_ms: BigInt(r.updatedAtMs),
    completed_at_ms: r.completedAtMs === null ? null : BigInt(r.completedAtMs),
  };
}

function fromRow(r: Selectable<RefundTable>): Refund {
  const amount = BigInt(r.amount_minor);
  if (amount <= 0n) throw new Error(`refund ${r.refund_id} has a non-positive amount`);
  return {
    refundId: r.refund_id,
    merchantId: r.merchant_id,
    requestId: r.request_id,
    requestDigest: r.request_digest,
    orderId: r.order_id,
    amountMinor: amount as AmountMinor,
    currency: r.currency as CurrencyCode,
    state: r.state as RefundState,
    origin: r.origin as RefundOrigin,
    remark: r.remark,
    notifyUrl: r.notify_url,
    channelReference: r.channel_reference,
    failureCode: r.failure_code,
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    completedAtMs: r.completed_at_ms === null ? null : Number(r.completed_at_ms),
  };
}
