/**
 * A database outage is answered as what it is — the system is busy, retry —
 * in every merchant dialect: HTTP 503, `Retry-After`, and the dialect's
 * system-busy code; never an envelope, signature or validation code, which
 * would tell the merchant that its request was wrong. The refused request
 * changes nothing, and the same request succeeds once the database is back.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, HttpError, PayEaseClient } from '@opencashier/sdk';
import { DEPENDENCY_RETRY_AFTER_SECONDS } from '../../src/domain/limits.js';
import { testDatabaseKind } from '../../src/test-support/test-database.js';
import { seedSign, startSeedMerchant, type SeedMerchant } from '../global-json/seed-merchant.js';
import { creditRequest } from '../global-json/support.js';
import { startSeedShop, type SeedShop } from '../form-gateway/seed-shop.js';
import { encodeForm, orderForm, postForm, signMd5 } from '../form-gateway/support.js';
import { startOutageGateway, type OutageGateway } from './database-outage.js';

interface SeenResponse {
  status: number;
  retryAfter: string | null;
  body: string;
}

describe(`a database outage answers SYSTEM_BUSY in every dialect (${testDatabaseKind()})`, () => {
  let o: OutageGateway;
  let seedMerchant: SeedMerchant;
  let shop: SeedShop;

  beforeAll(async () => {
    o = await startOutageGateway();
    seedMerchant = await startSeedMerchant(() => o.t.merchant.globalJson!.secret);
    const gatewayPublicKey = new X509Certificate(readFileSync(o.t.merchant.gatewayCertPath)).publicKey;
    shop = await startSeedShop({ md5Key: () => o.t.merchant.formGateway!.md5Key, gatewayPublicKey });
  });
  afterAll(async () => {
    await o?.end();
    await shop?.close();
    await seedMerchant?.close();
    await o?.close();
  });

  /** Runs `request` with the database away, then gives it back whatever happened. */
  async function duringOutage<T>(request: () => Promise<T>): Promise<T> {
    await o.begin();
    try {
      return await request();
    } finally {
      await o.end();
    }
  }

  it('PayEase: HTTP 503, Retry-After and a plain SYSTEM_BUSY body; nothing created; the retry succeeds', async () => {
    let seen: SeenResponse | undefined;
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      seen = { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.clone().text() };
      return response;
    };
    const client = PayEaseClient.fromFiles(o.t.merchant, { fetch: recordingFetch });
    const request = {
      requestId: `busy-pe-${Date.now().toString(36)}`,
      orderAmount: '1999',
      orderCurrency: 'USD',
      notifyUrl: seedMerchant.notifyUrl,
      callbackUrl: seedMerchant.callbackUrl,
      productDetails: [{ name: 'Tea', quantity: '1', amount: '1999' }],
    };
    const refused = await duringOutage(() => client.createIccOrder(request).then(() => undefined, (error: unknown) => error));
    expect(refused).toBeInstanceOf(HttpError);
    expect(seen).toMatchObject({ status: 503, retryAfter: String(DEPENDENCY_RETRY_AFTER_SECONDS) });
    expect(JSON.parse(seen!.body)).toMatchObject({ status: 'ERROR', code: 'SYSTEM_BUSY' });

    const missing = await client.queryIccOrder({ requestId: request.requestId }).then(() => undefined, (error: unknown) => error);
    expect(missing).toBeInstanceOf(BusinessError);
    expect((missing as BusinessError).code).toBe('ORDER_NOT_FOUND');
    const created = await client.createIccOrder(request);
    expect(created.status).toBe('SUCCESS');
  });

  it('flat JSON (seed 003): HTTP 503, Retry-After and code 9004; nothing created; the retry succeeds', async () => {
    const app = o.t.merchant.globalJson!;
    const fields = { mchid: o.t.merchant.merchantId, appid: app.appid, ...creditRequest(seedMerchant) };
    const post = () =>
      fetch(`${o.t.baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fields, sign: seedSign(fields, app.secret) }) });
    const refused = await duringOutage(post);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe(String(DEPENDENCY_RETRY_AFTER_SECONDS));
    expect(await refused.json()).toMatchObject({ code: '9004', success: false, result: null });
    expect(await o.t.gateway.orders.findByRequest(o.t.merchant.merchantId, fields.mch_order_no)).toBeUndefined();

    const accepted = await post();
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ code: '0', success: true });
  });

  it('RMB form gateway (seed 004): HTTP 503, Retry-After and errCode 30004 on the page and in the server answer; the retry succeeds', async () => {
    const acct = o.t.merchant.formGateway!.merchantAcctId;
    const key = o.t.merchant.formGateway!.md5Key;
    const browserForm = signMd5(orderForm(shop, acct), key);
    const page = await duringOutage(() => postForm(o.t.baseUrl, encodeForm(browserForm)));
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe(String(DEPENDENCY_RETRY_AFTER_SECONDS));
    expect(await page.text()).toContain('30004');
    expect(await o.t.gateway.orders.findByRequest(o.t.merchant.merchantId, browserForm.orderId!)).toBeUndefined();

    const serverForm = signMd5(orderForm(shop, acct, { payType: '13', submitType: '01', remitType: '1', remitCode: 'M4048M111111111', pageUrl: '' }), key);
    const xml = await duringOutage(() => postForm(o.t.baseUrl, encodeForm(serverForm)));
    expect(xml.status).toBe(503);
    expect(xml.headers.get('retry-after')).toBe(String(DEPENDENCY_RETRY_AFTER_SECONDS));
    expect(await xml.text()).toMatch(/<errCode>30004<\/errCode>/);

    const accepted = await postForm(o.t.baseUrl, encodeForm(browserForm));
    expect(accepted.status).toBe(303);
  });
});
