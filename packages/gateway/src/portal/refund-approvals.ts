import { randomBytes } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, PortalRefundApprovalTable } from '../store/schema.js';
import { display } from './order-search.js';

/** Which portal refunds need a second user: none, those above a threshold, or all. */
export const REFUND_POLICY_MODES = ['off', 'above', 'all'] as const;
export type RefundPolicyMode = (typeof REFUND_POLICY_MODES)[number];

export interface RefundPolicy {
  mode: RefundPolicyMode;
  /** For `above`: refunds in this currency above this many minor units wait; refunds in any other currency always wait. */
  thresholdMinor: bigint | null;
  thresholdCurrency: string | null;
}

export type ApprovalState = 'PENDING' | 'APPROVED' | 'REJECTED';

export interface RefundApproval {
  approvalId: string;
  merchantId: string;
  orderId: string;
  requestId: string;
  requestDigest: string;
  /** null: everything still refundable at approval time. */
  amountMinor: bigint | null;
  /** The amount when asked for (what the threshold was compared with). */
  estimatedMinor: bigint;
  currency: string;
  remark: string | null;
  requestedByUserId: string;
  requestedByEmail: string;
  state: ApprovalState;
  decidedByUserId: string | null;
  decidedByEmail: string | null;
  decidedAtMs: number | null;
  decisionNote: string | null;
  refundId: string | null;
  refundState: string | null;
  failureCode: string | null;
  createdAtMs: number;
  updatedAtMs: number;
}

const OFF: RefundPolicy = { mode: 'off', thresholdMinor: null, thresholdCurrency: null };

/** Whether a refund of this amount needs a second user under the policy. */
export function needsApproval(policy: RefundPolicy, amountMinor: bigint, currency: string): boolean {
  if (policy.mode === 'off') return false;
  if (policy.mode === 'all') return true;
  // A threshold is in one currency's minor units: a refund in another currency cannot be compared, so it waits.
  if (policy.thresholdCurrency !== currency || policy.thresholdMinor === null) return true;
  return amountMinor > policy.thresholdMinor;
}

/** The wire view of an approval: money as strings, like everywhere in the back office. */
export function approvalView(a: RefundApproval) {
  return {
    approvalId: a.approvalId,
    orderId: a.orderId,
    requestId: a.requestId,
    amountMinor: a.amountMinor === null ? null : a.amountMinor.toString(),
    estimatedMinor: a.estimatedMinor.toString(),
    estimated: display(a.estimatedMinor, a.currency),
    currency: a.currency,
    remark: a.remark,
    requestedByUserId: a.requestedByUserId,
    requestedByEmail: a.requestedByEmail,
    state: a.state,
    decidedByEmail: a.decidedByEmail,
    decidedAtMs: a.decidedAtMs,
    decisionNote: a.decisionNote,
    refundId: a.refundId,
    refundState: a.refundState,
    failureCode: a.failureCode,
    createdAtMs: a.createdAtMs,
  };
}

function fromRow(r: Selectable<PortalRefundApprovalTable>): RefundApproval {
  const n = (v: bigint | number | null) => (v === null ? null : Number(v));
  return {
    approvalId: r.approval_id,
    merchantId: r.merchant_id,
    orderId: r.order_id,
    requestId: r.request_id,
    requestDigest: r.request_digest,
    amountMinor: r.amount_minor === null ? null : BigInt(r.amount_minor),
    estimatedMinor: BigInt(r.estimated_minor),
    currency: r.currency,
    remark: r.remark,
    requestedByUserId: r.requested_by_user_id,
    requestedByEmail: r.requested_by_email,
    state: r.state as ApprovalState,
    decidedByUserId: r.decided_by_user_id,
    decidedByEmail: r.decided_by_email,
    decidedAtMs: n(r.decided_at_ms),
    decisionNote: r.decision_note,
    refundId: r.refund_id,
    refundState: r.refund_state,
    failureCode: r.failure_code,
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}

/**
 * The refund approval policy and the refunds waiting for a second user.
 * Only rows here: the refund itself is made by the refund service once a
 * checker approves, so the refund invariant stays in one place.
 */
export class RefundApprovals {
  constructor(private readonly db: Kysely<Database>) {}

  async policy(merchantId: string): Promise<RefundPolicy> {
    const r = await this.db.selectFrom('portal_refund_policies').selectAll().where('merchant_id', '=', merchantId).executeTakeFirst();
    if (!r) return OFF;
    return { mode: r.mode as RefundPolicyMode, thresholdMinor: r.threshold_minor === null ? null : BigInt(r.threshold_minor), thresholdCurrency: r.threshold_currency };
  }

  async setPolicy(merchantId: string, policy: RefundPolicy, nowMs: number): Promise<void> {
    const values = { mode: policy.mode, threshold_minor: policy.thresholdMinor, threshold_currency: policy.thresholdCurrency, updated_at_ms: BigInt(nowMs) };
    await this.db
      .insertInto('portal_refund_policies')
      .values({ merchant_id: merchantId, ...values })
      .onConflict((oc) => oc.column('merchant_id').doUpdateSet(values))
      .execute();
  }

  /** Inserts a waiting refund; a concurrent insert of the same requestId wins and is answered instead. */
  async insert(a: Omit<RefundApproval, 'approvalId' | 'state' | 'decidedByUserId' | 'decidedByEmail' | 'decidedAtMs' | 'decisionNote' | 'refundId' | 'refundState' | 'failureCode' | 'updatedAtMs'>): Promise<{ kind: 'created' | 'exists'; approval: RefundApproval }> {
    const approvalId = `ra${randomBytes(12).toString('hex')}`;
    const inserted = await this.db
      .insertInto('portal_refund_approvals')
      .values({
        approval_id: approvalId,
        merchant_id: a.merchantId,
        order_id: a.orderId,
        request_id: a.requestId,
        request_digest: a.requestDigest,
        amount_minor: a.amountMinor,
        estimated_minor: a.estimatedMinor,
        currency: a.currency,
        remark: a.remark,
        requested_by_user_id: a.requestedByUserId,
        requested_by_email: a.requestedByEmail,
        state: 'PENDING',
        decided_by_user_id: null,
        decided_by_email: null,
        decided_at_ms: null,
        decision_note: null,
        refund_id: null,
        refund_state: null,
        failure_code: null,
        created_at_ms: BigInt(a.createdAtMs),
        updated_at_ms: BigInt(a.createdAtMs),
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'request_id']).doNothing())
      .executeTakeFirst();
    const created = (inserted.numInsertedOrUpdatedRows ?? 0n) > 0n;
    const approval = await this.findByRequest(a.merchantId, a.requestId);
    if (!approval) throw new Error('refund approval insert conflicted but no row exists');
    return { kind: created ? 'created' : 'exists', approval };
  }

  async find(approvalId: string): Promise<RefundApproval | undefined> {
    const r = await this.db.selectFrom('portal_refund_approvals').selectAll().where('approval_id', '=', approvalId).executeTakeFirst();
    return r ? fromRow(r) : undefined;
  }

  async findByRequest(merchantId: string, requestId: string): Promise<RefundApproval | undefined> {
    const r = await this.db.selectFrom('portal_refund_approvals').selectAll().where('merchant_id', '=', merchantId).where('request_id', '=', requestId).executeTakeFirst();
    return r ? fromRow(r) : undefined;
  }

  /** A merchant's approvals, newest first; only one state when given. */
  async list(merchantId: string, state: ApprovalState | undefined, limit: number): Promise<RefundApproval[]> {
    let q = this.db.selectFrom('portal_refund_approvals').selectAll().where('merchant_id', '=', merchantId);
    if (state) q = q.where('state', '=', state);
    const rows = await q.orderBy('created_at_ms', 'desc').orderBy('approval_id', 'desc').limit(limit).execute();
    return rows.map(fromRow);
  }

  /**
   * Moves a waiting refund to APPROVED or REJECTED, only if it is still
   * PENDING: of two checkers deciding at once, one wins and the other is
   * told it was decided already.
   */
  async decide(approvalId: string, to: 'APPROVED' | 'REJECTED', by: { userId: string | null; email: string }, note: string | null, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('portal_refund_approvals')
      .set({ state: to, decided_by_user_id: by.userId, decided_by_email: by.email, decided_at_ms: BigInt(nowMs), decision_note: note, updated_at_ms: BigInt(nowMs) })
      .where('approval_id', '=', approvalId)
      .where('state', '=', 'PENDING')
      .executeTakeFirst();
    return (result.numUpdatedRows ?? 0n) > 0n;
  }

  /** What the refund service answered once the refund was approved. */
  async recordOutcome(approvalId: string, outcome: { refundId: string | null; refundState: string; failureCode: string | null }, nowMs: number): Promise<void> {
    await this.db
      .updateTable('portal_refund_approvals')
      .set({ refund_id: outcome.refundId, refund_state: outcome.refundState, failure_code: outcome.failureCode, updated_at_ms: BigInt(nowMs) })
      .where('approval_id', '=', approvalId)
      .execute();
  }
}
