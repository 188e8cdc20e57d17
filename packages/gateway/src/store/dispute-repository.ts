import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database, DisputeTable } from './schema.js';
import type { Dispute, DisputeActorKind, DisputeChange, DisputeEvent, DisputeStage, DisputeStatus } from '../domain/dispute.js';
import type { DisputeEvidence, EvidenceDetails } from '../domain/dispute-evidence.js';
import { chargebackJournal, chargebackLostJournal, chargebackReversalJournal } from '../domain/ledger.js';
import type { AmountMinor } from '../domain/money.js';
import type { CurrencyCode } from '../domain/currencies.js';
import type { Order } from '../domain/order.js';
import type { LedgerRepository } from './ledger-repository.js';
import type { OrderRepository } from './order-repository.js';
import { writeOutbox, type OutboxEntry } from './outbox-writer.js';
import { sqliteIndexedBy } from './index-hint.js';

/** The partial index of sandbox magic-card orders (migration 0004). */
export const SANDBOX_DISPUTE_INDEX = 'orders_sandbox_dispute_cards';
/** The reference tags the partial index's condition names (migration 0004). */
const SANDBOX_DISPUTE_INDEX_PREFIXES = ['sbx_cb_', 'sbx_rr_'];

type Db = Kysely<Database> | Transaction<Database>;

/** Builds the merchant's notification of a change from the case and order as committed. */
export type DisputeNotifier = (dispute: Dispute, order: Order) => OutboxEntry | undefined;

export type DisputeWriteResult =
  | { kind: 'done'; dispute: Dispute }
  /** Another writer changed the case first (open: the acquirer reference exists already); nothing was written. */
  | { kind: 'stale' }
  /** The order has no room for the amount to hold (refunds and other chargebacks took it); nothing was written. */
  | { kind: 'refused' };

/** Thrown inside a transaction to roll it back when the order's guard refuses the hold. */
class HoldRefused extends Error {}

export interface DisputeFilter {
  merchantId?: string;
  orderId?: string;
  status?: DisputeStatus;
  stage?: DisputeStage;
  limit: number;
}

/**
 * Dispute cases and everything that changes with them. Every change is one
 * transaction: the case row (guarded by its version, so of two racing
 * writers one wins), the money on the order (guarded like a refund's
 * reservation), its ledger journal, the history row, an audit event on the
 * order and the merchant's notification.
 */
export class DisputeRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly orders: OrderRepository,
    private readonly ledger: LedgerRepository,
  ) {}

  async open(d: Dispute, change: DisputeChange, event: DisputeEvent, notify: DisputeNotifier): Promise<DisputeWriteResult> {
    return this.write(async (tx) => {
      const inserted = await tx
        .insertInto('disputes')
        .values(toRow({ ...d, heldMinor: change.money === 'hold' ? d.amountMinor : 0n }))
        .onConflict((oc) => oc.columns(['merchant_id', 'acquirer_reference']).doNothing())
        .executeTakeFirst();
      if ((inserted.numInsertedOrUpdatedRows ?? 0n) === 0n) return undefined;
      return this.afterChange(tx, d.disputeId, change, event, notify);
    });
  }

  /**
   * Applies a planned change to the case at `expectedVersion`, with `within`
   * for more rows that commit with it (the merchant's evidence).
   */
  async change(
    current: Dispute,
    change: DisputeChange,
    patch: Partial<Pick<Dispute, 'amountMinor' | 'reasonCode' | 'reasonText' | 'respondByMs' | 'evidenceSubmittedAtMs' | 'closedAtMs'>>,
    event: DisputeEvent,
    notify: DisputeNotifier,
    within?: (tx: Transaction<Database>) => Promise<void>,
  ): Promise<DisputeWriteResult> {
    const amount = patch.amountMinor ?? current.amountMinor;
    const held = change.money === 'hold' ? amount : change.money === 'release' ? 0n : current.heldMinor;
    return this.write(async (tx) => {
      const updated = await tx
        .updateTable('disputes')
        .set((eb) => ({
          stage: change.stage,
          status: change.status,
          held_minor: held,
          amount_minor: amount,
          updated_at_ms: BigInt(event.atMs),
          version: eb('version', '+', 1n),
          ...(patch.reasonCode !== undefined ? { reason_code: patch.reasonCode } : {}),
          ...(patch.reasonText !== undefined ? { reason_text: patch.reasonText } : {}),
          ...(patch.respondByMs !== undefined ? { respond_by_ms: BigInt(patch.respondByMs) } : {}),
          ...(patch.evidenceSubmittedAtMs !== undefined ? { evidence_submitted_at_ms: patch.evidenceSubmittedAtMs === null ? null : BigInt(patch.evidenceSubmittedAtMs) } : {}),
          ...(patch.closedAtMs !== undefined ? { closed_at_ms: patch.closedAtMs === null ? null : BigInt(patch.closedAtMs) } : {}),
        }))
        .where('dispute_id', '=', current.disputeId)
        .where('version', '=', BigInt(current.version))
        .executeTakeFirst();
      if (updated.numUpdatedRows !== 1n) return undefined;
      if (within) await within(tx);
      return this.afterChange(tx, current.disputeId, change, event, notify);
    });
  }

  private async write(task: (tx: Transaction<Database>) => Promise<Dispute | undefined>): Promise<DisputeWriteResult> {
    try {
      const dispute = await this.db.transaction().execute(task);
      return dispute ? { kind: 'done', dispute } : { kind: 'stale' };
    } catch (error) {
      if (error instanceof HoldRefused) return { kind: 'refused' };
      throw error;
    }
  }

  /** The money, ledger, history, audit and notification of a change already written to the case row. */
  private async afterChange(tx: Transaction<Database>, disputeId: string, change: DisputeChange, event: DisputeEvent, notify: DisputeNotifier): Promise<Dispute> {
    const dispute = await this.find(disputeId, tx);
    if (!dispute) throw new Error(`dispute ${disputeId} vanished inside its own transaction`);
    // The version the change produced names its journal: a case can hold, release and hold again, each posted once.
    const sourceId = `${disputeId}.v${dispute.version}`;
    if (change.money === 'hold') {
      const guarded = await tx
        .updateTable('orders')
        .set((eb) => ({ disputed_minor: eb('disputed_minor', '+', dispute.amountMinor), version: eb('version', '+', 1n) }))
        .where('order_id', '=', dispute.orderId)
        .where('state', '=', 'SUCCESS')
        .where(sql<boolean>`amount_minor - refund_reserved_minor - disputed_minor >= ${dispute.amountMinor}`)
        .executeTakeFirst();
      if (guarded.numUpdatedRows !== 1n) throw new HoldRefused();
    } else if (change.money === 'release') {
      const released = await tx
        .updateTable('orders')
        .set((eb) => ({ disputed_minor: eb('disputed_minor', '-', dispute.amountMinor), version: eb('version', '+', 1n) }))
        .where('order_id', '=', dispute.orderId)
        .where('disputed_minor', '>=', dispute.amountMinor)
        .executeTakeFirst();
      if (released.numUpdatedRows !== 1n) throw new Error(`dispute ${disputeId} releases more than its order holds`);
    }
    const order = await this.orders.find(dispute.orderId, tx);
    if (!order) throw new Error(`dispute ${disputeId} belongs to a missing order`);
    if (change.money !== 'none') {
      if (!order.channel) throw new Error(`dispute ${disputeId}: order ${order.orderId} has no channel to post against`);
      const ref = { orderId: order.orderId, merchantId: order.merchantId, channel: order.channel, amountMinor: dispute.amountMinor, currency: dispute.currency };
      const journal = change.money === 'hold' ? chargebackJournal(sourceId, ref) : change.money === 'release' ? chargebackReversalJournal(sourceId, ref) : chargebackLostJournal(sourceId, ref);
      await this.ledger.post(tx, [journal], event.atMs);
    }
    await tx
      .insertInto('dispute_events')
      .values({
        dispute_id: disputeId,
        actor: event.actor.kind,
        actor_name: event.actor.name ?? null,
        from_stage: event.fromStage,
        from_status: event.fromStatus,
        to_stage: event.toStage,
        to_status: event.toStatus,
        note: event.note,
        at_ms: BigInt(event.atMs),
      })
      .execute();
    const from = event.fromStage ? `${event.fromStage}/${event.fromStatus} → ` : 'opened ';
    await tx
      .insertInto('order_events')
      .values({ order_id: order.orderId, from_state: order.state, to_state: order.state, reason: `dispute ${disputeId} ${from}${event.toStage}/${event.toStatus}`, at_ms: BigInt(event.atMs) })
      .execute();
    const entry = notify(dispute, order);
    if (entry) await writeOutbox(tx, entry, { merchantId: dispute.merchantId, orderId: dispute.orderId, nowMs: event.atMs });
    return dispute;
  }

  /** Stores an answer and its attachments' records (the files are already in the attachment store). */
  async insertEvidence(tx: Transaction<Database>, e: DisputeEvidence): Promise<void> {
    await tx
      .insertInto('dispute_evidence')
      .values({
        evidence_id: e.evidenceId,
        dispute_id: e.disputeId,
        stage: e.stage,
        request_id: e.requestId,
        request_digest: e.requestDigest,
        details_json: JSON.stringify(e.details),
        submitted_at_ms: BigInt(e.submittedAtMs),
      })
      .execute();
    if (e.attachments.length > 0) {
      await tx
        .insertInto('dispute_attachments')
        .values(
          e.attachments.map((a, i) => ({
            evidence_id: e.evidenceId,
            position: BigInt(i),
            name: a.name,
            content_type: a.contentType,
            size_bytes: BigInt(a.sizeBytes),
            sha256: a.sha256,
            storage_path: a.storagePath,
          })),
        )
        .execute();
    }
  }

  async find(disputeId: string, db: Db = this.db): Promise<Dispute | undefined> {
    const row = await db.selectFrom('disputes').selectAll().where('dispute_id', '=', disputeId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async findByAcquirerReference(merchantId: string, reference: string): Promise<Dispute | undefined> {
    const row = await this.db.selectFrom('disputes').selectAll().where('merchant_id', '=', merchantId).where('acquirer_reference', '=', reference).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async forOrder(orderId: string): Promise<Dispute[]> {
    const rows = await this.db.selectFrom('disputes').selectAll().where('order_id', '=', orderId).orderBy('opened_at_ms').orderBy('dispute_id').execute();
    return rows.map(fromRow);
  }

  /** Newest first. */
  async list(filter: DisputeFilter): Promise<Dispute[]> {
    let query = this.db.selectFrom('disputes').selectAll();
    if (filter.merchantId !== undefined) query = query.where('merchant_id', '=', filter.merchantId);
    if (filter.orderId !== undefined) query = query.where('order_id', '=', filter.orderId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.stage !== undefined) query = query.where('stage', '=', filter.stage);
    const rows = await query.orderBy('opened_at_ms', 'desc').orderBy('dispute_id').limit(filter.limit).execute();
    return rows.map(fromRow);
  }

  async history(disputeId: string): Promise<DisputeEvent[]> {
    const rows = await this.db.selectFrom('dispute_events').selectAll().where('dispute_id', '=', disputeId).orderBy('id').execute();
    return rows.map((r) => ({
      disputeId: r.dispute_id,
      actor: { kind: r.actor as DisputeActorKind, ...(r.actor_name ? { name: r.actor_name } : {}) },
      fromStage: r.from_stage as DisputeStage | null,
      fromStatus: r.from_status as DisputeStatus | null,
      toStage: r.to_stage as DisputeStage,
      toStatus: r.to_status as DisputeStatus,
      note: r.note,
      atMs: Number(r.at_ms),
    }));
  }

  async evidence(disputeId: string): Promise<DisputeEvidence[]> {
    const rows = await this.db.selectFrom('dispute_evidence').selectAll().where('dispute_id', '=', disputeId).orderBy('submitted_at_ms').execute();
    return Promise.all(rows.map((r) => this.evidenceFromRow(r)));
  }

  async evidenceByRequest(disputeId: string, requestId: string): Promise<DisputeEvidence | undefined> {
    const row = await this.db.selectFrom('dispute_evidence').selectAll().where('dispute_id', '=', disputeId).where('request_id', '=', requestId).executeTakeFirst();
    return row ? this.evidenceFromRow(row) : undefined;
  }

  private async evidenceFromRow(r: Selectable<Database['dispute_evidence']>): Promise<DisputeEvidence> {
    const files = await this.db.selectFrom('dispute_attachments').selectAll().where('evidence_id', '=', r.evidence_id).orderBy('position').execute();
    return {
      evidenceId: r.evidence_id,
      disputeId: r.dispute_id,
      stage: r.stage as DisputeStage,
      requestId: r.request_id,
      requestDigest: r.request_digest,
      details: JSON.parse(r.details_json) as EvidenceDetails,
      attachments: files.map((f) => ({ name: f.name, contentType: f.content_type, sizeBytes: Number(f.size_bytes), sha256: f.sha256, storagePath: f.storage_path })),
      submittedAtMs: Number(r.submitted_at_ms),
    };
  }

  /** OPEN cases whose deadline has passed, earliest first. */
  async findOverdue(nowMs: number, limit: number): Promise<Dispute[]> {
    const rows = await this.db
      .selectFrom('disputes')
      .selectAll()
      .where('status', '=', 'OPEN')
      .where('respond_by_ms', '<=', BigInt(nowMs))
      .orderBy('respond_by_ms')
      .limit(limit)
      .execute();
    return rows.map(fromRow);
  }

  /**
   * Paid orders with one of the sandbox's chargeback / retrieval references,
   * completed before `completedBeforeMs`, with something left to dispute and
   * no case yet. Reads only the partial index of migration 0004, whose
   * condition this repeats (the `sbx_cb_` / `sbx_rr_` tags of the sandbox
   * channel's references, channels/sandbox-card/transformers.ts): it holds
   * the sandbox magic-card orders alone, however many other orders there are.
   * Without a sandbox merchant there is nothing to read at all.
   */
  async findSandboxDisputeCandidates(completedBeforeMs: number, limit: number, channel: string, referencePrefixes: readonly string[]): Promise<{ orderId: string; channelReference: string }[]> {
    if (referencePrefixes.length === 0) return [];
    const sandbox = await this.db.selectFrom('merchants').select('merchant_id').where('sandbox', '=', 1n).limit(1).executeTakeFirst();
    if (!sandbox) return [];
    // substr, not LIKE: the prefixes hold underscores, which LIKE reads as wildcards.
    const length = referencePrefixes[0]!.length;
    const tagged = referencePrefixes.every((p) => p.length === length)
      ? sql`substr(o.channel_reference, 1, ${sql.lit(length)}) in (${sql.join(referencePrefixes.map((p) => sql.lit(p)))})`
      : sql`(${sql.join(referencePrefixes.map((p) => sql`substr(o.channel_reference, 1, ${sql.lit(p.length)}) = ${sql.lit(p)}`), sql` or `)})`;
    // The partial index of migration 0004 holds exactly the sandbox card's tagged
    // orders; SQLite is told to use it, so a query it no longer fits fails loudly.
    const indexed = referencePrefixes.join(',') === SANDBOX_DISPUTE_INDEX_PREFIXES.join(',');
    const { rows } = await sql<{ order_id: string; channel_reference: string | null }>`
      select o.order_id, o.channel_reference
      from orders as o ${indexed ? sqliteIndexedBy(this.db, SANDBOX_DISPUTE_INDEX) : sql``}
      where o.state = 'SUCCESS' and ${tagged}
        and o.channel = ${channel}
        and o.completed_at_ms <= ${BigInt(completedBeforeMs)}
        and o.amount_minor - o.refund_reserved_minor - o.disputed_minor > 0
        and not exists (select 1 from disputes d where d.order_id = o.order_id)
      order by o.completed_at_ms
      limit ${limit}`.execute(this.db);
    return rows.map((r) => ({ orderId: r.order_id, channelReference: r.channel_reference ?? '' }));
  }

  async disputeNotifyUrl(merchantId: string): Promise<string | null> {
    const row = await this.db.selectFrom('merchants').select('dispute_notify_url').where('merchant_id', '=', merchantId).executeTakeFirst();
    return row?.dispute_notify_url ?? null;
  }

  async setDisputeNotifyUrl(merchantId: string, url: string | null): Promise<boolean> {
    const r = await this.db.updateTable('merchants').set({ dispute_notify_url: url }).where('merchant_id', '=', merchantId).executeTakeFirst();
    return r.numUpdatedRows > 0n;
  }
}

function toRow(d: Dispute): DisputeTable {
  return {
    dispute_id: d.disputeId,
    order_id: d.orderId,
    merchant_id: d.merchantId,
    stage: d.stage,
    status: d.status,
    reason_code: d.reasonCode,
    reason_text: d.reasonText,
    amount_minor: d.amountMinor,
    currency: d.currency,
    held_minor: d.heldMinor,
    acquirer_reference: d.acquirerReference,
    opened_at_ms: BigInt(d.openedAtMs),
    respond_by_ms: BigInt(d.respondByMs),
    evidence_submitted_at_ms: d.evidenceSubmittedAtMs === null ? null : BigInt(d.evidenceSubmittedAtMs),
    closed_at_ms: d.closedAtMs === null ? null : BigInt(d.closedAtMs),
    updated_at_ms: BigInt(d.updatedAtMs),
    version: BigInt(d.version),
  };
}

function fromRow(r: Selectable<DisputeTable>): Dispute {
  const amount = BigInt(r.amount_minor);
  const held = BigInt(r.held_minor);
  // Checked on the way out as on the way in: a case holds nothing or exactly its amount.
  if (amount <= 0n || (held !== 0n && held !== amount)) throw new Error(`dispute ${r.dispute_id} breaks its money invariant (amount ${amount}, held ${held})`);
  return {
    disputeId: r.dispute_id,
    orderId: r.order_id,
    merchantId: r.merchant_id,
    stage: r.stage as DisputeStage,
    status: r.status as DisputeStatus,
    reasonCode: r.reason_code,
    reasonText: r.reason_text,
    amountMinor: amount as AmountMinor,
    currency: r.currency as CurrencyCode,
    heldMinor: held,
    acquirerReference: r.acquirer_reference,
    openedAtMs: Number(r.opened_at_ms),
    respondByMs: Number(r.respond_by_ms),
    evidenceSubmittedAtMs: r.evidence_submitted_at_ms === null ? null : Number(r.evidence_submitted_at_ms),
    closedAtMs: r.closed_at_ms === null ? null : Number(r.closed_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
    version: Number(r.version),
  };
}
