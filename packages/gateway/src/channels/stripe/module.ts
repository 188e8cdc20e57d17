import { Type, type Static } from '@sinclair/typebox';
import Stripe from 'stripe';
import type { ChannelModule, ContractScenario } from '../../domain/channel-module.js';
import type { CurrencyCode } from '../../domain/currencies.js';
import { StripeChannel } from './channel.js';
import { STRIPE_WEBHOOK_PATH, verifyStripeWebhook } from './webhook.js';

export const STRIPE_SECRET_KEY = 'secret_key';
export const STRIPE_WEBHOOK_SECRET = 'webhook_secret';

/** The currencies the gateway and a Stripe account both settle in (Stripe's minor units match ours for each). */
const STRIPE_CURRENCIES: readonly CurrencyCode[] = ['USD', 'CNY', 'EUR', 'GBP', 'HKD', 'JPY', 'CHF', 'CAD', 'AUD'];

export const StripeSettingsSchema = Type.Object({
  /** Stripe's API by default; a local emulator in tests (`http://127.0.0.1:<port>`). */
  apiBase: Type.Optional(Type.String({ pattern: '^https?://[^/]+/?$' })),
  /** `automatic`: authorise and capture at once; `manual`: authorise, and the gateway captures later. */
  captureMethod: Type.Optional(Type.Union([Type.Literal('automatic'), Type.Literal('manual')])),
  /** How long one call to Stripe may take before its outcome counts as unknown. */
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 80_000 })),
  /** The cashier path Stripe sends the payer back to after 3-D Secure; the order id is added as `?order=`. */
  returnPath: Type.Optional(Type.String({ pattern: '^/[A-Za-z0-9/_-]*$' })),
});
export type StripeSettings = Static<typeof StripeSettingsSchema>;

/**
 * A secret as the text Stripe expects: an operator's `sk_…`/`whsec_…` is
 * kept as its own bytes and read back as they were; a derived binary
 * secret (the test gateway's) is written in hex.
 */
export function secretText(secret: Buffer): string {
  const text = secret.toString('latin1');
  return /^[\x21-\x7e]+$/.test(text) ? text : secret.toString('hex');
}

/** Stripe's published test cards, one per outcome the contract suite asks for; `unknown` is the emulator's lost-answer card. */
const CONTRACT_CARDS: Readonly<Record<ContractScenario, string>> = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  challenge: '4000002500003155',
  unknown: '4000000000000119',
};

/** The official `stripe` SDK behind the channel contract: PaymentIntents, 3-D Secure by redirect, refunds, signed webhooks. */
export const stripeModule: ChannelModule<StripeSettings> = {
  name: 'stripe',
  capabilities: {
    methods: ['CARD'],
    currencies: STRIPE_CURRENCIES,
    countries: 'any',
    autoCapture: true,
    refunds: true,
    partialRefunds: true,
    threeDSecure: true,
    disputes: false,
    storedCredentials: false,
    payouts: false,
  },
  configSchema: StripeSettingsSchema,
  secretKinds: [STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET],
  create(context) {
    const webhookSecret = secretText(context.secret(STRIPE_WEBHOOK_SECRET));
    const returnBase = `${context.publicBaseUrl.replace(/\/$/, '')}${context.config.returnPath ?? '/cashier/3ds-return'}`;
    return {
      channel: new StripeChannel({
        name: 'stripe',
        secretKey: secretText(context.secret(STRIPE_SECRET_KEY)),
        ...(context.config.apiBase ? { apiBase: context.config.apiBase } : {}),
        captureMethod: context.config.captureMethod ?? 'automatic',
        timeoutMs: context.config.timeoutMs ?? 30_000,
        returnUrl: (orderId) => `${returnBase}?order=${encodeURIComponent(orderId)}`,
        currencies: STRIPE_CURRENCIES,
      }),
      inbound: { paths: [STRIPE_WEBHOOK_PATH], verify: (message) => verifyStripeWebhook(webhookSecret, message), acknowledgement: { contentType: 'application/json', body: '{"received":true}' } },
    };
  },
  testKit: {
    begin: async (channel, scenario, payment) =>
      channel.authorize({ ...payment, card: { holder: 'Contract Suite', pan: CONTRACT_CARDS[scenario], expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' } }),
    /** What the payer does on Stripe's 3-D Secure page; the test harness acts it out before the channel is asked. */
    challengeAnswers: { pass: 'complete', fail: 'fail' },
    unknownSettlesAfterMs: () => 0,
    callback(secret, input) {
      const intent = {
        id: input.reference,
        object: 'payment_intent',
        amount: Number(input.amountMinor),
        amount_received: input.outcome === 'approved' ? Number(input.amountMinor) : 0,
        currency: input.currency.toLowerCase(),
        status: input.outcome === 'approved' ? 'succeeded' : 'requires_payment_method',
        last_payment_error: input.outcome === 'approved' ? null : { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline' },
      };
      const payload = JSON.stringify({ id: input.eventId, object: 'event', type: input.outcome === 'approved' ? 'payment_intent.succeeded' : 'payment_intent.payment_failed', data: { object: intent } });
      const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: secretText(secret(STRIPE_WEBHOOK_SECRET)) });
      return { path: STRIPE_WEBHOOK_PATH, headers: { 'content-type': 'application/json', 'stripe-signature': header }, rawBody: Buffer.from(payload) };
    },
  },
};
