import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_MODULES } from '../../src/channels/index.js';
import { secretText, stripeModule } from '../../src/channels/stripe/module.js';
import { channelSecret } from '../../src/compose/channels.js';
import { OrderRepository } from '../../src/store/order-repository.js';
import { StripeEmulator } from '../emulators/stripe/emulator.js';
import { STRIPE_TEST_CARDS } from '../emulators/stripe/cards.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { stripeAtEmulator } from './stripe-at-emulator.js';

const emulator = await new StripeEmulator().start();
afterAll(() => emulator.close());
const stripe = stripeAtEmulator(emulator);

describe.each(testDatabases())('Stripe webhooks sent by the emulator to a running gateway (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let repo: OrderRepository;
  let secret: string;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false, channelModules: [...CHANNEL_MODULES, stripe] });
    repo = new OrderRepository(t.gateway.database.db);
    secret = secretText(channelSecret(t.gateway.kek, stripeModule, 'webhook_secret'));
  });
  afterAll(async () => t?.close());
  const url = () => `${t.baseUrl}/channels/stripe/webhook`;

  /** An order Stripe charged while the gateway lost the answer (a 500 after the charge), as the emulator's lost-answer card does. */
  const lostAnswer = async (requestId: string) => {
    await t.client.createIccOrder({ requestId, orderAmount: '10000', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, requestId))!;
    const started = await t.gateway.channels.get('stripe').authorize({ orderId: order.orderId, merchantId: order.merchantId, amountMinor: order.amountMinor, currency: 'CNY', card: { holder: 'Ada Payer', pan: STRIPE_TEST_CARDS.succeedsThen500, expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' } });
    expect(started.outcome).toBe('unknown');
    await repo.transition(order.orderId, 'INIT', 'PROCESSING', { channel: 'stripe', channelReference: started.reference }, 'sent to the channel', Date.now());
    await repo.transition(order.orderId, 'PROCESSING', 'UNKNOWN', {}, 'channel outcome unknown', Date.now());
    return { order, intent: emulator.intents.get(started.reference)! };
  };

  it('payment_intent.succeeded, sent twice with one event id, pays the order once with one notification', async () => {
    const { order, intent } = await lostAnswer('stripe-wh-twice');
    const first = await emulator.sendWebhook(url(), secret, 'payment_intent.succeeded', intent, { eventId: `evt_twice_${order.orderId}` });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true });
    const again = await emulator.sendWebhook(url(), secret, 'payment_intent.succeeded', intent, { eventId: `evt_twice_${order.orderId}` });
    expect(again.status).toBe(200);
    expect((await t.gateway.orders.find(order.orderId))!.state).toBe('SUCCESS');
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(1);
  });

  it('a webhook signed with another secret is refused and changes nothing', async () => {
    const { order, intent } = await lostAnswer('stripe-wh-forged');
    const answer = await emulator.sendWebhook(url(), secret, 'payment_intent.succeeded', intent, { signWith: 'whsec_not_ours' });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    expect((await t.gateway.orders.find(order.orderId))!.state).toBe('UNKNOWN');
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(0);
    expect(await t.gateway.database.db.selectFrom('channel_events').selectAll().where('order_id', '=', order.orderId).execute()).toHaveLength(0);
  });

  it('a webhook whose amount differs from the order’s never pays it', async () => {
    const { order, intent } = await lostAnswer('stripe-wh-amount');
    const answer = await emulator.sendWebhook(url(), secret, 'payment_intent.succeeded', { ...intent, amount: 9_999, amount_received: 9_999 });
    expect(answer.status).toBe(400);
    expect((await t.gateway.orders.find(order.orderId))!.state).toBe('UNKNOWN');
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(0);
  });

  it('a webhook for a PaymentIntent the gateway does not hold creates nothing', async () => {
    const before = await t.gateway.database.db.selectFrom('channel_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    const answer = await emulator.sendWebhook(url(), secret, 'payment_intent.succeeded', { id: 'pi_nobody', object: 'payment_intent', amount: 100, amount_received: 100, currency: 'cny', status: 'succeeded' });
    expect(answer.status).toBe(400);
    const after = await t.gateway.database.db.selectFrom('channel_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
