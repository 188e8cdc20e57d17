import type { Kysely } from 'kysely';
import { SETTLEMENT_SWEEP_INTERVAL_MS } from '../domain/limits.js';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import type { Database } from '../store/schema.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { AdminRoutes } from '../admin/auth.js';
import type { Handler } from '../protocols/payease/routes.js';
import { FxQuoteRepository } from '../store/fx-quote-repository.js';
import { PricingRepository } from '../store/pricing-repository.js';
import { RateFileProvider } from '../fx/rate-file-provider.js';
import { FxPricing } from '../fx/fx-pricing.js';
import { RateLocks } from '../fx/rate-lock.js';
import { capturePricing } from '../fees/capture-pricing.js';
import { pricingAdminRoutes } from './pricing-admin.js';
import { lockFields, parseLockRequest } from '../protocols/payease/foreign-exchange-lock.js';
import { SettlementRepository } from '../store/settlement-repository.js';
import { SettlementService } from '../settlement/settlement-service.js';
import { parseSettlementQuery, settlementFields } from '../protocols/payease/settlement-fields.js';
import { settlementAdminRoutes } from './settlement-admin.js';
import { GatewayError } from '../domain/errors.js';
import type { GatewayKeyRing } from '../keys/gateway-keys.js';
import { ReconciliationRepository } from '../store/reconciliation-repository.js';
import { ReconciliationFiles } from '../reconciliation/reconciliation-files.js';
import { reconciliationAdminRoutes } from './reconciliation-admin.js';
import { beijingDateTime } from '../protocols/payease/order-fields.js';
import { businessDateField as parseBusinessDate } from '../protocols/payease/settlement-fields.js';

export interface CrossBorderDeps {
  config: GatewayConfig;
  db: Kysely<Database>;
  merchants: MerchantRepository;
  clock: () => number;
  logger: Pick<Logger, 'warn' | 'info'>;
  keys: GatewayKeyRing;
  /** Key of the reconciliation download links' MAC. */
  linkKey: Buffer;
}

/**
 * Cross-border money, assembled once: rates and locked quotes, fee plans,
 * and the parts the composition root plugs in (envelope APIs, admin
 * routes, the capture pricing hook, background jobs).
 */
export function createCrossBorder(deps: CrossBorderDeps) {
  const { config, db, clock } = deps;
  const quotes = new FxQuoteRepository(db);
  const pricing = new PricingRepository(db);
  const rates = new RateFileProvider(config.fxRateFile!, deps.logger);
  const fx = new FxPricing(rates, pricing, config.fxMarkupBps);
  const locks = new RateLocks(quotes, fx, config.fxLockMinutes * 60_000, clock);

  const settlements = new SettlementService({
    settlements: new SettlementRepository(db),
    quotes,
    pricing,
    fx,
    clock,
    timeZone: config.timeZone,
    defaultDelayDays: config.settlementDelayDays,
  });

  const reconciliation = new ReconciliationFiles({
    source: { entries: new ReconciliationRepository(db), quotes, timeZone: config.timeZone },
    keys: deps.keys,
    merchants: deps.merchants,
    clock,
    readyTime: config.reconciliationReadyTime,
    publicBaseUrl: config.publicBaseUrl,
    linkKey: deps.linkKey,
  });

  const handlers: Record<string, Handler> = {
    '/reconciliation/download': async ({ merchant, payload }) => {
      const date = parseBusinessDate(payload);
      const links = reconciliation.links(merchant.merchantId, date);
      return { status: 'SUCCESS', businessDate: date, downloadUrl: links.downloadUrl, signatureUrl: links.signatureUrl, expireDateTime: beijingDateTime(links.expiresAtMs) };
    },
    '/settlement/query': async ({ merchant, payload }) => {
      const date = parseSettlementQuery(payload);
      const batch = await settlements.settleDay(merchant.merchantId, date);
      if (!batch) throw new GatewayError('SETTLEMENT_NOT_FOUND', { date });
      return settlementFields(batch, await settlements.lines(batch));
    },
    '/foreignExchange/listpriceLock': async ({ merchant, payload }) => {
      const request = parseLockRequest(payload);
      return lockFields(await locks.lock(merchant.merchantId, request), request.orderCurrency, request.currency);
    },
  };
  const adminRoutes: AdminRoutes[] = [
    reconciliationAdminRoutes({ merchants: deps.merchants, files: reconciliation }),
    settlementAdminRoutes({ merchants: deps.merchants, settlements }),
    pricingAdminRoutes({ merchants: deps.merchants, pricing, rates, clock, defaultMarkupBps: config.fxMarkupBps, defaultDelayDays: config.settlementDelayDays }),
  ];
  return {
    quotes,
    pricing,
    rates,
    fx,
    locks,
    handlers,
    adminRoutes,
    settlements,
    reconciliation,
    /** Routes outside the envelope and the admin API (merchants' download links). */
    publicRoutes: reconciliation.routes(),
    priceCapture: capturePricing({ pricing, fx, quotes }),
    /** Background jobs, for the composition root's timer. */
    jobs: [{ name: 'settlement of the closed day', intervalMs: SETTLEMENT_SWEEP_INTERVAL_MS, run: () => settlements.settleDue() }],
  };
}

export type CrossBorder = ReturnType<typeof createCrossBorder>;
