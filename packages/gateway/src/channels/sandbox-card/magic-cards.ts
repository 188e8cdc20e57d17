import type { DeclineCode } from '../../domain/channel.js';

/**
 * The sandbox acquirer's documented magic cards (README: "Sandbox test cards").
 * Any future expiry date and any CVV of the right length work unless the
 * card's scenario says otherwise. A card not in this table is approved, so
 * every Luhn-valid test number a merchant already uses just works.
 */
export type Scenario =
  | { kind: 'approve' }
  | { kind: 'decline'; code: DeclineCode }
  | { kind: 'challenge' }
  | { kind: 'unknown'; resolvesTo: 'approve' | 'decline' }
  | { kind: 'chargeback' }
  | { kind: 'retrieval' }
  | { kind: 'refund-fails' }
  | { kind: 'refund-pending' };

export interface MagicCard {
  pan: string;
  brand: string;
  scenario: Scenario;
  description: string;
}

export const MAGIC_CARDS: readonly MagicCard[] = [
  { pan: '4242424242424242', brand: 'Visa', scenario: { kind: 'approve' }, description: 'Approved' },
  { pan: '5555555555554444', brand: 'Mastercard', scenario: { kind: 'approve' }, description: 'Approved' },
  { pan: '378282246310005', brand: 'American Express', scenario: { kind: 'approve' }, description: 'Approved (4-digit CVV)' },
  { pan: '3530111333300000', brand: 'JCB', scenario: { kind: 'approve' }, description: 'Approved' },
  { pan: '6212345678901232', brand: 'UnionPay', scenario: { kind: 'approve' }, description: 'Approved' },
  { pan: '4000000000000002', brand: 'Visa', scenario: { kind: 'decline', code: 'DO_NOT_HONOR' }, description: 'Declined: do not honour' },
  { pan: '4000000000009995', brand: 'Visa', scenario: { kind: 'decline', code: 'INSUFFICIENT_FUNDS' }, description: 'Declined: insufficient funds' },
  { pan: '4000000000000069', brand: 'Visa', scenario: { kind: 'decline', code: 'EXPIRED_CARD' }, description: 'Declined: expired card' },
  { pan: '4000000000000127', brand: 'Visa', scenario: { kind: 'decline', code: 'CVV_MISMATCH' }, description: 'Declined: CVV mismatch' },
  { pan: '4000000000009979', brand: 'Visa', scenario: { kind: 'decline', code: 'STOLEN_CARD' }, description: 'Declined: stolen card' },
  { pan: '4000000000000119', brand: 'Visa', scenario: { kind: 'decline', code: 'PROCESSING_ERROR' }, description: 'Declined: processing error' },
  { pan: '4000000000003220', brand: 'Visa', scenario: { kind: 'challenge' }, description: '3-D Secure challenge: code 123456 passes, any other code fails' },
  { pan: '4000000000000101', brand: 'Visa', scenario: { kind: 'unknown', resolvesTo: 'approve' }, description: 'Outcome unknown at first; a later query reports approved' },
  { pan: '4000000000002016', brand: 'Visa', scenario: { kind: 'unknown', resolvesTo: 'decline' }, description: 'Outcome unknown at first; a later query reports declined' },
  { pan: '4000000000000259', brand: 'Visa', scenario: { kind: 'chargeback' }, description: 'Approved, then the cardholder files a chargeback' },
  { pan: '4000000000002024', brand: 'Visa', scenario: { kind: 'retrieval' }, description: 'Approved, then the issuer sends a retrieval request' },
  { pan: '4000000000005126', brand: 'Visa', scenario: { kind: 'refund-fails' }, description: 'Approved; every refund of it fails at the channel' },
  { pan: '4000000000007726', brand: 'Visa', scenario: { kind: 'refund-pending' }, description: 'Approved; refunds stay pending at the channel for a while, then succeed' },
];

/** The one-time code that passes the sandbox 3-D Secure challenge. */
export const SANDBOX_CHALLENGE_CODE = '123456';

export function scenarioFor(pan: string): Scenario {
  return MAGIC_CARDS.find((c) => c.pan === pan)?.scenario ?? { kind: 'approve' };
}
