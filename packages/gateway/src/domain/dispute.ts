import type { AmountMinor } from './money.js';
import type { CurrencyCode } from './currencies.js';

/**
 * A dispute an issuer raises on a paid order: a chargeback (拒付) takes the
 * money back unless the merchant defends it; a retrieval request (调单) asks
 * the merchant for the order's documents first. Their notifications and the
 * merchant's responses belong to the after-payment APIs; this is the record
 * they build on.
 */
export type DisputeKind = 'CHARGEBACK' | 'RETRIEVAL';
export const DISPUTE_KINDS: readonly DisputeKind[] = ['CHARGEBACK', 'RETRIEVAL'];

export interface Dispute {
  disputeId: string;
  orderId: string;
  merchantId: string;
  kind: DisputeKind;
  status: 'OPEN';
  reasonCode: string;
  amountMinor: AmountMinor;
  currency: CurrencyCode;
  openedAtMs: number;
  /** The merchant must answer by then (card-scheme deadlines are weeks). */
  respondByMs: number;
}

/** Scheme-style reason codes the sandbox uses when none is given. */
export const DEFAULT_REASON_CODE: Readonly<Record<DisputeKind, string>> = {
  CHARGEBACK: '4837', // no cardholder authorisation
  RETRIEVAL: '6305', // cardholder does not agree with the amount billed
};

/** Days the merchant has to respond, counted from opening. */
export const DISPUTE_RESPONSE_DAYS: Readonly<Record<DisputeKind, number>> = { CHARGEBACK: 20, RETRIEVAL: 10 };
