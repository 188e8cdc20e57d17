import type { FastifyInstance } from 'fastify';
import { amountMinorToWire } from '@opencashier/sdk';
import { GatewayError } from '../domain/errors.js';
import { parseFeePlan } from '../domain/fee-plan.js';
import { FX_MARKUP_BPS_MAX } from '../domain/limits.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { PricingRepository } from '../store/pricing-repository.js';
import type { RateProvider } from '../fx/rate-provider.js';
import { formatRate } from '../fx/exact-rate.js';
import { adminAction } from './admin-reply.js';

/**
 * Operator pricing API: the rate board in force, each merchant's FX markup
 * and settlement cycle, and fee plans.
 */
export function pricingAdminRoutes(deps: { merchants: MerchantRepository; pricing: PricingRepository; rates: RateProvider; clock: () => number; defaultMarkupBps: number; defaultDelayDays: number }) {
  const known = async (merchantId: string) => {
    if (!(await deps.merchants.find(merchantId))) throw new GatewayError('MERCHANT_UNKNOWN');
  };
  return async (scope: FastifyInstance) => {
    scope.get('/fx/rates', async () => ({
      rates: (await deps.rates.all()).map((r) => ({ base: r.base, quote: r.quote, bid: formatRate(r.bid), ask: formatRate(r.ask), mid: formatRate(r.mid), asOf: new Date(r.asOfMs).toISOString(), source: r.source })),
    }));
    scope.get<{ Params: { id: string } }>('/merchants/:id/pricing', (request, reply) =>
      adminAction(reply, async () => {
        await known(request.params.id);
        const own = await deps.pricing.markup(request.params.id);
        return {
          merchantId: request.params.id,
          fxMarkupBps: own?.fxMarkupBps ?? deps.defaultMarkupBps,
          settlementDelayDays: own?.settlementDelayDays ?? deps.defaultDelayDays,
          feePlans: (await deps.pricing.feePlans(request.params.id)).map((p) => ({ ...p, fixedMinor: amountMinorToWire(p.fixedMinor), minimumMinor: amountMinorToWire(p.minimumMinor) })),
        };
      }),
    );
    scope.put<{ Params: { id: string }; Body: { fxMarkupBps?: unknown; settlementDelayDays?: unknown } }>('/merchants/:id/pricing', (request, reply) =>
      adminAction(reply, async () => {
        await known(request.params.id);
        const { fxMarkupBps = deps.defaultMarkupBps, settlementDelayDays = null } = request.body ?? {};
        if (typeof fxMarkupBps !== 'number' || !Number.isSafeInteger(fxMarkupBps) || fxMarkupBps < 0 || fxMarkupBps > FX_MARKUP_BPS_MAX) {
          throw new GatewayError('FIELD_INVALID', { field: 'fxMarkupBps', reason: `whole basis points from 0 to ${FX_MARKUP_BPS_MAX}` });
        }
        if (settlementDelayDays !== null && (typeof settlementDelayDays !== 'number' || !Number.isSafeInteger(settlementDelayDays) || settlementDelayDays < 0 || settlementDelayDays > 30)) {
          throw new GatewayError('FIELD_INVALID', { field: 'settlementDelayDays', reason: 'whole days from 0 to 30' });
        }
        await deps.pricing.setMarkup(request.params.id, fxMarkupBps, settlementDelayDays as number | null, deps.clock());
        return { merchantId: request.params.id, fxMarkupBps, settlementDelayDays: settlementDelayDays ?? deps.defaultDelayDays };
      }),
    );
    scope.put<{ Params: { id: string }; Body: { plans?: unknown } }>('/merchants/:id/fee-plans', (request, reply) =>
      adminAction(reply, async () => {
        await known(request.params.id);
        const raw = request.body?.plans;
        if (!Array.isArray(raw)) throw new GatewayError('FIELD_MISSING', { field: 'plans' });
        const plans = raw.map((p, i) => parseFeePlan(p, i));
        const keys = new Set(plans.map((p) => `${p.method}/${p.currency}`));
        if (keys.size !== plans.length) throw new GatewayError('FIELD_INVALID', { field: 'plans', reason: 'one plan per method and currency' });
        await deps.pricing.replaceFeePlans(request.params.id, plans, deps.clock());
        return { merchantId: request.params.id, plans: plans.length };
      }),
    );
  };
}
