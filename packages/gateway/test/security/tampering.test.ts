import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GlobalJsonClient,
  aesEncryptToBase64,
  loadPfx,
  openEnvelope,
  sealResponse,
  verifyFormResult,
  wrapAesKey,
  type FormVerifier,
} from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { SandboxCardChannel } from '../../src/channels/sandbox-card/index.js';
import type { AuthorizeRequest, AuthorizeResult, Channel } from '../../src/domain/channel.js';
import { postSigned } from '../global-json/support.js';
import { encodeForm, orderForm, postForm, signMd5 } from '../form-gateway/support.js';
import type { SeedShop } from '../form-gateway/seed-shop.js';
import { FORM_GATEWAY_DIALECT } from '../../src/protocols/form-gateway/order-request.js';

/** The sandbox acquirer, recording what it was asked to charge. */
class RecordingChannel extends SandboxCardChannel {
  readonly charged: { orderId: string; amountMinor: bigint; currency: string }[] = [];
  override async authorize(request: AuthorizeRequest): Promise<AuthorizeResult> {
    this.charged.push({ orderId: request.orderId, amountMinor: request.amountMinor, currency: request.currency });
    return super.authorize(request);
  }
}

const CARD = { holder: 'A Payer', pan: '4242424242424242', expiryMonth: 12, expiryYear: new Date().getUTCFullYear() + 3, cvv: '123', brand: 'Visa' };

/**
 * Amount, currency or merchant changed somewhere between the order, the
 * cashier, the channel and the notification: the order is charged and
 * reported exactly as created, and a callback or notification that says
 * otherwise never marks anything paid.
 */
describe.each(testDatabases())('tampering (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let channel: RecordingChannel;
  let adminToken: string;
  const orderUrls = { notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' };

  beforeAll(async () => {
    channel = new RecordingChannel({ clock: Date.now, unknownResolveDelayMs: 200 });
    t = await startTestGateway(databaseEnv, { background: false, channel: channel as Channel });
    adminToken = readFileSync(join(t.config.dataDir, 'admin-token'), 'utf8').trim();
  });
  afterAll(async () => t?.close());

  const cashierPost = async (redirectUrl: string, fields: Record<string, string>) => {
    const page = await fetch(redirectUrl);
    const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const html = await page.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const action = /<form[^>]+action="([^"]+\/pay)"/.exec(html)?.[1] ?? `${new URL(redirectUrl).pathname}/pay`;
    return fetch(new URL(action, redirectUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      redirect: 'manual',
    });
  };

  it('the cashier charges the order’s amount and currency, whatever the payer’s form adds', async () => {
    const created = await t.client.createIccOrder({ requestId: 'tm-cashier', orderAmount: '12345', orderCurrency: 'EUR', ...orderUrls });
    const res = await cashierPost(created.redirectUrl!, {
      holder: CARD.holder, number: CARD.pan, expiryMonth: '12', expiryYear: String(CARD.expiryYear), cvv: CARD.cvv,
      amount: '1', orderAmount: '1', currency: 'JPY', orderCurrency: 'JPY', merchantId: '999999999', orderId: 'someone-else',
    });
    expect(res.status).toBe(303);
    const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, 'tm-cashier'))!;
    expect(order.state).toBe('SUCCESS');
    expect(channel.charged.filter((c) => c.orderId === order.orderId)).toEqual([{ orderId: order.orderId, amountMinor: 12345n, currency: 'EUR' }]);
    expect((await t.client.queryIccOrder({ requestId: 'tm-cashier' })).orderAmount).toBe('12345');
  });

  it('a cashier link whose token was altered opens nothing', async () => {
    const created = await t.client.createIccOrder({ requestId: 'tm-link', orderAmount: '500', orderCurrency: 'USD', ...orderUrls });
    const url = new URL(created.redirectUrl!);
    const token = url.pathname.split('/').pop()!;
    const flipped = token.slice(0, -1) + (token.endsWith('a') ? 'b' : 'a');
    const res = await fetch(new URL(`/cashier/${flipped}`, url));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it('a request replayed with another amount, currency or merchant is refused and changes nothing', async () => {
    await t.client.createIccOrder({ requestId: 'tm-replay', orderAmount: '700', orderCurrency: 'USD', ...orderUrls });
    await expect(t.client.createIccOrder({ requestId: 'tm-replay', orderAmount: '1', orderCurrency: 'USD', ...orderUrls })).rejects.toMatchObject({ code: 'REQUEST_ID_CONFLICT' });
    await expect(t.client.createIccOrder({ requestId: 'tm-replay', orderAmount: '700', orderCurrency: 'JPY', ...orderUrls })).rejects.toMatchObject({ code: 'REQUEST_ID_CONFLICT' });
    await expect(t.client.call('icc/order', { merchantId: '999999999', requestId: 'tm-replay-2', orderAmount: '700', orderCurrency: 'USD', ...orderUrls })).rejects.toMatchObject({ code: 'MERCHANT_MISMATCH' });
    const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, 'tm-replay'))!;
    expect({ amount: order.amountMinor, currency: order.currency, state: order.state }).toEqual({ amount: 700n, currency: 'USD', state: 'INIT' });
    expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, 'tm-replay-2')).toBeUndefined();
  });

  describe('channel callbacks', () => {
    const onlineOrder = (requestId: string, paymentModeCode: string, amount = '1990') =>
      t.client.createOnlinePayOrder({ requestId, orderAmount: amount, orderCurrency: 'CNY', ...orderUrls, paymentModeCode, productDetails: [{ name: 'Tea', quantity: '1', amount }] });
    const callback = (reference: string, body: Record<string, unknown>) =>
      fetch(`${t.baseUrl}/simulator/pay/${reference}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const referenceOf = (url: string) => new URL(url).pathname.split('/').pop()!;

    it.each([
      ['Alipay', 'SCANCODE-ALI_PAY-P2P'],
      ['WeChat', 'SCANCODE-WEIXIN_PAY-P2P'],
    ])('a %s callback reporting another amount or currency is refused and the order stays unpaid', async (_name, mode) => {
      const requestId = `tm-cb-${mode}`;
      const answer = await onlineOrder(requestId, mode);
      const reference = referenceOf(answer.scanCodeUrl!);
      for (const tampered of [{ amount: '1' }, { amount: '1989' }, { amount: '19900' }, { currency: 'USD' }, { amount: '1990', currency: 'JPY' }, { amount: '1990.00' }, { amount: 1990 }]) {
        const res = await callback(reference, { decision: 'approve', ...tampered });
        expect(res.status, JSON.stringify(tampered)).toBe(400);
        expect(await res.json()).toMatchObject({ code: 'FIELD_INVALID' });
        expect((await t.client.queryOnlinePayOrder({ requestId })).status).toBe('INIT');
      }
      const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, requestId))!;
      expect(await t.gateway.notifications.forOrder(order.orderId)).toEqual([]);
      // The genuine callback, with the order's own amount, still pays it.
      const genuine = await callback(reference, { decision: 'approve', amount: '1990', currency: 'CNY' });
      expect(await genuine.json()).toMatchObject({ outcome: 'approved', status: 'SUCCESS' });
    });

    it('a bank redirect callback with another amount is refused', async () => {
      const answer = await onlineOrder('tm-cb-bank', 'BANK_CARD-B2C-ICBC-P2P');
      const reference = referenceOf(answer.redirectUrl!);
      const res = await callback(reference, { decision: 'approve', amount: '2', currency: 'CNY' });
      expect(res.status).toBe(400);
      expect((await t.client.queryOnlinePayOrder({ requestId: 'tm-cb-bank' })).status).toBe('INIT');
    });

    it('the order service itself refuses an approval for another amount or currency, whichever channel reports it', async () => {
      const answer = await onlineOrder('tm-cb-direct', 'SCANCODE-ALI_PAY-P2P');
      const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, 'tm-cb-direct'))!;
      const reference = referenceOf(answer.scanCodeUrl!);
      for (const collected of [{ amountMinor: 1n, currency: 'CNY' }, { amountMinor: 1990n, currency: 'USD' }]) {
        const approval = { outcome: 'approved' as const, reference, authCode: 'X', collected: { ...collected, amountMinor: collected.amountMinor as never } };
        await expect(t.gateway.orders.completeAtChannel(order.orderId, order.channel!, approval)).rejects.toMatchObject({ code: 'FIELD_INVALID' });
      }
      expect((await t.gateway.orders.find(order.orderId))!.state).toBe('INIT');
    });

    it('a bank transfer for another amount or currency holds the remittance order unpaid', async () => {
      const answer = (await t.client.createOnlinePayOrder({ requestId: 'tm-remit', orderAmount: '50000', orderCurrency: 'CNY', ...orderUrls, paymentModeCode: 'OFFLINE-P2P' })) as { payeeInfo?: Record<string, string> };
      const postscript = answer.payeeInfo!.postscriptNumber!;
      const record = async (amount: string, currency: string, bankReference: string) => {
        const res = await fetch(`${t.baseUrl}/admin/v1/remittances`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ bankReference, postscript, amount, currency }) });
        return (await res.json()) as { outcome?: string };
      };
      expect((await record('49999', 'CNY', 'TM-B1')).outcome).toBe('HELD_SHORT');
      expect((await record('50001', 'CNY', 'TM-B2')).outcome).toBe('HELD_OVER');
      expect((await record('50000', 'USD', 'TM-B3')).outcome).toBe('HELD_CURRENCY');
      expect((await t.client.queryOnlinePayOrder({ requestId: 'tm-remit' })).status).toBe('INIT');
    });
  });

  describe('notifications altered on the way are refused by the merchant side of every dialect', () => {
    it('PayEase: a notification whose amount or currency was changed, or that another key signed, does not verify', async () => {
      await t.client.createIccOrder({ requestId: 'tm-note', orderAmount: '4321', orderCurrency: 'USD', ...orderUrls });
      await t.client.call('sandbox/pay', { requestId: 'tm-note', cardNumber: CARD.pan });
      const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, 'tm-note'))!;
      const [stored] = await t.gateway.notifications.forOrder(order.orderId);
      const sent = await t.gateway.dialects.get(order.dialect).encodeNotification((await t.gateway.notifications.find(stored!.id))!);
      expect(t.client.parseNotification(sent.headers, sent.body)).toMatchObject({ orderAmount: '4321', orderCurrency: 'USD', status: 'SUCCESS' });

      const merchantKey = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
      const opened = openEnvelope({ encryptKey: sent.headers['encryptKey']!, ciphertext: JSON.parse(sent.body).data, privateKey: merchantKey.privateKey, rejectionSecret: Buffer.alloc(32) });
      const reseal = (payload: Record<string, unknown>) => {
        const aesKey = Buffer.from('Tamper0123456789');
        return { headers: { ...sent.headers, encryptKey: wrapAesKey(aesKey, merchantKey.certificate.publicKey) }, body: JSON.stringify({ data: aesEncryptToBase64(JSON.stringify(payload), aesKey) }) };
      };
      for (const change of [{ orderAmount: '1' }, { orderAmount: '43210' }, { orderCurrency: 'JPY' }, { status: 'SUCCESS', orderAmount: '4320' }, { merchantId: '999999999' }]) {
        const forged = reseal({ ...opened.payload, ...change });
        expect(() => t.client.parseNotification(forged.headers, forged.body), JSON.stringify(change)).toThrow();
      }
      // Signed by a key that is not the gateway's.
      const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const { hmac: _hmac, ...fields } = opened.payload;
      const forged = sealResponse({ payload: { ...fields, orderAmount: '1' }, merchantId: t.merchant.merchantId, signingKey: stranger.privateKey, recipient: merchantKey.certificate.publicKey });
      expect(() => t.client.parseNotification(forged.headers, forged.body)).toThrow();
    });

    it('flat JSON: a notification whose amount or currency was changed does not verify', async () => {
      const app = t.merchant.globalJson!;
      const answer = await postSigned(t, '/global/pay/credit', {
        amount: '2.00', subject: 'tea', body: 'tea', currency: 'USD', mch_order_no: 'tm-gj-1', notify_url: orderUrls.notifyUrl, callback_url: orderUrls.callbackUrl,
        user_id: 'u1', client_ip: '203.0.113.9', customer_name: 'A B', email: 'a@example.com', phone_number: '123456', region: 'USA',
        card_no: CARD.pan, cvc: CARD.cvv, expiry_month: '12', expiry_year: String(CARD.expiryYear),
      });
      expect(answer.code).toBe('0');
      const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, 'tm-gj-1'))!;
      const [stored] = await t.gateway.notifications.forOrder(order.orderId);
      const sent = await t.gateway.dialects.get(order.dialect).encodeNotification((await t.gateway.notifications.find(stored!.id))!);
      const client = new GlobalJsonClient({ baseUrl: t.baseUrl, mchid: t.merchant.merchantId, appid: app.appid, secret: app.secret });
      const genuine = client.verifyNotification(sent.body) as unknown as Record<string, string>;
      const amountField = Object.keys(genuine).find((k) => /amount/i.test(k))!;
      const currencyField = Object.keys(genuine).find((k) => /currency/i.test(k))!;
      expect(genuine[amountField]).toBeDefined();
      for (const change of [{ [amountField]: '0.01' }, { [amountField]: '200' }, { [currencyField]: 'JPY' }]) {
        expect(() => client.verifyNotification(JSON.stringify({ ...genuine, ...change })), JSON.stringify(change)).toThrow();
      }
    });

    it('form gateway: a result whose amount was changed does not verify', async () => {
      const shop = { pageUrl: 'http://127.0.0.1:9999/page', bgUrl: 'http://127.0.0.1:9999/bg' } as SeedShop;
      const fg = t.merchant.formGateway!;
      const form = orderForm(shop, fg.merchantAcctId);
      const res = await postForm(t.baseUrl, encodeForm(signMd5(form, fg.md5Key)));
      expect(res.status).toBe(303);
      const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, form.orderId!))!;
      expect(order.dialect).toBe(FORM_GATEWAY_DIALECT);
      await t.gateway.orders.pay(order.orderId, CARD);
      const [stored] = await t.gateway.notifications.forOrder(order.orderId);
      const sent = await t.gateway.dialects.get(order.dialect).encodeNotification((await t.gateway.notifications.find(stored!.id))!);
      const fields = Object.fromEntries(new URLSearchParams(sent.body));
      const verifier: FormVerifier = { signType: '1', keys: [fg.md5Key] };
      expect(verifyFormResult(fields, verifier)).toMatchObject({ orderAmount: '200', payResult: '10' });
      for (const change of [{ orderAmount: '1' }, { payAmount: '1' }, { orderAmount: '2000' }]) {
        expect(() => verifyFormResult({ ...fields, ...change }, verifier), JSON.stringify(change)).toThrow();
      }
    });
  });
});
