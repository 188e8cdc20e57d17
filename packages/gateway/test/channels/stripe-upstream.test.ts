import { createHash } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { ChannelNotReachedError, type AuthorizeRequest, type Channel } from '../../src/domain/channel.js';
import type { AmountMinor } from '../../src/domain/money.js';
import { secretText, stripeModule, type StripeSettings } from '../../src/channels/stripe/module.js';
import { CHANNEL_MODULES, CONFIGURED_CHANNEL_MODULES } from '../../src/channels/index.js';
import { StripeEmulator } from '../emulators/stripe/emulator.js';
import { STRIPE_TEST_CARDS } from '../emulators/stripe/cards.js';
import { stripeAtEmulator } from './stripe-at-emulator.js';

const emulator = await new StripeEmulator().start();
afterAll(() => emulator.close());
const secret = (kind: string) => createHash('sha256').update(`stripe-upstream:${kind}`).digest();
const build = (settings: Partial<StripeSettings> = {}) => stripeAtEmulator(emulator, settings).create({ clock: () => 0, config: {}, publicBaseUrl: 'https://pay.example.com', secret });

let serial = 0;
const request = (pan: string, extra: Partial<AuthorizeRequest> = {}): AuthorizeRequest => ({
  orderId: `ord-${Date.now()}-${(serial += 1)}`,
  merchantId: '100000001',
  amountMinor: 2_500n as AmountMinor,
  currency: 'USD',
  card: { holder: 'Ada Payer', pan, expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' },
  ...extra,
});
const callsFor = (reference: string, orderId: string) => emulator.calls.filter((c) => c.path.includes(reference) || c.params['metadata[order_id]'] === orderId || c.params.payment_intent === reference);

beforeEach(() => {
  emulator.faults.length = 0;
});

describe('the Stripe channel against the emulator', () => {
  const channel: Channel = build().channel;

  it('sends an idempotency key on every POST, one per operation, with no card data in it', async () => {
    const manual = build({ captureMethod: 'manual' }).channel;
    const req = request(STRIPE_TEST_CARDS.succeeds);
    const approved = await manual.authorize(req);
    expect(approved.outcome).toBe('approved');
    expect(emulator.intents.get(approved.reference)?.status).toBe('requires_capture');
    expect((await manual.capture(approved.reference, req.amountMinor)).ok).toBe(true);
    expect((await manual.refund(approved.reference, 1_000n as AmountMinor, 'rf-key-1', 0)).outcome).toBe('succeeded');
    const posts = callsFor(approved.reference, req.orderId).filter((c) => c.method === 'POST');
    expect(posts.map((c) => c.path)).toEqual(['/v1/payment_intents', `/v1/payment_intents/${approved.reference}/confirm`, `/v1/payment_intents/${approved.reference}/capture`, '/v1/refunds']);
    const keys = posts.map((c) => c.idempotencyKey);
    expect(keys.every((k) => typeof k === 'string' && k.length > 0)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    for (const key of keys) expect(key).not.toContain(req.card.pan.slice(-4) + req.card.pan.slice(0, 6));
    expect(keys[0]).toContain(req.orderId);
  });

  it('the same order and card resent is the same attempt at Stripe: one payment intent, one charge', async () => {
    const req = request(STRIPE_TEST_CARDS.succeeds);
    const first = await channel.authorize(req);
    const again = await channel.authorize(req);
    expect(again).toEqual(first);
    expect([...emulator.intents.values()].filter((i) => i.metadata.order_id === req.orderId)).toHaveLength(1);
  });

  it('the emulator keeps Stripe’s idempotency rule: same key and parameters, same answer; other parameters, an idempotency error', async () => {
    const stripe = new Stripe('sk_test_emulator', { host: '127.0.0.1', port: emulator.port, protocol: 'http', maxNetworkRetries: 0 });
    const a = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'idem-rule' });
    const b = await stripe.paymentIntents.create({ amount: 100, currency: 'usd' }, { idempotencyKey: 'idem-rule' });
    expect(b.id).toBe(a.id);
    await expect(stripe.paymentIntents.create({ amount: 101, currency: 'usd' }, { idempotencyKey: 'idem-rule' })).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('maps Stripe’s declines to the domain’s decline codes', async () => {
    expect(await channel.authorize(request(STRIPE_TEST_CARDS.declined))).toMatchObject({ outcome: 'declined', declineCode: 'DO_NOT_HONOR' });
    expect(await channel.authorize(request(STRIPE_TEST_CARDS.insufficientFunds))).toMatchObject({ outcome: 'declined', declineCode: 'INSUFFICIENT_FUNDS' });
    expect(await channel.authorize(request(STRIPE_TEST_CARDS.expired))).toMatchObject({ outcome: 'declined', declineCode: 'EXPIRED_CARD' });
    expect(await channel.authorize(request(STRIPE_TEST_CARDS.incorrectCvc))).toMatchObject({ outcome: 'declined', declineCode: 'CVV_MISMATCH' });
    expect(await channel.authorize(request(STRIPE_TEST_CARDS.stolen))).toMatchObject({ outcome: 'declined', declineCode: 'STOLEN_CARD' });
  });

  it('3-D Secure: the payer is sent to Stripe’s redirect and back to the cashier of the order', async () => {
    const req = request(STRIPE_TEST_CARDS.requires3ds);
    const challenged = await channel.authorize(req);
    expect(challenged.outcome).toBe('challenge');
    expect((challenged as { hint?: string }).hint).toBe(`${emulator.baseUrl}/emulator/3ds/${challenged.reference}`);
    const confirm = emulator.calls.find((c) => c.path === `/v1/payment_intents/${challenged.reference}/confirm`)!;
    expect(confirm.params.return_url).toBe(`https://pay.example.com/cashier/3ds-return?order=${req.orderId}`);
  });

  it('a 500 after Stripe charged leaves the outcome unknown; the query settles it and a resend never charges twice', async () => {
    emulator.faults.push({ kind: '500-after', path: /\/confirm$/, times: 1 });
    const req = request(STRIPE_TEST_CARDS.succeeds);
    const unknown = await channel.authorize(req);
    expect(unknown.outcome).toBe('unknown');
    expect(await channel.query(unknown.reference)).toMatchObject({ outcome: 'approved', reference: unknown.reference });
    expect((await channel.authorize(req)).outcome).toBe('unknown'); // Stripe replays the saved answer of the same key
    expect(emulator.calls.filter((c) => c.path === `/v1/payment_intents/${unknown.reference}/confirm`)).toHaveLength(2);
    expect([...emulator.intents.values()].filter((i) => i.metadata.order_id === req.orderId).map((i) => i.status)).toEqual(['succeeded']);
    expect(await channel.findByOrder(req.orderId)).toMatchObject({ outcome: 'approved', reference: unknown.reference });
  });

  it('a timeout leaves the outcome unknown, and the query reads what Stripe did meanwhile', async () => {
    const hasty = build({ timeoutMs: 150 }).channel;
    emulator.faults.push({ kind: 'slow', delayMs: 400, path: /\/confirm$/, times: 1 });
    const unknown = await hasty.authorize(request(STRIPE_TEST_CARDS.succeeds));
    expect(unknown.outcome).toBe('unknown');
    await vi.waitFor(() => expect(emulator.intents.get(unknown.reference)?.status).toBe('succeeded'), { timeout: 5_000 });
    expect((await hasty.query(unknown.reference)).outcome).toBe('approved');
  });

  it('a payment intent Stripe never created fails the payment at once, with nothing to confirm', async () => {
    emulator.faults.push({ kind: '500-before', path: /^\/v1\/payment_intents$/, times: 1 });
    const req = request(STRIPE_TEST_CARDS.succeeds);
    await expect(channel.authorize(req)).rejects.toBeInstanceOf(ChannelNotReachedError);
    expect(emulator.calls.filter((c) => c.path.endsWith('/confirm') && c.params.return_url?.endsWith(req.orderId))).toHaveLength(0);
  });

  it('a confirmation Stripe refused unheard (no raw card data permission) is a decline, and nothing is charged', async () => {
    emulator.faults.push({ kind: 'refuse', path: /\/confirm$/, times: 1 });
    const declined = await channel.authorize(request(STRIPE_TEST_CARDS.succeeds));
    expect(declined).toMatchObject({ outcome: 'declined', declineCode: 'PROCESSING_ERROR' });
    expect(emulator.intents.get(declined.reference)?.status).toBe('requires_payment_method');
  });

  it('connection refused is a channel not reached', async () => {
    const closed = await new StripeEmulator().start();
    await closed.close();
    const nowhere = stripeModule.create({ clock: () => 0, config: { apiBase: closed.baseUrl }, publicBaseUrl: 'https://pay.example.com', secret }).channel;
    await expect(nowhere.authorize(request(STRIPE_TEST_CARDS.succeeds))).rejects.toBeInstanceOf(ChannelNotReachedError);
  });

  it('refunds: more than is left fails, a refund id resent is the same refund', async () => {
    const approved = await channel.authorize(request(STRIPE_TEST_CARDS.succeeds));
    const part = await channel.refund(approved.reference, 2_000n as AmountMinor, 'rf-a', 0);
    expect(part.outcome).toBe('succeeded');
    expect(await channel.refund(approved.reference, 2_000n as AmountMinor, 'rf-a', 0)).toEqual(part);
    expect((await channel.refund(approved.reference, 501n as AmountMinor, 'rf-b', 0)).outcome).toBe('failed');
    expect((await channel.refund(approved.reference, 500n as AmountMinor, 'rf-c', 0)).outcome).toBe('succeeded');
  });
});

describe('Stripe in the channel list', () => {
  it('is listed as a configured channel only: a gateway without its configuration never builds it, so no merchant is routed to it', () => {
    expect(CONFIGURED_CHANNEL_MODULES.map((m) => m.name)).toContain('stripe');
    expect(CHANNEL_MODULES.map((m) => m.name)).not.toContain('stripe');
  });
});

describe('Stripe webhooks', () => {
  const built = build();
  const webhookSecret = secretText(secret('webhook_secret'));
  const message = (payload: string, header: string) => ({ path: '/webhook', headers: { 'stripe-signature': header }, rawBody: Buffer.from(payload) });

  it('a webhook signed as Stripe signs is verified by the SDK and read as a domain event', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_abc123', amount: 2500, amount_received: 2500, currency: 'usd' } } });
    expect(built.inbound!.verify(message(payload, StripeEmulator.signature(webhookSecret, payload)))).toEqual({
      accepted: true,
      eventId: 'evt_1',
      event: { kind: 'authorised', reference: 'pi_abc123', authCode: 'abc123', collected: { amountMinor: 2500n, currency: 'USD' } },
    });
    const failed = JSON.stringify({ id: 'evt_2', object: 'event', type: 'payment_intent.payment_failed', data: { object: { id: 'pi_abc123', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } } } });
    expect(built.inbound!.verify(message(failed, StripeEmulator.signature(webhookSecret, failed)))).toMatchObject({ accepted: true, event: { kind: 'failed', declineCode: 'INSUFFICIENT_FUNDS' } });
  });

  it('a bad signature, an old timestamp or a missing header is refused', () => {
    const payload = JSON.stringify({ id: 'evt_3', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_x', amount: 1, currency: 'usd' } } });
    expect(built.inbound!.verify(message(payload, StripeEmulator.signature('whsec_other', payload)))).toEqual({ accepted: false, reason: 'signature' });
    expect(built.inbound!.verify(message(payload, StripeEmulator.signature(webhookSecret, payload, Math.floor(Date.now() / 1000) - 3_600)))).toEqual({ accepted: false, reason: 'signature' });
    expect(built.inbound!.verify(message(payload, ''))).toEqual({ accepted: false, reason: 'signature' });
  });

  it('a signed event the channel does not settle payments by is not read as one', () => {
    const payload = JSON.stringify({ id: 'evt_4', object: 'event', type: 'charge.dispute.created', data: { object: { id: 'dp_1', payment_intent: 'pi_x' } } });
    expect(built.inbound!.verify(message(payload, StripeEmulator.signature(webhookSecret, payload)))).toEqual({ accepted: false, reason: 'malformed' });
  });
});
