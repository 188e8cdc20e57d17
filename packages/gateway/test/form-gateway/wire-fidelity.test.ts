import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFlatXml } from '@opencashier/sdk';
import { testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { payWithTestCard } from '../../src/orders/sandbox-payment.js';
import { SEED_RESULT_FIELDS, seedVerify, type SeedShop } from './seed-shop.js';
import { beijingStamp, encodeForm, orderForm, postForm, signMd5, cashierOrderId, startFormGatewayRig } from './support.js';

const NOTIFY_WAIT_MS_MAX = 15_000;

/** The field names of a urlencoded string, in the order they came. */
const namesOf = (raw: string) => raw.split('&').map((pair) => decodeURIComponent(pair.split('=')[0]!));

describe.each(testDatabases())('RMB form gateway, seed fidelity on %s', (_name, env) => {
  let t: TestGateway;
  let shop: SeedShop;
  let acct: string;
  let key: string;

  beforeAll(async () => {
    ({ t, shop, acct, key } = await startFormGatewayRig(env));
  });
  afterAll(async () => {
    await shop?.close();
    await t?.close();
  });

  describe('orderTimestamp is optional unless the merchant turns on anti-replay', () => {
    it('without the option: a form without a stamp, or with an old one, is taken', async () => {
      const bare = signMd5(orderForm(shop, acct, { orderTimestamp: '' }), key);
      expect((await postForm(t.baseUrl, encodeForm(bare))).status).toBe(303);
      const old = signMd5(orderForm(shop, acct, { orderTimestamp: beijingStamp(Date.now() - 2 * 3_600_000) }), key);
      expect((await postForm(t.baseUrl, encodeForm(old))).status).toBe(303);
    });

    it('with the option: missing or stale is refused with 10053 and writes nothing; a fresh stamp is taken', async () => {
      await t.gateway.merchants.setFormAntiReplay(t.merchant.merchantId, true);
      try {
        for (const orderTimestamp of ['', beijingStamp(Date.now() - 2 * 3_600_000)]) {
          const form = signMd5(orderForm(shop, acct, { orderTimestamp }), key);
          const response = await postForm(t.baseUrl, encodeForm(form));
          expect(response.status).toBe(400);
          expect(await response.text()).toContain('errCode 10053');
          expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, form.orderId!)).toBeUndefined();
        }
        const fresh = signMd5(orderForm(shop, acct, { orderTimestamp: beijingStamp(Date.now()) }), key);
        expect((await postForm(t.baseUrl, encodeForm(fresh))).status).toBe(303);
      } finally {
        await t.gateway.merchants.setFormAntiReplay(t.merchant.merchantId, false);
      }
    });
  });

  it('the bgUrl result and the pageUrl return carry every seed field in the seed order, empty ones as empty strings', async () => {
    shop.redirect = false;
    try {
      // No bankId, no ext2: those stay empty, as do bindCard and bindMobile.
      const form = signMd5(orderForm(shop, acct, { ext1: 'memo-1' }), key);
      const orderId = cashierOrderId(await postForm(t.baseUrl, encodeForm(form)))!;
      await payWithTestCard(t.gateway.orders, orderId, '4242424242424242');
      const result = await waitUntil(() => shop.notifications.find((n) => n.fields.orderId === form.orderId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the bgUrl result' });
      expect(namesOf(result.raw)).toEqual([...SEED_RESULT_FIELDS, 'signMsg']);
      expect(result.raw).toContain('&bankId=&');
      expect(result.raw).toContain('&bindCard=&bindMobile=&');
      expect(result.raw).toContain('&ext1=memo-1&ext2=&');
      expect(result.raw).toMatch(/&payResult=10&errCode=&signMsg=[0-9A-F]{32}$/);
      // Signed as the seed says: the empty fields are not in the signing string.
      expect(result.signValid).toBe(true);

      const [row] = await t.gateway.notifications.forOrder(orderId);
      await waitUntil(async () => ((await t.gateway.notifications.find(row!.id))?.state === 'delivered' ? true : undefined), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'delivered' });
      const back = await fetch(`${t.baseUrl}/form-gateway/return/${t.gateway.links.token(orderId)}`, { redirect: 'manual' });
      const location = back.headers.get('location')!;
      const query = location.slice(location.indexOf('?') + 1);
      expect(namesOf(query)).toEqual([...SEED_RESULT_FIELDS, 'signMsg']);
      expect(query).toContain('&bindCard=&bindMobile=&');
      const fields = Object.fromEntries(new URL(location).searchParams);
      expect(seedVerify(fields, SEED_RESULT_FIELDS, { md5Key: () => key, gatewayPublicKey: undefined as never })).toBe(true);
      expect(fields.signMsg).toBe(result.fields.signMsg);
    } finally {
      shop.redirect = true;
    }
  });

  describe('unknown paths and methods are answered in the dialect’s terms', () => {
    it.each([
      ['GET', '/form-gateway/pay'],
      ['POST', '/form-gateway/no-such-thing'],
      ['GET', '/gateway/recvMerchantInfoAction.htm'],
      ['DELETE', '/form-gateway/timestamp'],
    ])('%s %s: the refusal page with errCode 20080', async (method, path) => {
      const response = await fetch(`${t.baseUrl}${path}`, { method, redirect: 'manual' });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const body = await response.text();
      expect(body).toContain('errCode 20080');
      expect(body).not.toContain('"statusCode"');
    });

    it('a server submit to an unknown path is answered in the dialect’s XML', async () => {
      const form = signMd5(orderForm(shop, acct, { payType: '13', submitType: '01', remitType: '1', remitCode: 'R1' }), key);
      const response = await postForm(t.baseUrl, encodeForm(form), '/gateway/no-such-thing');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/xml/);
      expect(parseFlatXml(await response.text())).toEqual({ errCode: '20080' });
    });
  });
});
