/**
 * Every order-creating API of every dialect, in one table, against the
 * rules its seed sets: the URL rules, the body limit, and clientIp. Seeds
 * 000 (icc/order) and 004 (form gateway payerIP) define no clientIp rule, so
 * an address sent there is only a risk hint; seed 002 (foreignExchange/order)
 * and the unified order bind the cashier to it ("如果设置了 clientIp, 此订单将不能在其他 ip
 * 继续支付"); seed 003 (/global/pay/credit) requires client_ip. Every refusal
 * writes no order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { postSigned } from '../global-json/support.js';
import { encodeForm, orderForm, postForm, signMd5 } from '../form-gateway/support.js';
import type { SeedShop } from '../form-gateway/seed-shop.js';
import { FX_STUDY } from '../fx-fixtures.js';
import { GLOBAL_JSON_WIRE_CODES } from '../../src/protocols/global-json/wire-codes.js';
import { FORM_FIELD_WIRE_CODES, FORM_WIRE_CODES } from '../../src/protocols/form-gateway/wire-codes.js';
import { REQUEST_BODY_BYTES_MAX } from '../../src/domain/limits.js';
import type { ErrorCode } from '../../src/domain/errors.js';

/** What an order API answered: the gateway's code (mapped back from the dialect's wire code), or the cashier link. */
type Outcome = { code: ErrorCode | 'OK'; redirectUrl?: string };

interface OrderApi {
  name: string;
  path: string;
  /** How its clientIp is treated, per its seed. */
  clientIp: 'binds the cashier' | 'required' | 'risk hint';
  create(t: TestGateway, n: number, fields: { callbackUrl?: string; clientIp?: string | null }): Promise<Outcome>;
}

const shop = { pageUrl: 'https://shop.example/page', bgUrl: 'https://shop.example/bg' } as SeedShop;
const fromWire = (table: Readonly<Record<string, string>>, wire: string): ErrorCode => (Object.entries(table).find(([, w]) => w === wire)?.[0] ?? `wire ${wire}`) as ErrorCode;

async function payEase(t: TestGateway, path: string, body: Record<string, unknown>): Promise<Outcome> {
  try {
    const answer = await t.client.call(path, { merchantId: t.merchant.merchantId, ...body });
    return { code: 'OK', redirectUrl: answer.redirectUrl as string };
  } catch (error) {
    return { code: (error as { code: ErrorCode }).code };
  }
}
const withIp = (clientIp: string | null | undefined) => (clientIp ? { clientIp } : {});

const APIS: OrderApi[] = [
  {
    name: 'PayEase icc/order',
    path: '/icc/order',
    clientIp: 'risk hint',
    create: (t, n, f) =>
      payEase(t, 'icc/order', { requestId: `guard-icc-${n}`, orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: f.callbackUrl ?? 'http://127.0.0.1:9999/r', ...withIp(f.clientIp) }),
  },
  {
    name: 'PayEase onlinePay/order',
    path: '/onlinePay/order',
    clientIp: 'binds the cashier',
    create: (t, n, f) =>
      payEase(t, 'onlinePay/order', { requestId: `guard-op-${n}`, orderAmount: '100', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: f.callbackUrl ?? 'http://127.0.0.1:9999/r', ...withIp(f.clientIp) }),
  },
  {
    name: 'PayEase foreignExchange/order',
    path: '/foreignExchange/order',
    clientIp: 'binds the cashier',
    create: async (t, n, f) => {
      const lock = await t.client.call('foreignExchange/listpriceLock', { merchantId: t.merchant.merchantId, requestId: `guard-lock-${n}`, orderCurrency: 'USD' });
      return payEase(t, 'foreignExchange/order', { ...FX_STUDY, requestId: `guard-fx-${n}`, orderAmount: '10000', listPriceToken: lock.listPriceToken, callbackUrl: f.callbackUrl ?? FX_STUDY.callbackUrl, ...withIp(f.clientIp) });
    },
  },
  {
    name: 'flat-JSON /global/pay/credit',
    path: '/global/pay/credit',
    clientIp: 'required',
    create: async (t, n, f) => {
      const fields: Record<string, unknown> = {
        amount: '2.00', subject: 'tea', body: 'tea', currency: 'USD', mch_order_no: `guard-gj-${n}`, notify_url: 'http://127.0.0.1:9999/n', callback_url: f.callbackUrl ?? 'http://127.0.0.1:9999/r',
        user_id: 'u1', customer_name: 'A B', email: 'a@example.com', phone_number: '123456', region: 'USA',
      };
      if (f.clientIp !== null) fields.client_ip = f.clientIp ?? '203.0.113.9';
      const answer = await postSigned(t, '/global/pay/credit', fields);
      return answer.success ? { code: 'OK', ...(answer.result?.pay_url ? { redirectUrl: answer.result.pay_url } : {}) } : { code: fromWire(GLOBAL_JSON_WIRE_CODES, answer.code) };
    },
  },
  {
    name: 'form gateway /form-gateway/pay',
    path: '/form-gateway/pay',
    clientIp: 'risk hint',
    create: async (t, n, f) => {
      const fg = t.merchant.formGateway!;
      const form = orderForm(shop, fg.merchantAcctId, { orderId: `guardfg${n}`, ...(f.callbackUrl ? { pageUrl: f.callbackUrl } : {}), ...(f.clientIp ? { payerIP: f.clientIp } : {}) });
      const res = await postForm(t.baseUrl, encodeForm(signMd5(form, fg.md5Key)));
      if (res.status === 303) return { code: 'OK', redirectUrl: new URL(res.headers.get('location')!, t.baseUrl).toString() };
      const text = await res.text();
      if (text.includes(FORM_FIELD_WIRE_CODES.pageUrl!)) return { code: 'URL_NOT_ALLOWED' };
      const wire = Object.values(FORM_WIRE_CODES).find((w) => text.includes(w));
      return { code: wire ? fromWire(FORM_WIRE_CODES, wire) : (`HTTP ${res.status}` as ErrorCode) };
    },
  },
];

describe.each(testDatabases())('order guards on every order API (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let n = 0;
  const orderCount = async () => Number((await t.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  it('covers every order-creating route the gateway registers', () => {
    const creating = t.gateway.routes.filter((r) => r.method === 'POST' && /^\/(icc\/order|onlinePay\/order|foreignExchange\/order|global\/pay\/credit|form-gateway\/pay)$/.test(r.url)).map((r) => r.url);
    expect(creating.sort()).toEqual(APIS.map((a) => a.path).sort());
  });

  it.each(APIS.map((a) => [a.name, a] as const))('%s refuses a script callback URL and writes no order', async (_name, api) => {
    const before = await orderCount();
    expect((await api.create(t, ++n, { callbackUrl: 'javascript:alert(1)' })).code).toBe('URL_NOT_ALLOWED');
    expect(await orderCount()).toBe(before);
  });

  it.each(APIS.map((a) => [a.name, a] as const))('%s refuses a body over the limit before reading it', async (_name, api) => {
    const before = await orderCount();
    const res = await fetch(`${t.baseUrl}${api.path}`, { method: 'POST', headers: { 'content-type': 'application/json', merchantId: t.merchant.merchantId }, body: 'x'.repeat(REQUEST_BODY_BYTES_MAX + 1) });
    expect(res.status).toBe(413);
    // Each dialect says it in its own words: the code, or its wire code for BODY_TOO_LARGE.
    const text = await res.text();
    expect([`"BODY_TOO_LARGE"`, GLOBAL_JSON_WIRE_CODES.BODY_TOO_LARGE, FORM_WIRE_CODES.BODY_TOO_LARGE].some((marker) => text.includes(marker)), text.slice(0, 200)).toBe(true);
    expect(await orderCount()).toBe(before);
  });

  it.each(APIS.map((a) => [`${a.name}: clientIp ${a.clientIp}`, a] as const))('%s', async (_name, api) => {
    const before = await orderCount();
    if (api.clientIp === 'required') {
      expect((await api.create(t, ++n, { clientIp: null })).code).toBe('FIELD_MISSING');
      expect(await orderCount()).toBe(before);
      expect((await api.create(t, ++n, {})).code).toBe('OK');
      return;
    }
    if (api.clientIp === 'binds the cashier') {
      expect((await api.create(t, ++n, { clientIp: 'my-laptop' })).code).toBe('FIELD_INVALID');
      expect(await orderCount()).toBe(before);
    }
    // An order for another address, opened from this one (127.0.0.1), and one for this address.
    const elsewhere = await api.create(t, ++n, { clientIp: '203.0.113.9' });
    const here = await api.create(t, ++n, { clientIp: '127.0.0.1' });
    expect(elsewhere.code).toBe('OK');
    expect(here.code).toBe('OK');
    const page = async (url: string) => (await fetch(url, { redirect: 'manual' })).status;
    expect(await page(here.redirectUrl!)).toBeLessThan(400);
    if (api.clientIp === 'binds the cashier') {
      const refused = await fetch(elsewhere.redirectUrl!, { redirect: 'manual' });
      expect(refused.status).toBe(403);
      expect(await refused.text()).not.toContain('name="number"');
    } else {
      expect(await page(elsewhere.redirectUrl!)).toBeLessThan(400);
    }
  });
});
