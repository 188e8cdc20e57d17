import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_MODULES } from '../../src/channels/index.js';
import { signSandboxCallback, SANDBOX_CALLBACK_KEY } from '../../src/channels/sandbox-callbacks/signed-callback.js';
import { channelSecret } from '../../src/compose/channels.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';

/**
 * A wallet's asynchronous notify for a payment the payer completed in the
 * wallet: the unified order is paid by the callback alone, through the same
 * command as the simulator page, and notified once however often the
 * wallet resends.
 */
describe.each(testDatabases())('a wallet notify pays a unified order (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  const alipay = CHANNEL_MODULES.find((m) => m.name === 'sandbox-alipay')!;
  const started = async (requestId: string, amount = '1990') => {
    const answer = await t.client.createOnlinePayOrder({ requestId, orderAmount: amount, orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', productDetails: [{ name: 'Tea', quantity: '1', amount }], paymentModeCode: 'SCANCODE-ALI_PAY-P2P' });
    const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, requestId))!;
    expect(order.channel).toBe('sandbox-alipay');
    expect(answer.scanCodeUrl).toContain(order.channelReference!);
    return order;
  };
  const post = (body: Parameters<typeof signSandboxCallback>[1], key = channelSecret(t.gateway.kek, alipay, SANDBOX_CALLBACK_KEY)) => {
    const message = signSandboxCallback(key, body);
    return fetch(`${t.baseUrl}/channels/sandbox-alipay${message.path}`, { method: 'POST', headers: message.headers as Record<string, string>, body: message.rawBody });
  };

  it('an approval pays the order; the same notify resent is acknowledged and changes nothing', async () => {
    const order = await started('wn-paid');
    const body = { eventId: 'ali-ev-1', reference: order.channelReference!, outcome: 'approved' as const, authCode: 'A1B2C3', amountMinor: '1990', currency: 'CNY' };
    for (let i = 0; i < 2; i += 1) {
      const answer = await post(body);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toBe('success');
    }
    expect((await t.client.queryOnlinePayOrder({ requestId: 'wn-paid' })).status).toBe('SUCCESS');
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(1);
  });

  it('a decline fails the order', async () => {
    const order = await started('wn-declined');
    expect((await post({ eventId: 'ali-ev-2', reference: order.channelReference!, outcome: 'declined', declineCode: 'INSUFFICIENT_FUNDS' })).status).toBe(200);
    const after = (await t.gateway.orders.find(order.orderId))!;
    expect(after.state).toBe('FAILED');
    expect(after.declineCode).toBe('INSUFFICIENT_FUNDS');
  });

  it('refuses a notify for another amount, one with a bad signature, and one it cannot read; the order stays open', async () => {
    const order = await started('wn-refused');
    const other = await post({ eventId: 'ali-ev-3', reference: order.channelReference!, outcome: 'approved', authCode: 'X', amountMinor: '1', currency: 'CNY' });
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ code: 'FIELD_INVALID' });
    const forged = await post({ eventId: 'ali-ev-4', reference: order.channelReference!, outcome: 'approved', authCode: 'X' }, Buffer.alloc(32, 1));
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
    const unreadable = await post({ eventId: 'ali-ev-5', reference: order.channelReference!, outcome: 'approved' } as Parameters<typeof signSandboxCallback>[1]);
    expect(unreadable.status).toBe(400);
    expect(await unreadable.json()).toMatchObject({ code: 'FIELD_INVALID' });
    expect((await t.gateway.orders.find(order.orderId))!.state).toBe('INIT');
    expect(await t.gateway.notifications.forOrder(order.orderId)).toHaveLength(0);
    const events = await t.gateway.database.db.selectFrom('channel_events').selectAll().where('order_id', '=', order.orderId).execute();
    expect(events).toHaveLength(0);
  });
});
