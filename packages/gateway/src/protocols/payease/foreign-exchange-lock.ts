import { amountMinorToWire } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import { findCurrency, type CurrencyCode } from '../../domain/currencies.js';
import { REQUEST_ID_LENGTH_MAX } from '../../domain/limits.js';
import type { FxQuote } from '../../fx/fx-quote.js';
import type { LockRequest } from '../../fx/rate-lock.js';
import { beijingDateTime } from './order-fields.js';
import { parsePositiveWireAmount } from './wire-amount.js';
import { str, type Wire } from './wire-fields.js';

/** A currency field: required or defaulted, and in the catalogue. */
export function currencyField(payload: Wire, field: string, fallback?: CurrencyCode): CurrencyCode {
  const code = str(payload, field, fallback === undefined, 3) ?? fallback!;
  const found = findCurrency(code);
  if (!found) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: code });
  return found.code;
}

/** An optional positive amount field. */
export function optionalAmount(payload: Wire, field: string) {
  const v = payload[field];
  if (v === undefined || v === null || v === '') return null;
  const parsed = parsePositiveWireAmount(v);
  if (parsed === undefined) throw new GatewayError('AMOUNT_INVALID', { field });
  return parsed;
}

/** `foreignExchange/listpriceLock`: `{requestId, orderCurrency, currency = CNY, amount?}`. */
export function parseLockRequest(payload: Wire): LockRequest {
  return {
    requestId: str(payload, 'requestId', true, REQUEST_ID_LENGTH_MAX)!,
    orderCurrency: currencyField(payload, 'orderCurrency'),
    currency: currencyField(payload, 'currency', 'CNY'),
    amountMinor: optionalAmount(payload, 'amount'),
  };
}

/**
 * The answer: the token, the rate (`listprice`, units of the pair's second
 * currency per one unit of its first), the pair, when the rate was quoted
 * and by whom, and until when it holds (Beijing time, as every PayEase time).
 */
export function lockFields(quote: FxQuote, orderCurrency: CurrencyCode, currency: CurrencyCode): Record<string, string> {
  return {
    requestId: quote.requestId ?? '',
    status: 'SUCCESS',
    listPriceToken: quote.token!,
    listprice: quote.rate,
    pair: `${quote.base}/${quote.quote}`,
    orderCurrency,
    currency,
    rateSource: quote.source,
    rateDateTime: beijingDateTime(quote.rateAsOfMs),
    expireDateTime: beijingDateTime(quote.expiresAtMs!),
    ...(quote.amountMinor !== null ? { amount: amountMinorToWire(quote.amountMinor) } : {}),
    ...(quote.convertedMinor !== null ? { convertedAmount: amountMinorToWire(quote.convertedMinor) } : {}),
  };
}
