import type Stripe from 'stripe';
import type { AuthorizeResult, DeclineCode, RefundResult } from '../../domain/channel.js';

/** Stripe's decline and error codes (https://docs.stripe.com/declines/codes), as the domain's decline codes. */
const DECLINES: Readonly<Record<string, DeclineCode>> = {
  generic_decline: 'DO_NOT_HONOR',
  do_not_honor: 'DO_NOT_HONOR',
  card_declined: 'DO_NOT_HONOR',
  insufficient_funds: 'INSUFFICIENT_FUNDS',
  expired_card: 'EXPIRED_CARD',
  incorrect_cvc: 'CVV_MISMATCH',
  invalid_cvc: 'CVV_MISMATCH',
  lost_card: 'LOST_CARD',
  stolen_card: 'STOLEN_CARD',
  authentication_required: 'AUTHENTICATION_FAILED',
  payment_intent_authentication_failure: 'AUTHENTICATION_FAILED',
  processing_error: 'PROCESSING_ERROR',
  incorrect_number: 'PROCESSING_ERROR',
  invalid_number: 'PROCESSING_ERROR',
};

/** The domain decline code for Stripe's `decline_code`, else its `code`; an unknown one is a plain refusal. */
export function declineCodeOf(error: { code?: string | null; decline_code?: string | null } | null | undefined): DeclineCode {
  const key = error?.decline_code && Object.hasOwn(DECLINES, error.decline_code) ? error.decline_code : error?.code;
  return key && Object.hasOwn(DECLINES, key) ? DECLINES[key]! : 'DO_NOT_HONOR';
}

/** Stripe's PaymentIntent statuses (https://docs.stripe.com/payments/paymentintents/lifecycle) as the domain's outcomes. */
export function resultOfIntent(intent: Pick<Stripe.PaymentIntent, 'id' | 'status' | 'next_action' | 'last_payment_error' | 'amount_received' | 'amount' | 'currency'>): AuthorizeResult {
  const reference = intent.id;
  switch (intent.status) {
    case 'succeeded':
    case 'requires_capture':
      return { outcome: 'approved', reference, authCode: reference.slice(-6) };
    case 'requires_action': {
      const url = intent.next_action?.redirect_to_url?.url;
      return { outcome: 'challenge', reference, ...(url ? { hint: url } : {}) };
    }
    case 'processing':
      return { outcome: 'unknown', reference };
    case 'requires_payment_method':
      // Created, or confirmed and refused: a refusal names its reason; an intent never confirmed charged nothing.
      return { outcome: 'declined', reference, declineCode: intent.last_payment_error ? declineCodeOf(intent.last_payment_error) : 'PROCESSING_ERROR' };
    default:
      // requires_confirmation (our confirmation never arrived) and canceled: nothing was charged.
      return { outcome: 'declined', reference, declineCode: 'PROCESSING_ERROR' };
  }
}

/** Stripe's refund statuses as the domain's. */
export function resultOfRefund(refund: Pick<Stripe.Refund, 'id' | 'status'>): RefundResult {
  const outcome = refund.status === 'succeeded' ? 'succeeded' : refund.status === 'pending' || refund.status === 'requires_action' ? 'pending' : 'failed';
  return { outcome, reference: refund.id };
}

/** Stripe lower-cases ISO 4217 codes; its amounts are in the currency's minor unit, as ours are. */
export const stripeCurrency = (currency: string): string => currency.toLowerCase();
