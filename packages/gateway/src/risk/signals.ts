import type { CurrencyCode } from '../domain/currencies.js';
import type { CounterKey } from './counters.js';

/**
 * What the engine knows about one payment attempt. Everything personal is
 * as the merchant or payer sent it; the card only as a keyed fingerprint and
 * its BIN.
 */
export interface RiskSignals {
  merchantId: string;
  orderId: string;
  amountMinor: bigint;
  currency: CurrencyCode;
  cardFingerprint: string;
  cardBin: string;
  cardCountry?: string;
  ip?: string;
  ipCountry?: string;
  email?: string;
  phone?: string;
  deviceId?: string;
  merchantUser?: string;
  billingCountry?: string;
  shippingCountry?: string;
}

/** The value of each counter key for these signals (absent when the payer did not give it). */
export function counterKeyValues(s: RiskSignals): Partial<Record<CounterKey, string>> {
  const out: Partial<Record<CounterKey, string>> = { card: s.cardFingerprint, merchant: s.merchantId };
  if (s.email) out.email = s.email;
  if (s.ip) out.ip = s.ip;
  if (s.deviceId) out.device = s.deviceId;
  // A merchant's user ids mean nothing at another merchant.
  if (s.merchantUser) out.user = `${s.merchantId}/${s.merchantUser}`;
  return out;
}
