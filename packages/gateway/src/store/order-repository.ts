import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database, OrderTable } from './schema.js';
import { writeOutbox, type OutboxEntry } from './outbox-writer.js';
import type { Order, OrderDetails } from '../domain/order.js';
import type { OrderState } from '../domain/order-state.js';
import { assertTransition } from '../domain/order-state.js';
import type { AmountMinor } from '../domain/money.js';
import type { CurrencyCode } from '../domain/currencies.js';

type Db = Kysely<Database> | Transaction<Database>;

export type { OutboxEntry } from './outbox-writer.js';

export type OrderPatch = Partial<Pick<Order, 'card' | 'channel' | 'channelReference' | 'declineCode' | 'challengeAttempts' | 'completedAtMs' | 'feeMinor'>>;

export class OrderRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts a new order. Returns false when (merchantId, requestId) exists
   * already: the caller then answers the replay from the stored order.
   */
  async insert(order: Order): Promise<boolean> {
    // ON CONFLICT DO NOTHING instead of a look-up first: one statement less
    // on the hot path, and no error-driven control flow in PostgreSQL (where
    // a failed statement would abort the whole transaction).
    return this.db.transaction().execute(async (tx) => {
      const inserted = await tx
        .insertInto('orders')
        .values(toRow(order))
        .onConflict((oc) => oc.columns(['merchant_id', 'request_id']).doNothing())
        .executeTakeFirst();
      if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return false;
      await tx
        .insertInto('order_events')
        .values({ order_id: order.orderId, from_state: null, to_state: order.state, reason: 'created', at_ms: BigInt(order.createdAtMs) })
        .execute();
      return true;
    });
  }

  async findByRequest(merchantId: string, requestId: string, db: Db = this.db): Promise<Order | undefined> {
    const row = await db.selectFrom('orders').selectAll().where('merchant_id', '=', merchantId).where('request_id', '=', requestId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async find(orderId: string, db: Db = this.db): Promise<Order | undefined> {
    const row = await db.selectFrom('orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /**
   * Moves an order from `from` to `to` in one transaction with its audit
   * event and, for final states, the merchant notification. The update is
   * guarded by the expected state, so of two racing writers exactly one wins;
   * the loser gets undefined and must re-read.
   */
  async transition(
    orderId: string,
    from: OrderState,
    to: OrderState,
    patch: OrderPatch,
    reason: string,
    nowMs: number,
    buildNotification?: (updated: Order) => OutboxEntry,
    /** More writes that must commit with the change (ledger postings, say). */
    within?: (tx: Transaction<Database>, updated: Order) => Promise<void>,
  ): Promise<Order | undefined> {
    assertTransition(from, to);
    return this.db.transaction().execute(async (tx) => {
      const result = await tx
        .updateTable('orders')
        .set((eb) => ({
          ...patchToRow(patch),
          state: to,
          updated_at_ms: BigInt(nowMs),
          version: eb('version', '+', 1n),
        }))
        .where('order_id', '=', orderId)
        .where('state', '=', from)
        .executeTakeFirst();
      if (result.numUpdatedRows !== 1n) return undefined;
      await tx.insertInto('order_events').values({ order_id: orderId, from_state: from, to_state: to, reason, at_ms: BigInt(nowMs) }).execute();
      const updated = await this.find(orderId, tx);
      if (!updated) throw new Error(`order ${orderId} vanished inside its own transaction`);
      if (buildNotification) await writeOutbox(tx, buildNotification(updated), { merchantId: updated.merchantId, orderId, nowMs });
      if (within) await within(tx, updated);
      return updated;
    });
  }

  /** Unpaid orders past their deadline, oldest first. */
  async findExpired(nowMs: number, limit: number): Promise<Order[]> {
    const rows = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('state', 'in', ['INIT', 'CHALLENGE'])
      .where('expires_at_ms', '<=', BigInt(nowMs))
      .orderBy('expires_at_ms')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Orders in `state`, least recently changed first; only those unchanged since `updatedBeforeMs` when given. */
  async findInState(state: OrderState, limit: number, updatedBeforeMs?: number): Promise<Order[]> {
    let query = this.db.selectFrom('orders').selectAll().where('state', '=', state);
    if (updatedBeforeMs !== undefined) query = query.where('updated_at_ms', '<', BigInt(updatedBeforeMs));
    const rows = await query.orderBy('updated_at_ms').limit(limit).execute();
    return rows.map(fromRow);
  }

  /** Orders cancelled while their payment was in flight, whose channel outcome is still to be learned. */
  async findCancelledAwaitingChannel(limit: number): Promise<Order[]> {
    const rows = await this.db
      .selectFrom('orders')
      .selectAll()
      .where('state', '=', 'CANCEL')
      .where('decline_code', '=', 'CANCELLED_AWAITING_CHANNEL')
      .orderBy('updated_at_ms')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /** Changes an order's decline code without a state change (guarded by both), with its audit event. */
  async replaceDeclineCode(orderId: string, state: OrderState, from: string, to: string, nowMs: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable('orders')
        .set((eb) => ({ decline_code: to, updated_at_ms: BigInt(nowMs), version: eb('version', '+', 1n) }))
        .where('order_id', '=', orderId)
        .where('state', '=', state)
        .where('decline_code', '=', from)
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) return false;
      await tx.insertInto('order_events').values({ order_id: orderId, from_state: state, to_state: state, reason: `${from} → ${to}`, at_ms: BigInt(nowMs) }).execute();
      return true;
    });
  }

  async countByState(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('orders')
      .select((eb) => ['state', eb.fn.countAll<bigint | string | number>().as('n')])
      .groupBy('state')
      .execute();
    return new Map(rows.map((r) => [r.state, Number(r.n)]));
  }

  async events(orderId: string): Promise<{ from: string | null; to: string; reason: string; atMs: number }[]> {
    const rows = await this.db.selectFrom('order_events').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
    return rows.map((r) => ({ from: r.from_state, to: r.to_state, reason: r.reason, atMs: Number(r.at_ms) }));
  }
}

function serializeDetails(d: OrderDetails): string {
  return JSON.stringify({ ...d, products: d.products.map((p) => ({ ...p, amountMinor: p.amountMinor.toString() })) });
}

function parseDetails(json: string): OrderDetails {
  const raw = JSON.parse(json) as OrderDetails & { products: { amountMinor: string }[] };
  return { ...raw, products: raw.products.map((p) => ({ ...p, amountMinor: BigInt(p.amountMinor) as AmountMinor })) } as OrderDetails;
}

function toRow(o: Order): Insertable<OrderTable> {
  return {
    order_id: o.orderId,
    merchant_id: o.merchantId,
    request_id: o.requestId,
    request_digest: o.requestDigest,
    product: o.product ?? 'icc',
    amount_minor: o.amountMinor,
    currency: o.currency,
    state: o.state,
    language: o.language,
    notify_url: o.notifyUrl,
    callback_url: o.callbackUrl,
    terminal_no: o.terminalNo,
    remark: o.remark,
    order_type: o.orderType,
    details_json: serializeDetails(o.details),
    client_ip: o.clientIp,
    expires_at_ms: BigInt(o.expiresAtMs),
    created_at_ms: BigInt(o.createdAtMs),
    updated_at_ms: BigInt(o.updatedAtMs),
    completed_at_ms: o.completedAtMs === null ? null : BigInt(o.completedAtMs),
    card_brand: o.card?.brand ?? null,
    card_bin: o.card?.bin ?? null,
    card_last4: o.card?.last4 ?? null,
    vault_token: o.card?.vaultToken ?? null,
    channel: o.channel,
    channel_reference: o.channelReference,
    decline_code: o.declineCode,
    challenge_attempts: BigInt(o.challengeAttempts),
    fee_minor: o.feeMinor,
    version: BigInt(o.version),
    delivery_status: o.deliveryStatus,
  };
}

function patchToRow(p: OrderPatch): Updateable<OrderTable> {
  const row: Updateable<OrderTable> = {};
  if (p.card !== undefined) {
    row.card_brand = p.card?.brand ?? null;
    row.card_bin = p.card?.bin ?? null;
    row.card_last4 = p.card?.last4 ?? null;
    row.vault_token = p.card?.vaultToken ?? null;
  }
  if (p.channel !== undefined) row.channel = p.channel;
  if (p.channelReference !== undefined) row.channel_reference = p.channelReference;
  if (p.declineCode !== undefined) row.decline_code = p.declineCode;
  if (p.challengeAttempts !== undefined) row.challenge_attempts = BigInt(p.challengeAttempts);
  if (p.completedAtMs !== undefined) row.completed_at_ms = p.completedAtMs === null ? null : BigInt(p.completedAtMs);
  if (p.feeMinor !== undefined) row.fee_minor = p.feeMinor;
  return row;
}

function fromRow(r: Selectable<OrderTable>): Order {
  const amount = BigInt(r.amount_minor);
  // Money is checked again on the way out: a row that violates it is corruption, not input.
  if (amount <= 0n) throw new Error(`order ${r.order_id} has a non-positive amount`);
  const reserved = BigInt(r.refund_reserved_minor);
  const refunded = BigInt(r.refunded_minor);
  const disputed = BigInt(r.disputed_minor);
  if (refunded < 0n || refunded > reserved || disputed < 0n || reserved + disputed > amount) {
    throw new Error(`order ${r.order_id} breaks the refund invariant (refunded ${refunded}, reserved ${reserved}, disputed ${disputed}, amount ${amount})`);
  }
  return {
    orderId: r.order_id,
    merchantId: r.merchant_id,
    requestId: r.request_id,
    requestDigest: r.request_digest,
    product: r.product === 'foreignExchange' ? 'foreignExchange' : 'icc',
    amountMinor: amount as AmountMinor,
    currency: r.currency as CurrencyCode,
    state: r.state as OrderState,
    language: r.language === 'zh' ? 'zh' : 'en',
    notifyUrl: r.notify_url,
    callbackUrl: r.callback_url,
    terminalNo: r.terminal_no,
    remark: r.remark,
    orderType: r.order_type as Order['orderType'],
    details: parseDetails(r.details_json),
    clientIp: r.client_ip,
    expiresAtMs: Number(r.expires_at_ms),
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    completedAtMs: r.completed_at_ms === null ? null : Number(r.completed_at_ms),
    card: r.card_brand && r.card_bin && r.card_last4 ? { brand: r.card_brand, bin: r.card_bin, last4: r.card_last4, vaultToken: r.vault_token } : null,
    channel: r.channel,
    channelReference: r.channel_reference,
    declineCode: r.decline_code,
    challengeAttempts: Number(r.challenge_attempts),
    feeMinor: BigInt(r.fee_minor),
    refundReservedMinor: BigInt(r.refund_reserved_minor),
    refundedMinor: BigInt(r.refunded_minor),
    refundCount: Number(r.refund_count),
    disputedMinor: BigInt(r.disputed_minor),
    deliveryStatus: r.delivery_status === 'SHIPPED' || r.delivery_status === 'DELIVERED' ? r.delivery_status : null,
    version: Number(r.version),
  };
}
