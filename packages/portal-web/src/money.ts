import currencyCodes from 'currency-codes';
import type { MessageKey } from './i18n/en.js';

/**
 * Amounts as people type and read them: decimals in the currency's exponent
 * ("5.00 USD", "1500 JPY"). The API speaks minor units as strings of digits;
 * the conversion is string ↔ bigint, never through a float. Exponents come
 * from the same ISO 4217 data set the gateway uses.
 */
export function exponentOf(currency: string): number | undefined {
  const entry = /^[A-Z]{3}$/.test(currency) ? currencyCodes.code(currency) : undefined;
  return entry?.digits;
}

/** Minor units (a string of digits, maybe signed) as a decimal in the currency's exponent: ("500", "USD") → "5.00". */
export function formatMinor(minor: string, currency: string): string {
  const exponent = exponentOf(currency);
  if (exponent === undefined || !/^-?\d+$/.test(minor)) return minor;
  const negative = minor.startsWith('-');
  const digits = BigInt(negative ? minor.slice(1) : minor).toString(10);
  if (exponent === 0) return `${negative ? '-' : ''}${digits}`;
  const padded = digits.padStart(exponent + 1, '0');
  return `${negative ? '-' : ''}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** "5.00 USD": an amount and its currency, as every page shows them. */
export function showMinor(minor: string, currency: string): string {
  return `${formatMinor(minor, currency)} ${currency}`;
}

export type ParsedAmount = { ok: true; minor: string } | { ok: false; reason: 'format' | 'decimals' | 'currency' };

/**
 * A typed amount as minor units: "5", "5.0" and "5.00" are 500 for USD,
 * "1500" is 1500 for JPY; more decimals than the currency has, signs,
 * exponents and separators are refused rather than rounded.
 */
export function parseAmount(text: string, currency: string): ParsedAmount {
  const exponent = exponentOf(currency);
  if (exponent === undefined) return { ok: false, reason: 'currency' };
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match) return { ok: false, reason: 'format' };
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return { ok: false, reason: 'decimals' };
  const minor = BigInt(match[1]!) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  return { ok: true, minor: minor.toString(10) };
}

/** Why a typed amount was refused, in the viewer's language. */
export function amountError(reason: 'format' | 'decimals' | 'currency', currency: string, t: (key: MessageKey, params?: Record<string, string | number>) => string): string {
  if (reason === 'currency') return t('amount.currency');
  const digits = exponentOf(currency) ?? 0;
  if (reason === 'decimals') return t('amount.decimals', { currency, digits });
  return t('amount.format', { example: formatMinor(String(10n ** BigInt(digits) * 5n), currency) });
}
