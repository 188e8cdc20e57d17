import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { ChannelNotReachedError, type AuthorizeRequest, type AuthorizeResult, type Channel, type ChannelCapabilities, type RefundResult } from '../../domain/channel.js';
import type { AmountMinor } from '../../domain/money.js';
import type { CurrencyCode } from '../../domain/currencies.js';
import { declineCodeOf, resultOfIntent, resultOfRefund, stripeCurrency } from './transformers.js';

export interface StripeChannelOptions {
  name: string;
  secretKey: string;
  /** Where the SDK sends its calls: Stripe's API, or a local emulator in tests. */
  apiBase?: string;
  captureMethod: 'automatic' | 'manual';
  timeoutMs: number;
  /** Where Stripe sends the payer back after 3-D Secure: the gateway's cashier. */
  returnUrl: (orderId: string) => string;
  currencies: readonly CurrencyCode[];
}

/** The SDK pointed at `apiBase` by its documented `host`/`port`/`protocol` options; no retries of its own: an unknown outcome is settled by a query. */
export function stripeClient(secretKey: string, apiBase: string | undefined, timeoutMs: number): Stripe {
  const base = apiBase ? new URL(apiBase) : undefined;
  return new Stripe(secretKey, {
    maxNetworkRetries: 0,
    timeout: timeoutMs,
    telemetry: false,
    ...(base ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? 443 : 80), protocol: base.protocol === 'https:' ? 'https' : 'http' } : {}),
  });
}

/** A connection that was never opened: the request certainly did not reach Stripe. */
function neverReached(error: unknown): boolean {
  const code = (error as { detail?: { code?: string } }).detail?.code;
  return error instanceof Stripe.errors.StripeConnectionError && ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code ?? '');
}

/** Stripe refused the request before acting on it (a bad parameter, a key without the permission): nothing was charged. */
function refusedUnheard(error: unknown): boolean {
  return error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError;
}

/**
 * A card acquirer on Stripe's PaymentIntents, created and confirmed by the
 * server with the card from the gateway's vault. Every POST carries an
 * idempotency key derived from the order and the attempt, so a resent call
 * is the same call at Stripe and never a second charge.
 */
export class StripeChannel implements Channel {
  readonly name: string;
  readonly capabilities: ChannelCapabilities;
  readonly stripe: Stripe;

  constructor(private readonly options: StripeChannelOptions) {
    this.name = options.name;
    this.capabilities = { autoCapture: options.captureMethod === 'automatic', threeDSecure: true, refunds: true, currencies: options.currencies };
    this.stripe = stripeClient(options.secretKey, options.apiBase, options.timeoutMs);
  }

  /** One attempt of one order: the same card on the same order is the same attempt. Keyed, so no card data is readable from it. */
  attemptKey(request: AuthorizeRequest): string {
    const card = request.card;
    const mac = createHmac('sha256', this.options.secretKey).update(`${request.orderId}|${card.pan}|${card.expiryMonth}/${card.expiryYear}|${request.amountMinor}|${request.currency}|${request.captureLater === true}|${request.forceThreeDSecure === true}`).digest('hex');
    return `opencashier-${request.orderId}-${mac.slice(0, 24)}`;
  }

  async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    const key = this.attemptKey(request);
    const manual = request.captureLater === true || this.options.captureMethod === 'manual';
    let intent: Stripe.PaymentIntent;
    try {
      intent = await this.stripe.paymentIntents.create(
        { amount: Number(request.amountMinor), currency: stripeCurrency(request.currency), capture_method: manual ? 'manual' : 'automatic', payment_method_types: ['card'], metadata: { order_id: request.orderId, merchant_id: request.merchantId } },
        { idempotencyKey: `${key}-create` },
      );
    } catch (error) {
      // An intent that was never confirmed charges nothing, whatever became of it.
      throw new ChannelNotReachedError(`stripe: the payment intent was not created (${(error as Error).message})`);
    }
    const card = request.card;
    const params = {
      payment_method_data: { type: 'card', card: { number: card.pan, exp_month: card.expiryMonth, exp_year: card.expiryYear, ...(card.cvv !== null ? { cvc: card.cvv } : {}) }, billing_details: { name: card.holder } },
      return_url: this.options.returnUrl(request.orderId),
      ...(request.forceThreeDSecure ? { payment_method_options: { card: { request_three_d_secure: 'any' } } } : {}),
      ...(request.initiator === 'merchant' ? { off_session: true } : {}),
    } as unknown as Stripe.PaymentIntentConfirmParams;
    try {
      return resultOfIntent(await this.stripe.paymentIntents.confirm(intent.id, params, { idempotencyKey: `${key}-confirm` }));
    } catch (error) {
      if (error instanceof Stripe.errors.StripeCardError) return { outcome: 'declined', reference: intent.id, declineCode: declineCodeOf(error) };
      if (refusedUnheard(error)) return { outcome: 'declined', reference: intent.id, declineCode: 'PROCESSING_ERROR' };
      if (neverReached(error)) throw new ChannelNotReachedError(`stripe: the confirmation did not reach Stripe (${(error as Error).message})`);
      // A 5xx, a timeout, a reset: Stripe may have charged. The query settles it.
      return { outcome: 'unknown', reference: intent.id };
    }
  }

  /** The payer is back from Stripe's 3-D Secure page: the intent says how it went. The answer is Stripe's, not the payer's. */
  async completeChallenge(reference: string): Promise<AuthorizeResult> {
    return this.query(reference);
  }

  async capture(reference: string, amountMinor: AmountMinor): Promise<{ ok: boolean }> {
    try {
      const intent = await this.stripe.paymentIntents.retrieve(reference);
      if (intent.status === 'succeeded') return { ok: true };
      if (intent.status !== 'requires_capture') return { ok: false };
      const captured = await this.stripe.paymentIntents.capture(reference, { amount_to_capture: Number(amountMinor) }, { idempotencyKey: `opencashier-${reference}-capture-${amountMinor}` });
      return { ok: captured.status === 'succeeded' };
    } catch {
      return { ok: false };
    }
  }

  async voidAuthorization(reference: string): Promise<{ ok: boolean }> {
    try {
      const canceled = await this.stripe.paymentIntents.cancel(reference, {}, { idempotencyKey: `opencashier-${reference}-cancel` });
      return { ok: canceled.status === 'canceled' };
    } catch {
      return { ok: false };
    }
  }

  async refund(reference: string, amountMinor: AmountMinor, refundId: string): Promise<RefundResult> {
    try {
      const refund = await this.stripe.refunds.create({ payment_intent: reference, amount: Number(amountMinor), metadata: { refund_id: refundId } }, { idempotencyKey: `opencashier-refund-${refundId}` });
      return resultOfRefund(refund);
    } catch (error) {
      // Refused by Stripe (nothing left to refund, not captured): failed. Not heard: ask again with the same key.
      if (error instanceof Stripe.errors.StripeInvalidRequestError || error instanceof Stripe.errors.StripeCardError) return { outcome: 'failed', reference: `${reference}.r.${refundId}` };
      return { outcome: 'pending', reference: `${reference}.r.${refundId}` };
    }
  }

  async query(reference: string): Promise<AuthorizeResult> {
    try {
      return resultOfIntent(await this.stripe.paymentIntents.retrieve(reference));
    } catch (error) {
      if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404) return { outcome: 'declined', reference, declineCode: 'PROCESSING_ERROR' };
      return { outcome: 'unknown', reference };
    }
  }

  async findByOrder(orderId: string): Promise<AuthorizeResult | undefined> {
    if (!/^[A-Za-z0-9_-]+$/.test(orderId)) return undefined;
    const found = await this.stripe.paymentIntents.search({ query: `metadata['order_id']:'${orderId}'` });
    const intent = found.data.find((i) => i.status !== 'requires_payment_method' || i.last_payment_error) ?? found.data[0];
    return intent ? resultOfIntent(intent) : undefined;
  }
}
