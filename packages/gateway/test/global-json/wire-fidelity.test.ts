import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { seedSign, startSeedMerchant, type SeedMerchant } from './seed-merchant.js';
import { creditRequest, directCard } from './support.js';

const NOTIFY_WAIT_MS_MAX = 15_000;

describe.each(testDatabases())('flat-JSON card API, seed fidelity on %s', (_name, env) => {
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

  /** Posts seed-signed fields and returns the answer's bytes as text. */
  async function postRaw(path: string, fields: object): Promise<{ status: number; text: string }> {
    const body = { mchid: t.merchant.merchantId, appid: t.merchant.globalJson!.appid, ...fields };
    const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, sign: seedSign(body, t.merchant.globalJson!.secret) }) });
    return { status: response.status, text: await response.text() };
  }

  it.each([
    ['USD', '2', 200n],
    ['USD', '2.5', 250n],
    ['USD', '2.00', 200n],
    ['JPY', '100.00', 100n],
    ['JPY', '100', 100n],
  ])('%s "%s" is taken as %s minor units and echoed exactly as received, in the answer and the query', async (currency, amount, minor) => {
    const request = creditRequest(shop, { currency, amount });
    const created = await postRaw('/global/pay/credit', request);
    expect(created.text).toContain(`"amount":"${amount}"`);
    const orderId = (JSON.parse(created.text) as { result: { order_id: string } }).result.order_id;
    expect((await t.gateway.orders.find(orderId))!.amountMinor).toBe(minor);
    expect((await postRaw('/global/order/query', { order_id: orderId })).text).toContain(`"amount":"${amount}"`);
  });

  it('the payment notification echoes the amount as received', async () => {
    const request = creditRequest(shop, { ...directCard(), currency: 'JPY', amount: '300.00' });
    await postRaw('/global/pay/credit', request);
    const notice = await waitUntil(() => shop.for(request.mch_order_no).find((n) => n.fields.status === 'success'), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the payment notification' });
    expect(notice.fields.amount).toBe('300.00');
    expect(notice.signValid).toBe(true);
  });

  it('a refund: refund_amount echoed as sent; its notification carries every field of the seed’s notification and the refund’s', async () => {
    const request = creditRequest(shop, { ...directCard(), amount: '10' });
    const paid = JSON.parse((await postRaw('/global/pay/credit', request)).text) as { result: { order_id: string; status: string } };
    expect(paid.result.status).toBe('success');
    const orderId = paid.result.order_id;
    const part = await postRaw('/global/refund', { mch_refund_no: `r-${orderId}-1`, order_id: orderId, refund_amount: '2.5' });
    expect(part.text).toContain('"refund_amount":"2.5"');
    // The remainder, which the merchant did not write, in the style of its amount ("10": no trailing zeros).
    const rest = await postRaw('/global/refund', { mch_refund_no: `r-${orderId}-2`, order_id: orderId });
    expect(rest.text).toContain('"refund_amount":"7.5"');

    const refundId = (JSON.parse(part.text) as { result: { refund_id: string } }).result.refund_id;
    const notice = await waitUntil(() => shop.received.find((n) => n.fields.refund_id === refundId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the refund notification' });
    expect(notice.signValid).toBe(true);
    expect(notice.fields).toMatchObject({
      amount: '10',
      appid: t.merchant.globalJson!.appid,
      mch_order_no: request.mch_order_no,
      mchid: t.merchant.merchantId,
      order_id: orderId,
      pay_type: 'GLOBAL_CREDIT',
      status: 'success',
      user_id: request.user_id,
      refund_id: refundId,
      mch_refund_no: `r-${orderId}-1`,
      // Written, like every amount the merchant did not send in this message, in the style of the order's amount.
      refund_amount: '2.5',
    });
    expect(notice.fields.complete_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('bad amounts change nothing: a fraction of a yen, three decimals of a dollar', async () => {
    for (const [currency, amount, code] of [['JPY', '100.50', '1021'], ['JPY', '0.01', '1021'], ['USD', '2.001', '1008']] as const) {
      const request = creditRequest(shop, { currency, amount });
      const answer = JSON.parse((await postRaw('/global/pay/credit', request)).text) as { code: string; message: string };
      expect(answer.code).toBe(code);
      expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, request.mch_order_no)).toBeUndefined();
    }
  });

  it('refusals speak this dialect: no PayEase or form-gateway words on the wire', async () => {
    const unknownMerchant = await fetch(`${t.baseUrl}/global/order/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mchid: '999999999', appid: 'x', sign: 'x' }) });
    expect(await unknownMerchant.text()).toBe('{"code":"1002","message":"No merchant with this mchid.","success":false,"result":null}');
    const missing = await postRaw('/global/order/query', { mch_order_no: 'never-created' });
    expect(missing.text).toBe('{"code":"2002","message":"No order with this order_id or mch_order_no.","success":false,"result":null}');
  });

  it.each([
    ['GET', '/global/pay/credit'],
    ['POST', '/global/no-such-api'],
    ['PUT', '/global/refund'],
  ])('%s %s: answered in the dialect’s envelope, not the framework’s 404 body', async (method, path) => {
    const response = await fetch(`${t.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'GET' ? {} : { body: '{}' }) });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('{"code":"3003","message":"No such API.","success":false,"result":null}');
  });
});
