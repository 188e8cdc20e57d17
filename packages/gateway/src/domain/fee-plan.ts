import { GatewayError } from './errors.js';
import { findCurrency } from './currencies.js';
import { roundHalfUp } from '../fx/conversion.js';

/**
 * A merchant's fee for one payment method and currency:
 *   fee = max(minimum, amount × percentBps / 10000 (rounded half up) + fixed), never above the amount.
 * `method` is CARD (the hosted card cashier), FX (foreign-exchange purchase
 * orders) or `*`; `currency` an ISO code or `*`. The most specific plan
 * wins: method and currency, then method and `*`, then `*` and currency,
 * then `*` and `*`. No plan: no fee. Fixed parts and minimums are minor
 * units of the order's currency, so a plan names its currency when it has them.
 */
export interface FeePlan {
  method: string;
  currency: string;
  percentBps: number;
  fixedMinor: bigint;
  minimumMinor: bigint;
}

export const FEE_METHODS = ['CARD', 'FX', '*'] as const;

/** Basis points in a whole. A fee rate above 100% is refused. */
const BPS_WHOLE = 10_000;

export function pickFeePlan(plans: readonly FeePlan[], method: string, currency: string): FeePlan | undefined {
  for (const [m, c] of [
    [method, currency],
    [method, '*'],
    ['*', currency],
    ['*', '*'],
  ]) {
    const plan = plans.find((p) => p.method === m && p.currency === c);
    if (plan) return plan;
  }
  return undefined;
}

export function feeFor(plan: FeePlan | undefined, amountMinor: bigint): bigint {
  if (!plan || amountMinor <= 0n) return 0n;
  const proportional = roundHalfUp(amountMinor * BigInt(plan.percentBps), BigInt(BPS_WHOLE));
  const fee = proportional + plan.fixedMinor;
  const atLeast = fee < plan.minimumMinor ? plan.minimumMinor : fee;
  // A fee never takes more than the payment itself.
  return atLeast > amountMinor ? amountMinor : atLeast;
}

/** Validates a plan as the admin API receives it (amounts as digit strings). */
export function parseFeePlan(raw: unknown, index: number): FeePlan {
  const field = (name: string) => `plans[${index}].${name}`;
  if (typeof raw !== 'object' || raw === null) throw new GatewayError('FIELD_INVALID', { field: `plans[${index}]`, reason: 'must be an object' });
  const r = raw as Record<string, unknown>;
  const method = typeof r.method === 'string' ? r.method : '*';
  if (!(FEE_METHODS as readonly string[]).includes(method)) throw new GatewayError('FIELD_INVALID', { field: field('method'), reason: `one of ${FEE_METHODS.join(', ')}` });
  const currency = typeof r.currency === 'string' ? r.currency : '*';
  if (currency !== '*' && !findCurrency(currency)) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency });
  const percentBps = r.percentBps ?? 0;
  if (typeof percentBps !== 'number' || !Number.isSafeInteger(percentBps) || percentBps < 0 || percentBps > BPS_WHOLE) {
    throw new GatewayError('FIELD_INVALID', { field: field('percentBps'), reason: `a whole number of basis points from 0 to ${BPS_WHOLE}` });
  }
  const minor = (name: string): bigint => {
    const v = r[name] ?? '0';
    if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,17})$/.test(v)) throw new GatewayError('AMOUNT_INVALID', { field: field(name) });
    return BigInt(v);
  };
  const fixedMinor = minor('fixedMinor');
  const minimumMinor = minor('minimumMinor');
  if ((fixedMinor > 0n || minimumMinor > 0n) && currency === '*') {
    throw new GatewayError('FIELD_INVALID', { field: field('currency'), reason: 'a plan with a fixed part or a minimum names its currency (minor units differ)' });
  }
  return { method, currency, percentBps, fixedMinor, minimumMinor };
}
