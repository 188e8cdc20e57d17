import type { Kysely } from 'kysely';
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

export interface CrossBorderDeps {
  config: GatewayConfig;
  db: Kysely<Database>;
  merchants: MerchantRepository;
  clock: () => number;
  logger: Pick<Logger, 'warn' | 'info'>;
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

  const handlers: Record<string, Handler> = {
    '/foreignExchange/listpriceLock': async ({ merchant, payload }) => {
      const request = parseLockRequest(payload);
      return lockFields(await locks.lock(merchant.merchantId, request), request.orderCurrency, request.currency);
    },
  };
  const adminRoutes: AdminRoutes[] = [
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
    priceCapture: capturePricing({ pricing, fx, quotes }),
  };
}

export type CrossBorder = ReturnType<typeof createCrossBorder>;
