import { FX_RATE_DIGITS_MAX } from '../domain/limits.js';

/**
 * An exchange rate held exactly: `units / 10^scale` units of the quote
 * currency per one major unit of the base currency. Rates arrive and leave
 * as decimal strings ("7.1234"), never as floating-point numbers, so what a
 * bank quoted is what the gateway applies, digit for digit.
 */
export interface ExactRate {
  readonly units: bigint;
  readonly scale: number;
}

const DECIMAL = /^(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Parses a positive decimal string; undefined for anything else (signs, exponents, spaces, zero, too many digits). */
export function parseRate(text: unknown): ExactRate | undefined {
  if (typeof text !== 'string' || !DECIMAL.test(text)) return undefined;
  const [whole, fraction = ''] = text.split('.');
  if (whole!.length + fraction.length > FX_RATE_DIGITS_MAX) return undefined;
  const units = BigInt(whole! + fraction);
  if (units === 0n) return undefined;
  return { units, scale: fraction.length };
}

/** The canonical decimal form: trailing fractional zeros dropped ("7.1000" → "7.1"). */
export function formatRate(rate: ExactRate): string {
  const digits = rate.units.toString().padStart(rate.scale + 1, '0');
  if (rate.scale === 0) return digits;
  const whole = digits.slice(0, digits.length - rate.scale);
  const fraction = digits.slice(digits.length - rate.scale).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/**
 * Applies a markup in basis points, exactly: rate × (10000 ± bps) / 10000.
 * `up` raises the rate (the customer buys the base currency), otherwise it
 * is lowered (the customer sells it). The result has four more decimals and
 * no rounding.
 */
export function withMarkup(rate: ExactRate, markupBps: number, direction: 'up' | 'down'): ExactRate {
  if (!Number.isSafeInteger(markupBps) || markupBps < 0 || markupBps >= 10_000) throw new RangeError(`markup ${markupBps} bps out of range`);
  if (markupBps === 0) return rate;
  const factor = BigInt(direction === 'up' ? 10_000 + markupBps : 10_000 - markupBps);
  return normalize({ units: rate.units * factor, scale: rate.scale + 4 });
}

/** Drops trailing zero decimals so equal rates compare equal. */
export function normalize(rate: ExactRate): ExactRate {
  let { units, scale } = rate;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return { units, scale };
}

export const ONE: ExactRate = { units: 1n, scale: 0 };
