import type { AmountMinor } from '../domain/money.js';
import { currency, type CurrencyCode } from '../domain/currencies.js';
import type { ExactRate } from './exact-rate.js';

/**
 * THE rounding rule of the gateway, stated once: a converted amount is
 * rounded to the target currency's minor unit HALF UP (0.5 of a minor unit
 * and above goes away from zero; 四舍五入), applied once, to the exact
 * product — never to an intermediate value. Exponents come from ISO 4217
 * (JPY 0, USD 2, …), so 1 USD at 150.255 JPY is ¥150, and 100 JPY at
 * 0.0066 USD is $0.66.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('denominator must be positive');
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = n / denominator;
  const r = n % denominator;
  const rounded = r * 2n >= denominator ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** 10^n as a bigint. */
export function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/**
 * Converts minor units of `from` into minor units of `to` at `rate` (units
 * of `to` per major unit of `from`), multiplying: amount × rate.
 */
export function convertMinor(amountMinor: bigint, from: CurrencyCode, to: CurrencyCode, rate: ExactRate): AmountMinor {
  const numerator = amountMinor * rate.units * pow10(currency(to).exponent);
  const denominator = pow10(rate.scale) * pow10(currency(from).exponent);
  return roundHalfUp(numerator, denominator) as AmountMinor;
}

/**
 * The inverse direction, dividing: how many minor units of `base` an amount
 * of `quote` buys at `rate` (units of `quote` per major unit of `base`).
 * Used when the customer pays in the quote currency (CNY) and buys the base
 * currency. Same rounding rule.
 */
export function convertMinorInverse(amountMinor: bigint, quote: CurrencyCode, base: CurrencyCode, rate: ExactRate): AmountMinor {
  const numerator = amountMinor * pow10(rate.scale) * pow10(currency(base).exponent);
  const denominator = rate.units * pow10(currency(quote).exponent);
  return roundHalfUp(numerator, denominator) as AmountMinor;
}
