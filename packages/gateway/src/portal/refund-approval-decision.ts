import { GatewayError } from '../domain/errors.js';
import type { AmountMinor } from '../domain/money.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { AuditActor } from './audit-log.js';
import { portalError } from './portal-error.js';
import type { PortalRefundDeps } from './portal-refund.js';
import { approvalView, RefundApprovals, type RefundApproval } from './refund-approvals.js';

/**
 * A checker's decision on a waiting refund. Only a user other than the one
 * who asked may decide; approving sends the refund, with the requestId and
 * content it was asked with, through the refund service, which checks the
 * refundable amount again at that moment. Both outcomes are audited.
 */
export async function decideRefundApproval(
  deps: PortalRefundDeps,
  actor: AuditActor,
  merchant: Merchant,
  approvalId: string,
  decision: 'approve' | 'reject',
  note: string | null,
): Promise<ReturnType<typeof approvalView>> {
  const approvals = new RefundApprovals(deps.db);
  const found = await approvals.find(approvalId);
  // Another merchant's approval answers exactly like a missing one.
  if (!found || found.merchantId !== merchant.merchantId) throw portalError('PORTAL_APPROVAL_NOT_FOUND');
  if (actor.userId === null || found.requestedByUserId === actor.userId) throw portalError('PORTAL_APPROVAL_SELF');
  const nowMs = deps.clock();
  const to = decision === 'approve' ? 'APPROVED' : 'REJECTED';
  if (!(await approvals.decide(approvalId, to, actor, note, nowMs))) {
    const current = (await approvals.find(approvalId)) ?? found;
    // Approved, but the gateway stopped before the refund service answered: approving again finishes it (same requestId, so never twice).
    if (to === 'APPROVED' && current.state === 'APPROVED' && current.refundState === null) return approvalView(await sendApproved(deps, approvals, merchant, current));
    throw portalError('PORTAL_APPROVAL_CLOSED', { state: current.state.toLowerCase() });
  }
  let decided = (await approvals.find(approvalId)) ?? found;
  if (to === 'APPROVED') decided = await sendApproved(deps, approvals, merchant, decided);
  await deps.audit.record(
    actor,
    { merchantId: merchant.merchantId, action: to === 'APPROVED' ? 'refund.approve' : 'refund.reject', target: found.orderId, before: { approvalId, state: found.state }, after: approvalView(decided) },
    deps.clock(),
  );
  return approvalView(decided);
}

/** The approved refund through the core; a refusal (another refund took the room meanwhile) is kept on the approval. */
async function sendApproved(deps: PortalRefundDeps, approvals: RefundApprovals, merchant: Merchant, a: RefundApproval): Promise<RefundApproval> {
  let outcome: { refundId: string | null; refundState: string; failureCode: string | null };
  try {
    const result = await deps.refunds.request(merchant, {
      requestId: a.requestId,
      requestDigest: a.requestDigest,
      orderId: a.orderId,
      amountMinor: a.amountMinor === null ? null : (a.amountMinor as AmountMinor),
      remark: a.remark,
      notifyUrl: null,
    });
    outcome = { refundId: result.refund.refundId, refundState: result.refund.state, failureCode: result.refund.failureCode };
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    outcome = { refundId: null, refundState: 'REFUSED', failureCode: error.code };
  }
  await approvals.recordOutcome(a.approvalId, outcome, deps.clock());
  return (await approvals.find(a.approvalId)) ?? a;
}
