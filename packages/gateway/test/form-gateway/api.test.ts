import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, FormGatewayClient, loadPfx, parseFlatXml } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { payWithTestCard } from '../../src/orders/sandbox-payment.js';
import { SEED_REMIT_FIELDS, SEED_RESULT_FIELDS, seedVerify, startSeedShop, type SeedShop } from './seed-shop.js';
import { beijingStamp, encodeForm, orderForm, postForm, signMd5, signRsaWithOpenssl } from './support.js';

const NOTIFY_WAIT_MS_MAX = 15_000;

describe.each(testDatabases())('RMB form gateway on %s', (_name, env) => {
  let t: TestGateway;
  let shop: SeedShop;
  let acct: string;
  let key: string;

  beforeAll(async () => {
    t = await startTestGateway(env);
    acct = t.merchant.formGateway!.merchantAcctId;
    key = t.merchant.formGateway!.md5Key;
    const gatewayPublicKey = new X509Certificate(readFileSync(t.merchant.gatewayCertPath)).publicKey;
    shop = await startSeedShop({ md5Key: () => key, gatewayPublicKey });
  });
  afterAll(async () => {
    await shop?.close();
    await t?.close();
  });

  const cashierOrderId = (response: Response) => /\/cashier\/([0-9a-f]{32})\./.exec(response.headers.get('location') ?? '')?.[1];

  it('serves the anti-phishing time stamp, and refuses an unknown account', async () => {
    const answer = parseFlatXml(await (await fetch(`${t.baseUrl}/form-gateway/timestamp?merchantAcctId=${acct}`)).text());
    expect(answer?.merchantAcctId).toBe(acct);
    const stampMs = Date.UTC(+answer!.timestamp!.slice(0, 4), +answer!.timestamp!.slice(4, 6) - 1, +answer!.timestamp!.slice(6, 8), +answer!.timestamp!.slice(8, 10) - 8, +answer!.timestamp!.slice(10, 12), +answer!.timestamp!.slice(12, 14));
    expect(Math.abs(stampMs - Date.now())).toBeLessThan(60_000);
    const unknown = parseFlatXml(await (await fetch(`${t.baseUrl}/form-gateway/timestamp?merchantAcctId=99999999901`)).text());
    expect(unknown).toEqual({ merchantAcctId: '99999999901', errCode: '20060' });
  });

  it.each([
    ['1', 'UTF-8'],
    ['2', 'GBK'],
    ['3', 'GB2312'],
  ])('inputCharset %s: a %s form is decoded, verified and redirected into the cashier', async (inputCharset, charset) => {
    const form = signMd5(orderForm(shop, acct, { inputCharset, productName: '手机充值卡（测试）', productDesc: '中文描述' }), key);
    const response = await postForm(t.baseUrl, encodeForm(form, charset));
    expect(response.status).toBe(303);
    const order = await t.gateway.orders.find(cashierOrderId(response)!);
    expect(order).toMatchObject({ dialect: 'form-gateway', amountMinor: 200n, currency: 'CNY', language: 'zh', requestId: form.orderId, remark: '中文描述' });
    expect(order!.details.products[0]!.name).toBe('手机充值卡（测试）');
    expect(order!.details.payer).toEqual({ name: '张三' });
  });

  it('also at the path 快钱 shops already post to', async () => {
    const form = signMd5(orderForm(shop, acct), key);
    const response = await postForm(t.baseUrl, encodeForm(form), '/gateway/recvMerchantInfoAction.htm');
    expect(response.status).toBe(303);
  });

  it('signType 4: a form signed by openssl with the merchant key verifies against its certificate; the result is signed by the gateway key', async () => {
    const { privateKey } = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
    const form = signRsaWithOpenssl(orderForm(shop, acct, { signType: '4' }), privateKey);
    const response = await postForm(t.baseUrl, encodeForm(form));
    expect(response.status).toBe(303);
    const orderId = cashierOrderId(response)!;
    await payWithTestCard(t.gateway.orders, orderId, '4242424242424242');
    const result = await waitUntil(() => shop.notifications.find((n) => n.fields.orderId === form.orderId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the bgUrl result' });
    expect(result.fields.signType).toBe('4');
    expect(result.signValid).toBe(true);
  });

  it('pays, notifies bgUrl with the seed result fields, honours the redirecturl of the answer', async () => {
    const form = signMd5(orderForm(shop, acct, { ext2: 'memo-2', bankId: 'ICBC', payType: '10' }), key);
    const orderId = cashierOrderId(await postForm(t.baseUrl, encodeForm(form)))!;
    await payWithTestCard(t.gateway.orders, orderId, '4242424242424242');
    const result = await waitUntil(() => shop.notifications.find((n) => n.fields.orderId === form.orderId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the bgUrl result' });
    expect(result.signValid).toBe(true);
    expect(result.fields).toMatchObject({ merchantAcctId: acct, version: 'v2.0', language: '1', signType: '1', payType: '10', bankId: 'ICBC', orderAmount: '200', payAmount: '200', dealId: orderId, ext1: 'memo-1', ext2: 'memo-2', payResult: '10', orderTime: form.orderTime });
    expect(Object.keys(result.fields).every((k) => SEED_RESULT_FIELDS.includes(k) || k === 'signMsg')).toBe(true);
    const [row] = await t.gateway.notifications.forOrder(orderId);
    await waitUntil(async () => ((await t.gateway.notifications.find(row!.id))?.state === 'delivered' ? true : undefined), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'delivered' });
    // The payer's return goes where the shop's answer said.
    const back = await fetch(`${t.baseUrl}/form-gateway/return/${t.gateway.links.token(orderId)}`, { redirect: 'manual' });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${shop.thanksUrl}?orderId=${form.orderId}`);
  });

  it('without a redirecturl, returns the payer to pageUrl with the signed result; a decline is payResult 11', async () => {
    shop.redirect = false;
    try {
      const form = signMd5(orderForm(shop, acct), key);
      const orderId = cashierOrderId(await postForm(t.baseUrl, encodeForm(form)))!;
      await payWithTestCard(t.gateway.orders, orderId, '4000000000000002');
      const [row] = await waitUntil(async () => {
        const rows = await t.gateway.notifications.forOrder(orderId);
        return rows[0] && (await t.gateway.notifications.find(rows[0].id))?.state === 'delivered' ? rows : undefined;
      }, { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'delivered' });
      expect(row).toMatchObject({ dialect: 'form-gateway' });
      const back = await fetch(`${t.baseUrl}/form-gateway/return/${t.gateway.links.token(orderId)}`, { redirect: 'manual' });
      const location = new URL(back.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).toBe(shop.pageUrl);
      const fields = Object.fromEntries(location.searchParams);
      expect(fields).toMatchObject({ payResult: '11', errCode: '31001', orderId: form.orderId });
      expect(seedVerify(fields, SEED_RESULT_FIELDS, { md5Key: () => key, gatewayPublicKey: new X509Certificate(readFileSync(t.merchant.gatewayCertPath)).publicKey })).toBe(true);
    } finally {
      shop.redirect = true;
    }
  });

  it('a merchant answer without <result>1</result> is not an acknowledgement', async () => {
    const { answeredOk } = await import('../../src/protocols/dialect-registry.js');
    const dialect = t.gateway.dialects.get('form-gateway');
    const answer = (text: string) => ({ httpStatus: 200, responseText: text, error: null });
    expect(dialect.acknowledged(answer('<result>1</result><redirecturl>http://x/</redirecturl>'))).toBe(true);
    expect(dialect.acknowledged(answer(' <RESULT> 1 </RESULT>'))).toBe(true);
    expect(dialect.acknowledged(answer('<result>0</result>'))).toBe(false);
    expect(dialect.acknowledged(answer('success'))).toBe(false);
    expect(dialect.acknowledged({ httpStatus: 500, responseText: '<result>1</result>', error: null })).toBe(false);
    expect(answeredOk(answer(''))).toBe(true);
  });

  it('offline remittance (payType 13, submitType 01) is answered in signed XML', async () => {
    const form = signMd5(orderForm(shop, acct, { payType: '13', submitType: '01', remitType: '1', remitCode: 'M4048M111111111', pageUrl: '' }), key);
    const response = await postForm(t.baseUrl, encodeForm(form));
    expect(response.headers.get('content-type')).toMatch(/xml/);
    const xml = await response.text();
    const answer = parseFlatXml(xml)!;
    expect(answer).toMatchObject({ merchantAcctId: acct, orderId: form.orderId, orderAmount: '200', remitType: '1', remitCode: 'M4048M111111111', requestResult: '10', errCode: '' });
    expect(seedVerify(answer, SEED_REMIT_FIELDS, { md5Key: () => key, gatewayPublicKey: undefined as never })).toBe(true);
    expect(await t.gateway.orders.find(answer.dealId!)).toMatchObject({ state: 'INIT', dialect: 'form-gateway' });

    const refused = parseFlatXml(await (await postForm(t.baseUrl, encodeForm(signMd5({ ...form, orderId: `${form.orderId}x`, remitType: '7', signMsg: '' }, key)))).text())!;
    expect(refused).toMatchObject({ requestResult: '11', errCode: '20008', orderAmount: '', dealId: '' });
    expect(seedVerify(refused, SEED_REMIT_FIELDS, { md5Key: () => key, gatewayPublicKey: undefined as never })).toBe(true);
  });

  it('the SDK client fetches the time stamp and submits a remittance order, verifying the signed answer', async () => {
    const client = new FormGatewayClient({ baseUrl: t.baseUrl, merchantAcctId: acct, signer: { signType: '1', key }, verifier: { signType: '1', keys: [key] } });
    const timestamp = await client.timestamp();
    expect(timestamp).toMatch(/^\d{14}$/);
    const base = orderForm(shop, acct, { orderTimestamp: timestamp, remitType: '2', remitCode: 'R2024001', pageUrl: '' });
    const answer = await client.submitRemittance(base);
    expect(answer).toMatchObject({ requestResult: '10', orderId: base.orderId, remitType: '2' });
    await expect(client.submitRemittance({ ...base, orderId: `${base.orderId}b`, remitCode: '' })).rejects.toSatisfy((e: unknown) => e instanceof BusinessError && e.code === '20008');
    const stranger = new FormGatewayClient({ baseUrl: t.baseUrl, merchantAcctId: '99999999901', signer: { signType: '1', key }, verifier: { signType: '1', keys: [key] } });
    await expect(stranger.timestamp()).rejects.toSatisfy((e: unknown) => e instanceof BusinessError && e.code === '20060');
  });

  it('an order closed unpaid at its orderTimeOut is notified payResult 11, errCode 31002', async () => {
    const form = signMd5(orderForm(shop, acct, { orderTimeOut: '60' }), key);
    const orderId = cashierOrderId(await postForm(t.baseUrl, encodeForm(form)))!;
    const order = await t.gateway.orders.find(orderId);
    expect(order!.expiresAtMs - order!.createdAtMs).toBe(60_000);
    await t.gateway.orders.expireNow(orderId);
    const result = await waitUntil(() => shop.notifications.find((n) => n.fields.orderId === form.orderId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the closed result' });
    expect(result.signValid).toBe(true);
    expect(result.fields).toMatchObject({ payResult: '11', errCode: '31002' });
    expect(result.fields.payAmount).toBe('');
  });

  describe('bad input is answered with the seed-style errCode and changes nothing', () => {
    type Build = (f: Record<string, string>) => Buffer;
    const cases: [string, Build, string][] = [
      ['a bad signMsg', (f) => encodeForm({ ...signMd5(f, key), signMsg: 'A'.repeat(32) }), '20002'],
      ['a signMsg made with another key', (f) => encodeForm(signMd5(f, 'not-the-key')), '20002'],
      ['GBK bytes declared as UTF-8', (f) => encodeForm(signMd5({ ...f, inputCharset: '1' }, key), 'GBK'), '10052'],
      ['an unknown inputCharset', (f) => encodeForm(signMd5({ ...f, inputCharset: '9' }, key)), '10036'],
      // The seed's table: 10009 payerContact … 10021 bankId.
      ['an e-mail contact that is not an address', (f) => encodeForm(signMd5({ ...f, payerContactType: '1', payerContact: 'not-an-address' }, key)), '10009'],
      ['a mobile contact that is not a mobile number', (f) => encodeForm(signMd5({ ...f, payerContactType: '2', payerContact: 'a@b.cn' }, key)), '10009'],
      ['a contact longer than 50 characters', (f) => encodeForm(signMd5({ ...f, payerContact: `${'a'.repeat(50)}@b.cn` }, key)), '10009'],
      ['a missing orderId', (f) => encodeForm(signMd5({ ...f, orderId: '' }, key)), '10010'],
      ['an orderId with other characters', (f) => encodeForm(signMd5({ ...f, orderId: 'a b' }, key)), '10010'],
      ['an amount with decimals (fen are whole)', (f) => encodeForm(signMd5({ ...f, orderAmount: '2.50' }, key)), '10011'],
      ['a zero amount', (f) => encodeForm(signMd5({ ...f, orderAmount: '0' }, key)), '10011'],
      ['an impossible orderTime', (f) => encodeForm(signMd5({ ...f, orderTime: '20250231120000' }, key)), '10012'],
      ['a productNum that is not a count', (f) => encodeForm(signMd5({ ...f, productNum: '1.5' }, key)), '10014'],
      ['an unserved payType', (f) => encodeForm(signMd5({ ...f, payType: '27' }, key)), '10019'],
      ['a bankId outside the bank code table', (f) => encodeForm(signMd5({ ...f, payType: '10', bankId: 'NOBANK' }, key)), '10021'],
      // Outside the seed's table.
      ['a payerContactType other than 1 or 2', (f) => encodeForm(signMd5({ ...f, payerContactType: '3', payerContact: 'a@b.cn' }, key)), '10030'],
      ['a missing bgUrl', (f) => encodeForm(signMd5({ ...f, bgUrl: '' }, key)), '10032'],
      ['an orderTimestamp that is not a time', (f) => encodeForm(signMd5({ ...f, orderTimestamp: '20251301000000' }, key)), '10037'],
      ['a wrong version', (f) => encodeForm(signMd5({ ...f, version: 'v9.9' }, key)), '10001'],
      ['an unknown signType', (f) => encodeForm(signMd5({ ...f, signType: '2' }, key)), '10002'],
      ['an unknown merchant account', (f) => encodeForm(signMd5({ ...f, merchantAcctId: '99999999901' }, key)), '20060'],
    ];
    it.each(cases)('%s', async (_what, build, errCode) => {
      const form = orderForm(shop, acct);
      const response = await postForm(t.baseUrl, build(form));
      expect(response.status).toBe(400);
      expect(await response.text()).toContain(`errCode ${errCode}`);
      expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, form.orderId!)).toBeUndefined();
    });

    it('a replayed orderId: the same form leads to the same order; other content, or redoFlag=1, is refused', async () => {
      const form = signMd5(orderForm(shop, acct), key);
      const first = cashierOrderId(await postForm(t.baseUrl, encodeForm(form)));
      expect(cashierOrderId(await postForm(t.baseUrl, encodeForm(signMd5({ ...form, orderTimestamp: beijingStamp(Date.now()) }, key))))).toBe(first);
      const changed = await postForm(t.baseUrl, encodeForm(signMd5({ ...form, orderAmount: '300' }, key)));
      expect(await changed.text()).toContain('errCode 20003');
      const noRedo = signMd5(orderForm(shop, acct, { redoFlag: '1' }), key);
      expect((await postForm(t.baseUrl, encodeForm(noRedo))).status).toBe(303);
      const again = await postForm(t.baseUrl, encodeForm(noRedo));
      expect(await again.text()).toContain('errCode 20004');
      expect((await t.gateway.orders.findByRequest(t.merchant.merchantId, form.orderId!))!.amountMinor).toBe(200n);
    });
  });
});
