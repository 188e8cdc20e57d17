import Stripe from 'stripe';
import type { InboundMessage, InboundVerdict } from '../../domain/channel-inbound.js';
import { UPSTREAM_EVENT_ID_LENGTH_MAX } from '../../domain/channel-inbound.js';
import type { AmountMinor } from '../../domain/money.js';
import { declineCodeOf } from './transformers.js';

export const STRIPE_WEBHOOK_PATH = '/webhook';

/**
 * A Stripe webhook, verified by the official SDK's `constructEvent`
 * (HMAC-SHA256 over `t.payload`, compared in constant time, with Stripe's
 * default five-minute tolerance) and read as a domain event. Payment
 * events settle an order; the other subscribed events are verified and read
 * by the operator's log only, until the inbound contract carries refunds
 * and disputes.
 */
export function verifyStripeWebhook(secret: string, message: InboundMessage): InboundVerdict {
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(message.rawBody, message.headers['stripe-signature'] ?? '', secret);
  } catch (error) {
    return { accepted: false, reason: (error as { type?: string }).type === 'StripeSignatureVerificationError' ? 'signature' : 'malformed' };
  }
  if (typeof event.id !== 'string' || event.id.length > UPSTREAM_EVENT_ID_LENGTH_MAX) return { accepted: false, reason: 'malformed' };
  if (event.type === 'payment_intent.succeeded') {
    const intent = event.data.object;
    return {
      accepted: true,
      eventId: event.id,
      event: { kind: 'authorised', reference: intent.id, authCode: intent.id.slice(-6), collected: { amountMinor: BigInt(intent.amount_received || intent.amount) as AmountMinor, currency: intent.currency.toUpperCase() } },
    };
  }
  if (event.type === 'payment_intent.payment_failed') {
    const intent = event.data.object;
    return { accepted: true, eventId: event.id, event: { kind: 'failed', reference: intent.id, declineCode: declineCodeOf(intent.last_payment_error) } };
  }
  return { accepted: false, reason: 'malformed' };
}
