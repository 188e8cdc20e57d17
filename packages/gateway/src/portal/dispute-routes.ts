import { DISPUTE_STAGES, DISPUTE_STATUSES, type Dispute, type DisputeStage, type DisputeStatus } from '../domain/dispute.js';
import type { DisputeEvidence } from '../domain/dispute-evidence.js';
import { BACKFILL_REQUEST_BODY_BYTES_MAX } from '../domain/limits.js';
import type { DisputeService } from '../orders/dispute-service.js';
import { parseBackfillRequest } from '../protocols/payease/backfill-request.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { AccountService } from './account-service.js';
import { display } from './order-search.js';
import { portalError } from './portal-error.js';
import { merchantOf } from './refund-approval-routes.js';
import type { PortalRoute } from './route-table.js';
import { bodyOf, paramOf, queryOf, requiredText } from './request-fields.js';

export interface DisputeRoutesDeps {
  accounts: AccountService;
  merchants: MerchantRepository;
  orders: OrderRepository;
  disputes: DisputeService;
  clock: () => number;
}

const DISPUTE_LIST_MAX = 200;

export function disputeView(d: Dispute, orderRequestId: string | null) {
  return {
    disputeId: d.disputeId,
    orderId: d.orderId,
    orderRequestId,
    stage: d.stage,
    status: d.status,
    reasonCode: d.reasonCode,
    reasonText: d.reasonText,
    amountMinor: d.amountMinor.toString(),
    amount: display(d.amountMinor, d.currency),
    currency: d.currency,
    heldMinor: d.heldMinor.toString(),
    acquirerReference: d.acquirerReference,
    openedAtMs: d.openedAtMs,
    respondByMs: d.respondByMs,
    evidenceSubmittedAtMs: d.evidenceSubmittedAtMs,
    closedAtMs: d.closedAtMs,
  };
}

/** An answer as the merchant sees it: what was sent and the files' names and digests, never where they are stored. */
function evidenceView(e: DisputeEvidence) {
  return {
    evidenceId: e.evidenceId,
    stage: e.stage,
    requestId: e.requestId,
    details: e.details,
    attachments: e.attachments.map((a) => ({ name: a.name, contentType: a.contentType, sizeBytes: a.sizeBytes, sha256: a.sha256 })),
    submittedAtMs: e.submittedAtMs,
  };
}

/**
 * The merchant's disputes page: its chargebacks and retrieval requests with
 * their deadlines, the backfill form (the same parsing and the same service
 * as `icc/retrieval/backfill`), and accepting a chargeback.
 */
export function disputeRoutes(deps: DisputeRoutesDeps): PortalRoute[] {
  /** The case, if it is this merchant's; another merchant's answers like a missing one. */
  const ownCase = async (merchantId: string, disputeId: string): Promise<Dispute> => {
    const d = await deps.disputes.find(disputeId);
    if (!d || d.merchantId !== merchantId) throw portalError('DISPUTE_NOT_FOUND');
    return d;
  };
  const requestIdOf = async (orderId: string) => (await deps.orders.find(orderId))?.requestId ?? null;
  return [
    {
      method: 'GET',
      url: '/m/disputes',
      permission: 'merchant.view',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const q = queryOf(request);
        if (q.status && !(DISPUTE_STATUSES as readonly string[]).includes(q.status)) throw portalError('FIELD_INVALID', { field: 'status', reason: DISPUTE_STATUSES.join(', ') });
        if (q.stage && !(DISPUTE_STAGES as readonly string[]).includes(q.stage)) throw portalError('FIELD_INVALID', { field: 'stage', reason: DISPUTE_STAGES.join(', ') });
        const rows = await deps.disputes.list({
          merchantId: merchant.merchantId,
          ...(q.status ? { status: q.status as DisputeStatus } : {}),
          ...(q.stage ? { stage: q.stage as DisputeStage } : {}),
          limit: DISPUTE_LIST_MAX,
        });
        const disputes = [];
        for (const d of rows) disputes.push(disputeView(d, await requestIdOf(d.orderId)));
        // The page counts down against the gateway's clock, not the viewer's.
        return { nowMs: deps.clock(), disputes };
      },
    },
    {
      method: 'GET',
      url: '/m/disputes/:disputeId',
      permission: 'merchant.view',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const d = await ownCase(merchant.merchantId, paramOf(request, 'disputeId'));
        return {
          nowMs: deps.clock(),
          dispute: disputeView(d, await requestIdOf(d.orderId)),
          history: await deps.disputes.history(d.disputeId),
          evidence: (await deps.disputes.evidence(d.disputeId)).map(evidenceView),
        };
      },
    },
    {
      method: 'GET',
      url: '/m/disputes/:disputeId/attachments/:sha256',
      permission: 'merchant.view',
      handler: async (ctx, request, reply) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const d = await ownCase(merchant.merchantId, paramOf(request, 'disputeId'));
        const file = await deps.disputes.attachment(d.disputeId, paramOf(request, 'sha256'));
        if (!file) throw portalError('DISPUTE_NOT_FOUND');
        reply.header('content-type', file.contentType);
        // The name is the merchant's own; only safe characters go into the header.
        reply.header('content-disposition', `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`);
        reply.header('x-content-type-options', 'nosniff');
        return reply.send(file.content);
      },
    },
    {
      method: 'POST',
      url: '/m/disputes/:disputeId/evidence',
      permission: 'merchant.disputes',
      bodyLimitBytes: BACKFILL_REQUEST_BODY_BYTES_MAX,
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const disputeId = paramOf(request, 'disputeId');
        const before = await ownCase(merchant.merchantId, disputeId);
        const submission = parseBackfillRequest({ ...bodyOf(request), disputeId, serialNumber: undefined }, deps.clock());
        const { kind, dispute, evidence } = await deps.disputes.submitEvidence(merchant, submission);
        if (kind === 'submitted') {
          await deps.accounts.audit.record(
            ctx.actor,
            { merchantId: merchant.merchantId, action: 'dispute.evidence', target: disputeId, before: { stage: before.stage, status: before.status }, after: { stage: dispute.stage, status: dispute.status, evidenceId: evidence.evidenceId, attachments: evidence.attachments.map((a) => a.name) } },
            deps.clock(),
          );
        }
        return { kind, dispute: disputeView(dispute, await requestIdOf(dispute.orderId)), evidence: evidenceView(evidence) };
      },
    },
    {
      method: 'POST',
      url: '/m/disputes/:disputeId/accept',
      permission: 'merchant.disputes',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        // Accepting gives the money up for good: the form asks why, and the reason goes into the case history.
        const note = requiredText(bodyOf(request), 'note', 255);
        const before = await ownCase(merchant.merchantId, paramOf(request, 'disputeId'));
        const dispute = await deps.disputes.decide(before.disputeId, 'ACCEPTED', { kind: 'MERCHANT', name: merchant.merchantId }, note);
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'dispute.accept', target: dispute.disputeId, before: { stage: before.stage, status: before.status }, after: { stage: dispute.stage, status: dispute.status, note } }, deps.clock());
        return { dispute: disputeView(dispute, await requestIdOf(dispute.orderId)) };
      },
    },
  ];
}
