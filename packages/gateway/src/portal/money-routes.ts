import type { Kysely } from 'kysely';
import { addDays, isBusinessDate } from '../domain/business-day.js';
import { formatMinor } from '../domain/money.js';
import { findCurrency } from '../domain/currencies.js';
import type { ReconciliationFiles } from '../reconciliation/reconciliation-files.js';
import { batchView } from '../settlement/batch-view.js';
import type { SettlementService } from '../settlement/settlement-service.js';
import { statementCsv } from '../settlement/statement-csv.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { PricingRepository } from '../store/pricing-repository.js';
import type { Database } from '../store/schema.js';
import { SettlementRepository } from '../store/settlement-repository.js';
import type { AccountService } from './account-service.js';
import { portalError } from './portal-error.js';
import { merchantOf } from './refund-approval-routes.js';
import type { PortalRoute } from './route-table.js';
import { paramOf } from './request-fields.js';

export interface MoneyRoutesDeps {
  db: Kysely<Database>;
  accounts: AccountService;
  merchants: MerchantRepository;
  settlements: SettlementService;
  reconciliation: ReconciliationFiles;
  pricing: PricingRepository;
  clock: () => number;
}

/** How many settlement batches and reconciliation days the page lists. */
const SETTLEMENT_BATCHES_LISTED = 60;
const RECONCILIATION_DAYS_LISTED = 14;

function dateOf(text: string): string {
  if (!isBusinessDate(text)) throw portalError('FIELD_INVALID', { field: 'businessDate', reason: 'a date YYYY-MM-DD' });
  return text;
}

/**
 * The merchant's money page: settlement batches and their statements,
 * reconciliation files by day, and the fee plan (read-only), all from the
 * same settlement, reconciliation and pricing code the merchant API uses.
 */
export function moneyRoutes(deps: MoneyRoutesDeps): PortalRoute[] {
  return [
    {
      method: 'GET',
      url: '/m/money/settlements',
      permission: 'merchant.money',
      handler: async (ctx) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const batches = await new SettlementRepository(deps.db).list(merchant.merchantId, SETTLEMENT_BATCHES_LISTED);
        return { batches: batches.map((b) => batchView(b, deps.settlements.provisional(b))) };
      },
    },
    {
      // Settlement on the first day: a sandbox merchant settles today so far (built again on each run and once the day closed).
      method: 'POST',
      url: '/m/money/settlements/today',
      permission: 'merchant.money',
      handler: async (ctx) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const date = deps.settlements.resolveDate('today');
        const batch = await deps.settlements.settleSandboxDay(merchant, date);
        if (!batch) throw portalError('SETTLEMENT_NOT_FOUND', { date });
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'settlement.run', target: date }, deps.clock());
        return { batch: batchView(batch, deps.settlements.provisional(batch)) };
      },
    },
    {
      method: 'GET',
      url: '/m/money/settlements/:businessDate/statement.csv',
      permission: 'merchant.money',
      handler: async (ctx, request, reply) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const date = dateOf(paramOf(request, 'businessDate'));
        const batch = await new SettlementRepository(deps.db).find(merchant.merchantId, date);
        if (!batch) throw portalError('SETTLEMENT_NOT_FOUND', { date });
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="statement-${merchant.merchantId}-${date}.csv"`);
        return reply.send(statementCsv(batch, await deps.settlements.lines(batch)));
      },
    },
    {
      method: 'GET',
      url: '/m/money/reconciliation',
      permission: 'merchant.money',
      handler: async () => {
        // The days up to the latest whose file is ready; a file is built from the ledger when downloaded.
        const latest = deps.reconciliation.latestReadyDate();
        return { days: Array.from({ length: RECONCILIATION_DAYS_LISTED }, (_, i) => addDays(latest, -i)) };
      },
    },
    {
      method: 'GET',
      url: '/m/money/reconciliation/:businessDate/file.csv',
      permission: 'merchant.money',
      handler: async (ctx, request, reply) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const date = dateOf(paramOf(request, 'businessDate'));
        deps.reconciliation.checkReady(date);
        await deps.accounts.audit.record(ctx.actor, { merchantId: merchant.merchantId, action: 'reconciliation.download', target: date }, deps.clock());
        return deps.reconciliation.send(reply, merchant.merchantId, date, false);
      },
    },
    {
      method: 'GET',
      url: '/m/money/fees',
      permission: 'merchant.money',
      handler: async (ctx) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const plans = await deps.pricing.feePlans(merchant.merchantId);
        const markup = await deps.pricing.markup(merchant.merchantId);
        const exponent = (code: string) => findCurrency(code)?.exponent ?? 2;
        return {
          plans: plans.map((p) => ({
            method: p.method,
            currency: p.currency,
            percentBps: p.percentBps,
            fixedMinor: p.fixedMinor.toString(),
            fixed: p.currency === '*' ? p.fixedMinor.toString() : formatMinor(p.fixedMinor, exponent(p.currency)),
            minimumMinor: p.minimumMinor.toString(),
            minimum: p.currency === '*' ? p.minimumMinor.toString() : formatMinor(p.minimumMinor, exponent(p.currency)),
          })),
          fxMarkupBps: markup?.fxMarkupBps ?? null,
          settlementDelayDays: markup?.settlementDelayDays ?? null,
        };
      },
    },
  ];
}
