import type { Kysely } from 'kysely';
import { GatewayError } from '../domain/errors.js';
import { requestDigest } from '../orders/request-digest.js';
import type { RefundService } from '../orders/refund-service.js';
import type { AmountMinor } from '../domain/money.js';
import { refundAmountFor } from '../domain/refund.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { Database } from '../store/schema.js';
import type { AuditActor, AuditLog } from './audit-log.js';
import { display } from './order-search.js';
import { portalError } from './portal-error.js';
import { approvalView, needsApproval, RefundApprovals } from './refund-approvals.js';

export interface PortalRefundDeps {
  db: Kysely<Database>;
  orders: OrderRepository;
  refunds: RefundService;
  audit: AuditLog;
  clock: () => number;
}

export interface PortalRefundInput {
  orderId: string;
  requestId: string;
  /** Digits, or undefined for everything still refundable. */
  amountText: string | undefined;
  remark: string | null;
}

export interface RefundView {
  refundId: string;
  requestId: string;
  state: string;
  amountMinor: string;
  amount: string;
  currency: string;
  failureCode: string | null;
}

export type PortalRefundAnswer = { kind: 'created' | 'replayed'; refund: RefundView } | { kind: 'pending'; approval: ReturnType<typeof approvalView> };

/** The digest a portal refund is told apart by: the same form sent twice replays, other content under the same number conflicts. */
export function portalRefundDigest(orderId: string, amountText: string | undefined, remark: string | null): string {
  return requestDigest({ source: 'portal', orderId, amountMinor: amountText ?? null, remark });
}

/**
 * One refund asked for in the back office (the order page or a batch row).
 * It goes through RefundService.request, the same core the merchant API
 * uses: the portal is one more way to ask, never a second refund engine.
 * When the merchant's approval policy asks for a second user, the refund
 * waits instead (see refund-approval-decision.ts), and only the checker's
 * approval sends it to the refund service.
 */
export async function portalRefund(deps: PortalRefundDeps, actor: AuditActor, merchant: Merchant, input: PortalRefundInput): Promise<PortalRefundAnswer> {
  const { orderId, requestId, amountText, remark } = input;
  if (amountText !== undefined && !/^[1-9]\d{0,17}$/.test(amountText)) throw portalError('AMOUNT_INVALID', { field: 'amountMinor' });
  const digest = portalRefundDigest(orderId, amountText, remark);
  const before = await deps.orders.find(orderId);
  const waiting = await maybeWait(deps, actor, merchant, input, digest, before);
  if (waiting) return waiting;
  const result = await deps.refunds.request(merchant, {
    requestId,
    requestDigest: digest,
    orderId,
    amountMinor: amountText === undefined ? null : (BigInt(amountText) as AmountMinor),
    remark,
    notifyUrl: null,
  });
  const r = result.refund;
  if (result.kind === 'created') {
    await deps.audit.record(
      actor,
      {
        merchantId: merchant.merchantId,
        action: 'refund.request',
        target: orderId,
        before: before ? { refundReservedMinor: before.refundReservedMinor, refundedMinor: before.refundedMinor } : null,
        after: { refundId: r.refundId, requestId: r.requestId, amountMinor: r.amountMinor, state: r.state },
      },
      deps.clock(),
    );
  }
  return {
    kind: result.kind,
    refund: { refundId: r.refundId, requestId: r.requestId, state: r.state, amountMinor: r.amountMinor.toString(), amount: display(r.amountMinor, r.currency), currency: r.currency, failureCode: r.failureCode },
  };
}

/**
 * Holds the refund for a second user when the policy says so; undefined
 * when it may go through now. A requestId already waiting (or decided)
 * answers that approval again; one already refunded replays in the core.
 */
async function maybeWait(
  deps: PortalRefundDeps,
  actor: AuditActor,
  merchant: Merchant,
  input: PortalRefundInput,
  digest: string,
  order: Awaited<ReturnType<OrderRepository['find']>>,
): Promise<PortalRefundAnswer | undefined> {
  const approvals = new RefundApprovals(deps.db);
  const earlier = await approvals.findByRequest(merchant.merchantId, input.requestId);
  if (earlier) {
    if (earlier.requestDigest !== digest) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.requestId });
    return { kind: 'pending', approval: approvalView(earlier) };
  }
  if (await deps.refunds.findByRequest(merchant.merchantId, input.requestId)) return undefined;
  const policy = await approvals.policy(merchant.merchantId);
  if (policy.mode === 'off') return undefined;
  // The same checks the refund service makes, early: a checker should never be asked to approve what cannot be done.
  if (!order || order.merchantId !== merchant.merchantId) throw new GatewayError('ORDER_NOT_FOUND');
  const amount = refundAmountFor(order, input.amountText === undefined ? undefined : BigInt(input.amountText));
  if (!needsApproval(policy, amount, order.currency)) return undefined;
  const nowMs = deps.clock();
  const { kind, approval } = await approvals.insert({
    merchantId: merchant.merchantId,
    orderId: order.orderId,
    requestId: input.requestId,
    requestDigest: digest,
    amountMinor: input.amountText === undefined ? null : amount,
    estimatedMinor: amount,
    currency: order.currency,
    remark: input.remark,
    requestedByUserId: actor.userId ?? '',
    requestedByEmail: actor.email,
    createdAtMs: nowMs,
  });
  if (kind === 'exists' && approval.requestDigest !== digest) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.requestId });
  if (kind === 'created') {
    await deps.audit.record(actor, { merchantId: merchant.merchantId, action: 'refund.approval_request', target: order.orderId, after: approvalView(approval) }, nowMs);
  }
  return { kind: 'pending', approval: approvalView(approval) };
}
