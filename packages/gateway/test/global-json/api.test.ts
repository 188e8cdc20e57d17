import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError } from '@opencashier/sdk';
import { OrderRepository } from '../../src/store/order-repository.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { seedSign, startSeedMerchant, type SeedMerchant } from './seed-merchant.js';
import { creditRequest, directCard, globalClient, postSigned } from './support.js';

const NOTIFY_WAIT_MS_MAX = 15_000;

describe.each(testDatabases())('flat-JSON card API on %s', (_name, env) => {
  let t: TestGateway;
  let shop: SeedMerchant;

  beforeAll(async () => {
    t = await startTestGateway(env);
    shop = await startSeedMerchant(() => t.merchant.globalJson!.secret);
  });
  afterAll(async () => {
    await shop?.close();
    await t?.close();
  });

  const post = (path: string, fields: Record<string, unknown>, secret?: string) => postSigned(t, path, fields, secret);

  it('creates a cashier order: pay_info is the hosted cashier, the answer is signed, the amount exact', async () => {
    const request = creditRequest(shop);
    const answer = await post('/global/pay/credit', { ...request });
    expect(answer).toMatchObject({ code: '0', message: 'success', success: true });
    const result = answer.result!;
    expect(result.sign).toBe(seedSign(result, t.merchant.globalJson!.secret));
    expect(result).toMatchObject({ appid: t.merchant.globalJson!.appid, mchid: t.merchant.merchantId, amount: '2.00', mch_order_no: request.mch_order_no, pay_type: 'GLOBAL_CREDIT', user_id: 'sdfsdfsg', status: 'nopay' });
    expect(result.pay_info).toMatch(new RegExp(`^${t.baseUrl}/cashier/${result.order_id}\\.`));
    const order = await t.gateway.orders.find(result.order_id!);
    expect(order).toMatchObject({ amountMinor: 200n, currency: 'USD', dialect: 'global-json', requestId: request.mch_order_no });

    const byNo = await globalClient(t).query({ mch_order_no: request.mch_order_no });
    expect(byNo).toMatchObject({ order_id: result.order_id, status: 'nopay', amount: '2.00' });
    const byId = await globalClient(t).query({ order_id: result.order_id! });
    expect(byId.mch_order_no).toBe(request.mch_order_no);
  });

  it('reads amounts with the currency exponent from ISO 4217: "2" USD is 200 cents, "1500" JPY is 1500 yen', async () => {
    const usd = await globalClient(t).payCredit(creditRequest(shop, { amount: '2' }));
    expect((await t.gateway.orders.find(usd.order_id))!.amountMinor).toBe(200n);
    // Echoed exactly as received.
    expect(usd.amount).toBe('2');
    const jpy = await globalClient(t).payCredit(creditRequest(shop, { amount: '1500', currency: 'JPY' }));
    expect((await t.gateway.orders.find(jpy.order_id))!.amountMinor).toBe(1500n);
    expect(jpy.amount).toBe('1500');
  });

  it('authorises posted card data at once and notifies in the seed format, acknowledged by "success"', async () => {
    const request = creditRequest(shop, directCard());
    const result = await globalClient(t).payCredit(request);
    expect(result.status).toBe('success');
    const order = await t.gateway.orders.find(result.order_id);
    expect(order).toMatchObject({ state: 'SUCCESS', card: { bin: '424242', last4: '4242', vaultToken: null } });

    const notification = await waitUntil(() => shop.for(request.mch_order_no).find((n) => n.fields.status === 'success'), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the success notification' });
    expect(notification.signValid).toBe(true);
    expect(Object.keys(notification.fields).sort()).toEqual(['amount', 'appid', 'complete_time', 'mch_order_no', 'mchid', 'order_id', 'pay_type', 'sign', 'status', 'user_id']);
    expect(notification.fields).toMatchObject({ amount: '2.00', order_id: result.order_id, pay_type: 'GLOBAL_CREDIT', mchid: t.merchant.merchantId });
    expect(notification.fields.complete_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    // The SDK accepts what the seed-only client accepts.
    expect(globalClient(t).verifyNotification(JSON.stringify(notification.fields)).status).toBe('success');
    const [row] = await t.gateway.notifications.forOrder(result.order_id);
    expect(row).toMatchObject({ dialect: 'global-json' });
    await waitUntil(async () => ((await t.gateway.notifications.find(row!.id))?.state === 'delivered' ? true : undefined), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'delivered' });
  });

  it('keeps retrying while the merchant answers anything but the text success', async () => {
    shop.answer = 'SUCCESS';
    try {
      const request = creditRequest(shop, directCard());
      const result = await globalClient(t).payCredit(request);
      const [row] = await waitUntil(async () => {
        const rows = await t.gateway.notifications.forOrder(result.order_id);
        return rows[0] && (await t.gateway.notifications.attempts(rows[0].id)).length > 0 ? rows : undefined;
      }, { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'a first attempt' });
      const attempts = await t.gateway.notifications.attempts(row!.id);
      expect(attempts[0]).toMatchObject({ httpStatus: 200, delivered: false, responseExcerpt: 'SUCCESS' });
      expect((await t.gateway.notifications.find(row!.id))!.state).toBe('pending');
    } finally {
      shop.answer = 'success';
    }
  });

  it('declines posted cards as the sandbox says and notifies fail', async () => {
    const request = creditRequest(shop, directCard('4000000000000002'));
    const result = await globalClient(t).payCredit(request);
    expect(result.status).toBe('fail');
    const n = await waitUntil(() => shop.for(request.mch_order_no)[0], { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the fail notification' });
    expect(n.fields.status).toBe('fail');
    expect(n.signValid).toBe(true);
  });

  it('an order closed unpaid is closed in the query and notified cancel', async () => {
    const request = creditRequest(shop);
    const created = await globalClient(t).payCredit(request);
    await t.gateway.orders.expireNow(created.order_id);
    const n = await waitUntil(() => shop.for(request.mch_order_no)[0], { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the cancel notification' });
    expect(n.fields.status).toBe('cancel');
    expect(n.signValid).toBe(true);
    expect((await globalClient(t).query({ order_id: created.order_id })).status).toBe('closed');
  });

  it('writes neither the CVV nor the clear card number anywhere in the database', async () => {
    const pan = '5555555555554444';
    const cvc = '987';
    const request = creditRequest(shop, { ...directCard(pan, cvc), trigger_mode: 'RECURRING', user_id: 'vault-check' });
    const result = await globalClient(t).payCredit(request);
    expect(result.status).toBe('success');
    const dump: string[] = [];
    for (const table of ['orders', 'order_events', 'notifications', 'notification_attempts', 'recurring_consents', 'merchant_secrets'] as const) {
      const rows = await t.gateway.database.db.selectFrom(table).selectAll().execute();
      dump.push(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    }
    const all = dump.join('\n');
    expect(all).not.toContain(pan);
    // No value anywhere is the CVV (it may occur by chance inside hex ids, so whole values are compared).
    expect(all).not.toContain(`"${cvc}"`);
    const order = await t.gateway.orders.find(result.order_id);
    expect(order!.card!.vaultToken).toMatch(/^vt_/);
  });

  it('recurring: the first RECURRING payment keeps the card, later charges reuse it without CVV', async () => {
    const client = globalClient(t);
    const userId = `subscriber-${Date.now()}`;
    // No consent yet: refused, and nothing is written.
    const before = await post('/global/pay/credit', { ...creditRequest(shop, { trigger_mode: 'RECURRING', user_id: userId }) });
    expect(before).toMatchObject({ code: '2004', success: false, result: null });

    const first = await client.payCredit(creditRequest(shop, { ...directCard('4000000000003220'), trigger_mode: 'RECURRING', user_id: userId }));
    // A 3-D Secure card: the payer finishes in the cashier, so the consent is not usable yet.
    expect(first.status).toBe('nopay');
    expect(await post('/global/pay/credit', { ...creditRequest(shop, { trigger_mode: 'RECURRING', user_id: userId }) })).toMatchObject({ code: '2004' });
    await t.gateway.orders.completeChallenge(first.order_id, { otp: '123456' });
    const firstQuery = await client.query({ order_id: first.order_id });
    expect(firstQuery).toMatchObject({ status: 'success', consent_id: expect.stringMatching(/^cs_/) });

    const later = await client.payCredit(creditRequest(shop, { amount: '9.99', trigger_mode: 'RECURRING', user_id: userId }));
    expect(later.status).toBe('success');
    const laterOrder = await t.gateway.orders.find(later.order_id);
    const firstOrder = await t.gateway.orders.find(first.order_id);
    expect(laterOrder).toMatchObject({ amountMinor: 999n, card: { last4: '3220', vaultToken: firstOrder!.card!.vaultToken } });
    expect((await client.query({ order_id: later.order_id })).consent_id).toBe(firstQuery.consent_id);
  });

  it('answers a replay of the same mch_order_no and content with the same order, and never pays twice', async () => {
    const request = creditRequest(shop, directCard());
    const a = await globalClient(t).payCredit(request);
    const b = await globalClient(t).payCredit(request);
    expect(b.order_id).toBe(a.order_id);
    expect(b.status).toBe('success');
    const events = await new OrderRepository(t.gateway.database.db).events(a.order_id);
    expect(events.filter((e) => e.to === 'PROCESSING')).toHaveLength(1);
  });

  describe('bad input gets the dialect code and changes nothing', () => {
    const cases: [string, () => Record<string, unknown>, string][] = [
      ['a bad sign', () => ({ ...creditRequest(shop), sign_override: true }), '1001'],
      ['too many decimals for USD', () => ({ ...creditRequest(shop, { amount: '2.001' }) }), '1008'],
      ['a fraction of a yen', () => ({ ...creditRequest(shop, { amount: '1.5', currency: 'JPY' }) }), '1021'],
      ['a fraction of a yen in two decimals', () => ({ ...creditRequest(shop, { amount: '100.50', currency: 'JPY' }) }), '1021'],
      ['three decimals for JPY', () => ({ ...creditRequest(shop, { amount: '100.000', currency: 'JPY' }) }), '1008'],
      ['an amount that is not a decimal string', () => ({ ...creditRequest(shop, { amount: '2,00' }) }), '1006'],
      ['an amount as a JSON number', () => ({ ...creditRequest(shop), amount: 2 }), '1006'],
      ['a zero amount', () => ({ ...creditRequest(shop, { amount: '0.00' }) }), '1006'],
      ['a missing subject', () => ({ ...creditRequest(shop), subject: '' }), '1005'],
      ['a missing notify_url', () => ({ ...creditRequest(shop), notify_url: undefined }), '1005'],
      ['an unsupported currency', () => ({ ...creditRequest(shop, { currency: 'XYZ' }) }), '1009'],
      ['a card number failing Luhn', () => ({ ...creditRequest(shop, directCard('4242424242424241')) }), '1011'],
      ['card data without a CVC', () => ({ ...creditRequest(shop, { ...directCard(), cvc: '' }) }), '1011'],
      ['an unknown trigger_mode', () => ({ ...creditRequest(shop), trigger_mode: 'MONTHLY' }), '1006'],
    ];
    it.each(cases)('%s', async (_what, build, code) => {
      const fields = build();
      let answer;
      if (fields.sign_override) {
        delete fields.sign_override;
        const body = { mchid: t.merchant.merchantId, appid: t.merchant.globalJson!.appid, ...fields, sign: '0'.repeat(32) };
        const response = await fetch(`${t.baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        answer = await response.json();
      } else {
        answer = await post('/global/pay/credit', fields);
      }
      expect(answer).toMatchObject({ code, success: false, result: null });
      expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, String(fields.mch_order_no))).toBeUndefined();
    });

    it('an unknown app, an unknown merchant, a secret of another app', async () => {
      const request = creditRequest(shop);
      expect(await post('/global/pay/credit', { ...request, appid: 'no-such-app' })).toMatchObject({ code: '1003' });
      expect(await post('/global/pay/credit', { ...request, mchid: '999999999' })).toMatchObject({ code: '1002' });
      expect(await post('/global/pay/credit', { ...request }, 'not-the-secret')).toMatchObject({ code: '1001' });
      expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, request.mch_order_no)).toBeUndefined();
    });

    it('a replayed mch_order_no with different content', async () => {
      const request = creditRequest(shop);
      const first = await globalClient(t).payCredit(request);
      const answer = await post('/global/pay/credit', { ...request, amount: '3.00' });
      expect(answer).toMatchObject({ code: '2001', success: false });
      expect((await t.gateway.orders.find(first.order_id))!.amountMinor).toBe(200n);
    });

    it('a body that is not JSON, and a query for another merchant’s or no order', async () => {
      const response = await fetch(`${t.baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"amount":' });
      expect(await response.json()).toMatchObject({ code: '1006', success: false });
      expect(await post('/global/order/query', { order_id: 'f'.repeat(32) })).toMatchObject({ code: '2002' });
      expect(await post('/global/order/query', {})).toMatchObject({ code: '1005' });
    });

    it('the SDK raises the dialect code as a BusinessError', async () => {
      await expect(globalClient(t).query({ mch_order_no: 'never-created' })).rejects.toSatisfy((e: unknown) => e instanceof BusinessError && e.code === '2002');
    });
  });

  it('rotating an app secret: the previous secret verifies during the overlap only; answers use the new one', async () => {
    const { appid } = t.merchant.globalJson!;
    const now = Date.now();
    const fresh = await t.gateway.secrets.issue(t.merchant.merchantId, 'global-json-app', appid, now, 60_000);
    const oldSecret = t.merchant.globalJson!.secret;
    const viaOld = await post('/global/order/query', { mch_order_no: 'nothing-here' }, oldSecret);
    expect(viaOld.code).toBe('2002'); // authenticated, then not found
    const request = creditRequest(shop);
    const answer = await post('/global/pay/credit', { ...request }, fresh.reveal());
    expect(answer.result!.sign).toBe(seedSign(answer.result!, fresh.reveal()));
    // Past the overlap the old secret no longer verifies.
    const later = await t.gateway.secrets.verifying('global-json-app', appid, now + 60_001);
    expect(later!.secrets.map((s) => s.reveal())).toEqual([fresh.reveal()]);
    expect(JSON.stringify(later)).not.toContain(fresh.reveal());
    t.merchant.globalJson!.secret = fresh.reveal();
  });

  describe('/global/refund over the core refunds', () => {
    async function paidOrder(pan = '4242424242424242', amount = '10.00'): Promise<string> {
      const result = await globalClient(t).payCredit(creditRequest(shop, { ...directCard(pan), amount }));
      expect(result.status).toBe('success');
      return result.order_id;
    }

    const postRefund = (fields: Record<string, unknown>) => postSigned(t, '/global/refund', fields);

    it('refunds part, then the rest by default, each answered in the seed shape and notified signed', async () => {
      const orderId = await paidOrder();
      const part = await globalClient(t).refund({ mch_refund_no: `r-${orderId}-1`, order_id: orderId, refund_amount: '2.50' });
      expect(part).toMatchObject({ order_id: orderId, mch_refund_no: `r-${orderId}-1`, status: 'success', refund_amount: '2.50', appid: t.merchant.globalJson!.appid });
      expect(part.refund_id).toMatch(/^rf/);
      const rest = await globalClient(t).refund({ mch_refund_no: `r-${orderId}-2`, order_id: orderId });
      expect(rest).toMatchObject({ status: 'success', refund_amount: '7.50' });
      // Replaying a refund number answers the same refund; nothing is refunded twice.
      expect((await globalClient(t).refund({ mch_refund_no: `r-${orderId}-1`, order_id: orderId, refund_amount: '2.50' })).refund_id).toBe(part.refund_id);
      expect(await postRefund({ mch_refund_no: `r-${orderId}-3`, order_id: orderId })).toMatchObject({ code: '2104', success: false });

      const refundNotice = await waitUntil(() => shop.received.find((n) => n.fields.refund_id === part.refund_id), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the refund notification' });
      expect(refundNotice.signValid).toBe(true);
      expect(refundNotice.fields).toMatchObject({ status: 'success', refund_amount: '2.50', order_id: orderId });
    });

    it('a refund the channel refuses is answered fail with its error, not refused', async () => {
      const orderId = await paidOrder('4000000000005126');
      const answer = await globalClient(t).refund({ mch_refund_no: `r-${orderId}`, order_id: orderId });
      expect(answer).toMatchObject({ status: 'fail', error: expect.any(String) });
    });

    it('bad refunds carry the dialect codes and change nothing', async () => {
      const orderId = await paidOrder('4242424242424242', '5.00');
      expect(await postRefund({ mch_refund_no: 'x1', order_id: orderId, refund_amount: '5.01' })).toMatchObject({ code: '2103' });
      expect(await postRefund({ mch_refund_no: 'x2', order_id: orderId, refund_amount: '1.001' })).toMatchObject({ code: '1008' });
      expect(await postRefund({ mch_refund_no: 'x3', order_id: 'f'.repeat(32) })).toMatchObject({ code: '2002' });
      expect(await postRefund({ order_id: orderId })).toMatchObject({ code: '1005' });
      const unpaid = await globalClient(t).payCredit(creditRequest(shop));
      expect(await postRefund({ mch_refund_no: 'x4', order_id: unpaid.order_id })).toMatchObject({ code: '2102' });
      expect((await t.gateway.orders.find(orderId))!.refundReservedMinor).toBe(0n);
    });
  });
});
