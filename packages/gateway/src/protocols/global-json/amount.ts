import { decimalToMinor } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { Currency } from '../../domain/currencies.js';
import type { AmountMinor } from '../../domain/money.js';

/** Seed 003: amounts are "精确到小数点后两位", two decimals, whatever the currency. */
export const FLAT_AMOUNT_DECIMALS = 2;

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * An amount of this dialect in minor units. Two decimals are taken for every
 * currency as the seed says, so "100.00" is 100 yen; a currency with fewer
 * minor digits than that refuses a fraction that is not zero ("100.50" yen:
 * AMOUNT_FRACTION_NOT_ALLOWED), and a currency with more (KWD, 3) takes its
 * own. Beyond that: AMOUNT_DECIMALS_EXCEEDED. Exact: digits are moved, never
 * parsed as a float.
 */
export function flatAmountMinor(value: unknown, currency: Pick<Currency, 'code' | 'exponent'>, field: string): AmountMinor {
  const m = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!m) throw new GatewayError('FIELD_INVALID', { field, reason: `must be a decimal string in ${currency.code} such as "2.00"` });
  const fraction = m[2] ?? '';
  const exponent = currency.exponent;
  if (fraction.length > Math.max(FLAT_AMOUNT_DECIMALS, exponent)) {
    throw new GatewayError('AMOUNT_DECIMALS_EXCEEDED', { field, currency: currency.code, exponent: String(Math.max(FLAT_AMOUNT_DECIMALS, exponent)) });
  }
  if (/[1-9]/.test(fraction.slice(exponent))) {
    if (exponent === 0) throw new GatewayError('AMOUNT_FRACTION_NOT_ALLOWED', { field, currency: currency.code });
    throw new GatewayError('AMOUNT_DECIMALS_EXCEEDED', { field, currency: currency.code, exponent: String(exponent) });
  }
  const kept = fraction.slice(0, exponent);
  const parsed = decimalToMinor(kept === '' ? m[1]! : `${m[1]!}.${kept}`, exponent);
  if (!parsed.ok) throw new GatewayError('FIELD_INVALID', { field, reason: 'more digits than an amount may have' });
  if (parsed.amountMinor <= 0n) throw new GatewayError('FIELD_INVALID', { field, reason: 'must be positive' });
  return parsed.amountMinor as AmountMinor;
}

/**
 * An amount written the way the merchant wrote the order's: with as many
 * decimals as its `amount` had ("2" → "1", "2.00" → "1.00"), more only where
 * the value needs them. For amounts the merchant did not send itself (a
 * refund's amount in its notification).
 */
export function amountInMerchantStyle(amountMinor: bigint, exponent: number, style: string | undefined): string {
  const styleDecimals = style && style.includes('.') ? style.length - style.indexOf('.') - 1 : style === undefined ? exponent : 0;
  const digits = amountMinor.toString(10).padStart(exponent + 1, '0');
  const whole = exponent === 0 ? digits : digits.slice(0, -exponent);
  const fraction = (exponent === 0 ? '' : digits.slice(-exponent)).replace(/0+$/, '');
  const decimals = Math.max(styleDecimals, fraction.length);
  return decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, '0')}`;
}
