import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { isDeclineCode, type AuthorizeResult, type Channel, type PayerCompletedChannel } from '../../src/domain/channel.js';
import { paymentMethodSpec } from '../../src/domain/payment-method.js';
import type { BuiltChannel, ChannelModule, ContractPayment } from '../../src/domain/channel-module.js';
import type { AmountMinor } from '../../src/domain/money.js';
import { channelSecret } from '../../src/compose/channels.js';
import { OrderRepository } from '../../src/store/order-repository.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';

/** The settings the suite builds every channel with; each module's schema must take them. */
const SETTINGS = { unknownResolveDelayMs: 1_000 };
const START_MS = 1_900_000_000_000;

const testSecret = (module: ChannelModule<any>) => (kind: string) => {
  expect(module.secretKinds).toContain(kind);
  return createHash('sha256').update(`contract:${module.name}:${kind}`).digest();
};

let serial = 0;
const payment = (amountMinor = 10_000n): ContractPayment => ({ orderId: `contract-${(serial += 1)}`, merchantId: '100000001', amountMinor: amountMinor as AmountMinor, currency: 'CNY' });

/**
 * The contract every channel module keeps, run over each module of a list
 * as Kysely runs one suite over every dialect: authorise, 3-D Secure where
 * capable, capture, refund and partial refund, an unknown outcome settled
 * by a query, and its upstream's callbacks verified. A new module is tested
 * by adding it to the list.
 */
export function channelContractSuite(modules: readonly ChannelModule<any>[]): void {
  describe.each(modules.map((m) => [m.name, m] as const))('channel contract: %s', (_name, module) => {
    let nowMs = START_MS;
    let built: BuiltChannel;
    let channel: Channel;
    const begin = async (scenario: Parameters<ChannelModule['testKit']['begin']>[1], p = payment()): Promise<AuthorizeResult | undefined> => module.testKit.begin(channel, scenario, p);

    beforeAll(() => {
      expect(Value.Check(module.configSchema, SETTINGS)).toBe(true);
      built = module.create({ clock: () => nowMs, config: SETTINGS, publicBaseUrl: 'http://127.0.0.1:1', secret: testSecret(module) });
      channel = built.channel;
    });

    it('is named as its module, and its channel says what its module declares', () => {
      expect(channel.name).toBe(module.name);
      expect(channel.capabilities.threeDSecure).toBe(module.capabilities.threeDSecure);
      expect(channel.capabilities.refunds).toBe(module.capabilities.refunds);
      expect(channel.capabilities.autoCapture).toBe(module.capabilities.autoCapture);
      expect([...channel.capabilities.currencies].sort()).toEqual([...module.capabilities.currencies].sort());
      expect(module.capabilities.methods.length).toBeGreaterThan(0);
    });

    it('authorises, and captures what it authorised', async () => {
      const approved = await begin('approve');
      expect(approved?.outcome).toBe('approved');
      expect(approved!.reference).not.toBe('');
      expect((await channel.capture(approved!.reference, 10_000n as AmountMinor)).ok).toBe(true);
    });

    it('declines with a decline code of the domain, or says it cannot decline by itself', async () => {
      const declined = await begin('decline');
      if (declined === undefined) return expect(module.capabilities.methods).toEqual(['OFFLINE']);
      expect(declined.outcome).toBe('declined');
      expect(isDeclineCode((declined as { declineCode?: unknown }).declineCode)).toBe(true);
    });

    it('runs 3-D Secure exactly when it declares it: a wrong answer fails, the right one approves', async () => {
      const challenged = await begin('challenge');
      if (!module.capabilities.threeDSecure) return expect(challenged?.outcome === 'challenge').toBe(false);
      expect(challenged?.outcome).toBe('challenge');
      const answers = module.testKit.challengeAnswers!;
      expect((await channel.completeChallenge(challenged!.reference, answers.fail)).outcome).toBe('declined');
      const again = await begin('challenge');
      expect(await channel.completeChallenge(again!.reference, answers.pass)).toMatchObject({ outcome: 'approved', reference: again!.reference });
    });

    it('hands the payer what each declared method needs, when the payer completes payments outside the gateway', async () => {
      const start = (channel as Partial<PayerCompletedChannel>).start;
      const cardOnly = module.capabilities.methods.every((m) => paymentMethodSpec(m).action === 'card' || paymentMethodSpec(m).action === 'saved-card');
      expect(typeof start === 'function').toBe(!cardOnly);
      if (!start) return;
      for (const method of module.capabilities.methods) {
        const { reference, action } = await start.call(channel, { ...payment(), method, appId: 'wx-contract', openId: 'o-contract' });
        expect(reference, method).not.toBe('');
        // The channel's action is the one the method promises the merchant (a QR code for a scan method, say).
        expect(action.kind, method).toBe(paymentMethodSpec(method).action);
      }
    });

    it('refunds in full, and the same refund id sent twice is the same refund', async () => {
      const approved = (await begin('approve'))!;
      const first = await channel.refund(approved.reference, 10_000n as AmountMinor, 'rf-full', nowMs);
      expect(first.outcome).toBe('succeeded');
      expect(await channel.refund(approved.reference, 10_000n as AmountMinor, 'rf-full', nowMs)).toEqual(first);
    });

    it('refunds in parts when it declares partial refunds', async () => {
      const approved = (await begin('approve'))!;
      const a = await channel.refund(approved.reference, 4_000n as AmountMinor, 'rf-part-1', nowMs);
      const b = await channel.refund(approved.reference, 6_000n as AmountMinor, 'rf-part-2', nowMs);
      expect(module.capabilities.partialRefunds).toBe(a.outcome === 'succeeded' && b.outcome === 'succeeded');
      if (module.capabilities.partialRefunds) expect(a.reference).not.toBe(b.reference);
    });

    it('settles an unknown outcome by a query once its upstream knows', async () => {
      const unknown = await begin('unknown');
      // Only an operator's record settles a remittance: the channel itself never learns an outcome.
      if (unknown === undefined) return expect((await channel.query('none')).outcome).not.toBe('approved');
      expect(unknown.outcome).toBe('unknown');
      const settleMs = module.testKit.unknownSettlesAfterMs(SETTINGS);
      if (settleMs > 0) expect((await channel.query(unknown.reference)).outcome).toBe('unknown');
      nowMs += settleMs;
      expect(await channel.query(unknown.reference)).toMatchObject({ outcome: 'approved', reference: unknown.reference });
    });

    it('verifies its upstream callbacks: a signed one is read, an altered or foreign-signed one refused', async () => {
      if (!built.inbound) return expect(module.testKit.callback).toBeUndefined();
      const message = module.testKit.callback!(testSecret(module), { eventId: 'ev-1', reference: 'ref-1', outcome: 'approved', amountMinor: 10_000n as AmountMinor, currency: 'CNY' });
      expect(built.inbound.paths).toContain(message.path);
      expect(built.inbound.verify(message)).toMatchObject({ accepted: true, eventId: 'ev-1', event: { kind: 'authorised', reference: 'ref-1' } });
      const altered = { ...message, rawBody: Buffer.from(message.rawBody.toString('utf8').replace('ref-1', 'ref-2')) };
      expect(built.inbound.verify(altered)).toEqual({ accepted: false, reason: 'signature' });
      const foreign = module.testKit.callback!(() => Buffer.alloc(32, 7), { eventId: 'ev-1', reference: 'ref-1', outcome: 'approved', amountMinor: 10_000n as AmountMinor, currency: 'CNY' });
      expect(built.inbound.verify(foreign)).toEqual({ accepted: false, reason: 'signature' });
      const declined = module.testKit.callback!(testSecret(module), { eventId: 'ev-2', reference: 'ref-1', outcome: 'declined', amountMinor: 10_000n as AmountMinor, currency: 'CNY' });
      expect(built.inbound.verify(declined)).toMatchObject({ accepted: true, event: { kind: 'failed' } });
    });
  });
}

/**
 * The same modules inside a running gateway, on the run's database: a
 * callback applies its outcome once however often the upstream resends it,
 * and a callback with a bad signature changes nothing.
 */
export function channelCallbackSuite(modules: readonly ChannelModule<any>[], gatewayModules?: readonly ChannelModule<any>[]): void {
  describe.each(testDatabases())('channel callbacks through the gateway (%s)', (_database, databaseEnv) => {
    let t: TestGateway;
    let repo: OrderRepository;
    beforeAll(async () => {
      t = await startTestGateway(databaseEnv, { background: false, ...(gatewayModules ? { channelModules: gatewayModules } : {}) });
      repo = new OrderRepository(t.gateway.database.db);
    });
    afterAll(async () => t?.close());

    /** An order whose payment the channel took with an outcome still unknown, as a timed-out answer leaves it. */
    const awaitingOutcome = async (module: ChannelModule<any>, requestId: string) => {
      await t.client.createIccOrder({ requestId, orderAmount: '10000', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, requestId))!;
      const started = await module.testKit.begin(t.gateway.channels.get(module.name), 'approve', { orderId: order.orderId, merchantId: order.merchantId, amountMinor: order.amountMinor, currency: 'CNY' });
      await repo.transition(order.orderId, 'INIT', 'PROCESSING', { channel: module.name, channelReference: started!.reference }, 'sent to the channel', Date.now());
      await repo.transition(order.orderId, 'PROCESSING', 'UNKNOWN', {}, 'channel outcome unknown', Date.now());
      return { order, reference: started!.reference };
    };
    const post = (module: ChannelModule<any>, message: { path: string; headers: Readonly<Record<string, string | undefined>>; rawBody: Buffer }) =>
      fetch(`${t.baseUrl}/channels/${module.name}${message.path}`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.rawBody });

    for (const module of modules.filter((m) => m.testKit.callback)) {
      it(`${module.name}: a callback resent applies once, with one notification`, async () => {
        const { order, reference } = await awaitingOutcome(module, `cb-twice-${module.name}`);
        const message = module.testKit.callback!((kind) => channelSecret(t.gateway.kek, module, kind), { eventId: `ev-${order.orderId}`, reference, outcome: 'approved', amountMinor: order.amountMinor, currency: 'CNY' });
        const first = await post(module, message);
        expect(first.status).toBe(200);
        const ack = await first.text();
        expect((await t.gateway.orders.find(order.orderId))!.state).toBe('SUCCESS');
        const second = await post(module, message);
        expect(second.status).toBe(200);
        expect(await second.text()).toBe(ack);
        expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(1);
        const events = await t.gateway.database.db.selectFrom('channel_events').selectAll().where('channel', '=', module.name).where('order_id', '=', order.orderId).execute();
        expect(events).toHaveLength(1);
      });

      it(`${module.name}: a callback with a bad signature is refused and changes nothing`, async () => {
        const { order, reference } = await awaitingOutcome(module, `cb-forged-${module.name}`);
        const forged = module.testKit.callback!(() => Buffer.alloc(32, 9), { eventId: `ev-forged-${order.orderId}`, reference, outcome: 'approved', amountMinor: order.amountMinor, currency: 'CNY' });
        const answer = await post(module, forged);
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
        expect((await t.gateway.orders.find(order.orderId))!.state).toBe('UNKNOWN');
        expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(0);
        const events = await t.gateway.database.db.selectFrom('channel_events').selectAll().where('order_id', '=', order.orderId).execute();
        expect(events).toHaveLength(0);
      });

      it(`${module.name}: a callback reporting another amount than the order's never pays it`, async () => {
        const { order, reference } = await awaitingOutcome(module, `cb-amount-${module.name}`);
        const message = module.testKit.callback!((kind) => channelSecret(t.gateway.kek, module, kind), { eventId: `ev-amount-${order.orderId}`, reference, outcome: 'approved', amountMinor: (order.amountMinor - 1n) as AmountMinor, currency: 'CNY' });
        const answer = await post(module, message);
        // A channel whose callbacks carry no amount cannot report another one: its callback applies as usual.
        if (answer.status === 200) return expect(message.rawBody.toString('utf8')).not.toContain(String(order.amountMinor - 1n));
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ code: 'FIELD_INVALID' });
        expect((await t.gateway.orders.find(order.orderId))!.state).toBe('UNKNOWN');
      });

      it(`${module.name}: a callback naming a payment the channel does not have is refused`, async () => {
        const message = module.testKit.callback!((kind) => channelSecret(t.gateway.kek, module, kind), { eventId: 'ev-nobody', reference: 'no-such-reference', outcome: 'approved', amountMinor: 1n as AmountMinor, currency: 'CNY' });
        const answer = await post(module, message);
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ code: 'FIELD_INVALID' });
      });
    }
  });
}
