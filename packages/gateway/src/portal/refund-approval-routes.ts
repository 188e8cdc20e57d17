import { findCurrency } from '../domain/currencies.js';
import type { Merchant, MerchantRepository } from '../store/merchant-repository.js';
import type { AccountService } from './account-service.js';
import { portalError } from './portal-error.js';
import type { PortalRefundDeps } from './portal-refund.js';
import { decideRefundApproval } from './refund-approval-decision.js';
import { approvalView, REFUND_POLICY_MODES, RefundApprovals, type ApprovalState, type RefundPolicy, type RefundPolicyMode } from './refund-approvals.js';
import type { PortalContext, PortalRoute } from './route-table.js';
import { bodyOf, optionalText, paramOf, queryOf, requiredText } from './request-fields.js';

export interface RefundApprovalRoutesDeps extends Omit<PortalRefundDeps, 'audit'> {
  accounts: AccountService;
  merchants: MerchantRepository;
}

const APPROVAL_LIST_MAX = 200;

/** The signed-in merchant user's merchant; never another's (the id comes from the session, not the request). */
export async function merchantOf(merchants: MerchantRepository, ctx: PortalContext): Promise<Merchant> {
  const merchant = ctx.merchantId === null ? undefined : await merchants.find(ctx.merchantId);
  if (!merchant) throw portalError('PORTAL_FORBIDDEN');
  return merchant;
}

function policyView(p: RefundPolicy) {
  return { mode: p.mode, thresholdMinor: p.thresholdMinor === null ? null : p.thresholdMinor.toString(), thresholdCurrency: p.thresholdCurrency };
}

function parsePolicy(body: Record<string, unknown>): RefundPolicy {
  const mode = requiredText(body, 'mode', 8);
  if (!(REFUND_POLICY_MODES as readonly string[]).includes(mode)) throw portalError('FIELD_INVALID', { field: 'mode', reason: REFUND_POLICY_MODES.join(', ') });
  if (mode !== 'above') return { mode: mode as RefundPolicyMode, thresholdMinor: null, thresholdCurrency: null };
  const threshold = requiredText(body, 'thresholdMinor', 18);
  if (!/^(0|[1-9]\d{0,17})$/.test(threshold)) throw portalError('AMOUNT_INVALID', { field: 'thresholdMinor' });
  const currency = requiredText(body, 'thresholdCurrency', 3).toUpperCase();
  if (!findCurrency(currency)) throw portalError('FIELD_INVALID', { field: 'thresholdCurrency', reason: 'an ISO 4217 code' });
  return { mode: 'above', thresholdMinor: BigInt(threshold), thresholdCurrency: currency };
}

/**
 * Maker / checker: the merchant's refund approval policy (admins set it),
 * the list of refunds waiting for a second user, and the decision.
 */
export function refundApprovalRoutes(deps: RefundApprovalRoutesDeps): PortalRoute[] {
  const approvals = () => new RefundApprovals(deps.db);
  return [
    {
      method: 'GET',
      url: '/m/refund-policy',
      permission: 'merchant.refund',
      handler: async (ctx) => ({ policy: policyView(await approvals().policy((await merchantOf(deps.merchants, ctx)).merchantId)) }),
    },
    {
      method: 'POST',
      url: '/m/refund-policy',
      permission: 'merchant.settings',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const next = parsePolicy(bodyOf(request));
        const before = await approvals().policy(merchant.merchantId);
        const nowMs = deps.clock();
        await approvals().setPolicy(merchant.merchantId, next, nowMs);
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'refund.policy', target: merchant.merchantId, before: policyView(before), after: policyView(next) }, nowMs);
        return { policy: policyView(next) };
      },
    },
    {
      method: 'GET',
      url: '/m/refund-approvals',
      permission: 'merchant.refund',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const state = queryOf(request).state;
        if (state !== undefined && state !== '' && !['PENDING', 'APPROVED', 'REJECTED'].includes(state)) throw portalError('FIELD_INVALID', { field: 'state', reason: 'PENDING, APPROVED or REJECTED' });
        const rows = await approvals().list(merchant.merchantId, state ? (state as ApprovalState) : undefined, APPROVAL_LIST_MAX);
        return { approvals: rows.map(approvalView) };
      },
    },
    {
      method: 'POST',
      url: '/m/refund-approvals/:approvalId/decision',
      permission: 'merchant.refund',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const body = bodyOf(request);
        const decision = requiredText(body, 'decision', 8);
        if (decision !== 'approve' && decision !== 'reject') throw portalError('FIELD_INVALID', { field: 'decision', reason: 'approve or reject' });
        const note = optionalText(body, 'note', 256) ?? null;
        return { approval: await decideRefundApproval({ ...deps, audit: deps.accounts.audit }, ctx.actor, merchant, paramOf(request, 'approvalId'), decision, note) };
      },
    },
  ];
}
