import type { Order } from '../domain/order.js';
import { feeFor, pickFeePlan } from '../domain/fee-plan.js';
import type { CapturePricing } from '../orders/order-service.js';
import type { PricingRepository } from '../store/pricing-repository.js';
import type { FxQuoteRepository } from '../store/fx-quote-repository.js';
import type { FxPricing } from '../fx/fx-pricing.js';
import { quoteOf } from '../fx/fx-pricing.js';
import { GatewayError } from '../domain/errors.js';

/** The fee method of an order: the API that took it (card cashier or FX purchase). */
export function feeMethod(order: Pick<Order, 'product'>): 'CARD' | 'FX' {
  return order.product === 'foreignExchange' ? 'FX' : 'CARD';
}

/**
 * Prices a capture: the fee from the merchant's plan for the order's method
 * and currency, and — for a foreign-currency order without a rate yet — the
 * rate it will settle into CNY at, taken now (bid side, the gateway buys the
 * currency from the merchant) and recorded with the capture.
 */
export function capturePricing(deps: { pricing: PricingRepository; fx: FxPricing; quotes: FxQuoteRepository }) {
  return async (order: Order): Promise<CapturePricing> => {
    const plan = pickFeePlan(await deps.pricing.feePlans(order.merchantId), feeMethod(order), order.currency);
    const feeMinor = feeFor(plan, order.amountMinor);
    if (order.currency === 'CNY') return { feeMinor };
    const applied = await deps.fx.applied(order.merchantId, order.currency, 'CNY', 'bid').catch((error: unknown) => {
      // No board rate for the currency: settlement takes one when it settles the order.
      if (error instanceof GatewayError && error.code === 'FX_PAIR_UNSUPPORTED') return undefined;
      throw error;
    });
    if (!applied) return { feeMinor };
    return {
      feeMinor,
      within: async (tx, paid, nowMs) => {
        await deps.quotes.insert(quoteOf(applied, { merchantId: paid.merchantId, purpose: 'CAPTURE', orderId: paid.orderId, nowMs, amountMinor: paid.amountMinor }), tx);
      },
    };
  };
}
