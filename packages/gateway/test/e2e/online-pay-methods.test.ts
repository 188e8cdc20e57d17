/**
 * Every unified-order method end to end in headless Chromium, on every
 * database: the SDK creates the order, the payer uses the hosted cashier or
 * the page the answer names, the sandbox wallet or bank page stands in for
 * the app or bank, and the merchant's own endpoint receives a notification
 * that verifies and agrees with `onlinePay/query`. QR codes are read back
 * from the PNG (the API's and the one on the cashier page) with an
 * independent decoder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { OnlinePayOrderRequest, OnlinePayOrderState } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { decodeQrPng } from '../qr-decode.js';
import { startMerchantEndpoint, type MerchantEndpoint } from './merchant-endpoint.js';
import { waitUntil } from './wait-until.js';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Notifications go out on the dispatcher's next poll (100 ms in the harness); 15 s absorbs a loaded machine. */
const NOTIFY_WAIT_MS_MAX = 15_000;
const PAGE_WAIT_MS_MAX = 10_000;

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => browser?.close());

describe.each(testDatabases())('unified order methods in the browser (%s)', (database, databaseEnv) => {
  let t: TestGateway;
  let merchant: MerchantEndpoint;
  let seq = 0;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv);
    merchant = await startMerchantEndpoint(t.client);
  });
  afterAll(async () => {
    await merchant?.close();
    await t?.close();
  });

  const create = async (extra: Partial<OnlinePayOrderRequest> = {}) => {
    const requestId = `e2e-op-${database}-${++seq}`;
    const answer = await t.client.createOnlinePayOrder({
      requestId,
      orderAmount: '2580',
      orderCurrency: 'CNY',
      language: 'en',
      notifyUrl: merchant.notifyUrl,
      callbackUrl: merchant.callbackUrl,
      productDetails: [{ name: 'Green tea', quantity: '2', amount: '1290' }],
      ...extra,
    });
    return { requestId, answer };
  };

  const payer = async (test: Pick<TestContext, 'onTestFinished'>): Promise<{ page: Page; problems: string[] }> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 844 } });
    test.onTestFinished(() => context.close());
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && r.request().resourceType() !== 'document' && new URL(r.url()).pathname !== '/favicon.ico') problems.push(`${r.status()} ${r.url()}`);
    });
    return { page, problems };
  };

  /** The merchant hears the final state once, verified, and it agrees with the query. */
  const expectNotified = async (requestId: string, status: string, alias: string): Promise<OnlinePayOrderState> => {
    const note = await waitUntil(() => merchant.latest(requestId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: `notification for ${requestId}` });
    const queried = await t.client.queryOnlinePayOrder({ requestId });
    expect(note).toMatchObject({ status, paymentModeAlias: alias, serialNumber: queried.serialNumber, orderAmount: '2580', orderCurrency: 'CNY' });
    expect(queried).toMatchObject({ status, paymentModeAlias: alias });
    if (status === 'SUCCESS') expect(note.payment).toMatchObject({ amount: '2580', currency: 'CNY', status: 'SUCCESS' });
    expect(merchant.notificationsFor(requestId)).toHaveLength(1);
    expect(merchant.rejected).toEqual([]);
    return queried;
  };

  const approveOnSimulator = async (page: Page, decision: 'approve' | 'decline' = 'approve') => {
    await page.click(`button[name="decision"][value="${decision}"]`);
    await page.waitForSelector('.simulator__result', { timeout: PAGE_WAIT_MS_MAX });
    return page.getAttribute('.simulator__result', 'data-status');
  };

  it('hosted cashier lists the merchant methods; the payer scans the Alipay QR code shown on the page and pays', async (test) => {
    const { requestId, answer } = await create();
    expect(answer.status).toBe('REDIRECT');
    const { page, problems } = await payer(test);
    await page.goto(answer.redirectUrl!);
    const offered = await page.$$eval('button[name="method"]', (buttons) => buttons.map((b) => b.getAttribute('value')));
    expect(offered).toEqual(['ALIPAY_SCAN', 'ALIPAY_WAP', 'ALIPAY_LIFE', 'WECHAT_SCAN', 'B2C', 'OFFLINE']);
    expect(await page.$('#number')).not.toBeNull();

    await page.click('button[name="method"][value="ALIPAY_SCAN"]');
    await page.waitForSelector('img.qr__image', { timeout: PAGE_WAIT_MS_MAX });
    const src = (await page.getAttribute('img.qr__image', 'src'))!;
    expect(src.startsWith('data:image/png;base64,')).toBe(true);
    const walletUrl = decodeQrPng(src.slice('data:image/png;base64,'.length));
    expect(walletUrl).toMatch(new RegExp(`^${t.baseUrl}/simulator/pay/ali`));

    // The phone: a second page opens what the code encodes and approves.
    const phone = await page.context().newPage();
    await phone.goto(walletUrl);
    expect(await phone.textContent('h2')).toContain('Alipay');
    expect(await approveOnSimulator(phone)).toBe('SUCCESS');
    // The cashier page sees the payment by itself (its script checks again) and shows the result.
    await page.waitForSelector('.result__icon--success', { timeout: PAGE_WAIT_MS_MAX });
    await expectNotified(requestId, 'SUCCESS', 'ALI_SCANCODE_PAY');
    expect(problems).toEqual([]);
  });

  it('hosted cashier card payment of a unified order', async (test) => {
    const { requestId, answer } = await create();
    const { page, problems } = await payer(test);
    await page.goto(answer.redirectUrl!);
    await page.fill('#holder', 'TEST PAYER');
    await page.fill('#number', '4242424242424242');
    await page.fill('#expiryMonth', '12');
    await page.fill('#expiryYear', String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0'));
    await page.fill('#cvv', '123');
    await page.click('button.button--pay');
    await page.waitForSelector('.result__icon--success', { timeout: PAGE_WAIT_MS_MAX });
    await expectNotified(requestId, 'SUCCESS', 'INTERNATIONAL_CARD');
    expect(problems).toEqual([]);
  });

  it('online banking from the cashier: the bank page, a bank chosen, approved', async (test) => {
    const { requestId, answer } = await create();
    const { page, problems } = await payer(test);
    await page.goto(answer.redirectUrl!);
    await page.click('button[name="method"][value="B2C"]');
    await page.waitForSelector('select#bank', { timeout: PAGE_WAIT_MS_MAX });
    expect(new URL(page.url()).pathname).toMatch(/^\/simulator\/pay\/bk/);
    await page.selectOption('select#bank', 'CCB');
    expect(await approveOnSimulator(page)).toBe('SUCCESS');
    await page.click('a.button--secondary');
    await page.waitForURL((u) => u.pathname === '/return', { timeout: PAGE_WAIT_MS_MAX });
    expect(new URL(page.url()).searchParams.get('requestId')).toBe(requestId);
    await expectNotified(requestId, 'SUCCESS', 'B2C');
    expect(problems).toEqual([]);
  });

  it('clientIp binding: the cashier serves the order only to the address the merchant named', async (test) => {
    const { page, problems } = await payer(test);
    const elsewhere = await create({ clientIp: '203.0.113.9' });
    const refused = await page.goto(elsewhere.answer.redirectUrl!);
    expect(refused?.status()).toBe(403);
    expect(await page.$('#number')).toBeNull();
    expect(await page.$('button[name="method"]')).toBeNull();
    // The form post is refused too, and the order stays unpaid.
    const post = await page.request.post(`${elsewhere.answer.redirectUrl!}/method`, { form: { method: 'ALIPAY_SCAN' }, maxRedirects: 0 });
    expect(post.status()).toBe(403);
    expect((await t.client.queryOnlinePayOrder({ requestId: elsewhere.requestId })).status).toBe('INIT');

    const here = await create({ clientIp: '127.0.0.1' });
    expect((await page.goto(here.answer.redirectUrl!))?.status()).toBe(200);
    expect(await page.$('#number')).not.toBeNull();
    expect(problems).toEqual([]);
  });

  it('offline remittance from the cashier: the payee account and postscript; the recorded transfer pays the order', async (test) => {
    const { requestId, answer } = await create();
    const { page, problems } = await payer(test);
    await page.goto(answer.redirectUrl!);
    await page.click('button[name="method"][value="OFFLINE"]');
    await page.waitForSelector('dl.details', { timeout: PAGE_WAIT_MS_MAX });
    const text = (await page.textContent('main'))!;
    const postscript = /OC[2-9A-HJ-NP-Z]{10}/.exec(text)?.[0];
    expect(postscript).toBeDefined();
    expect(text).toContain('25.80 CNY');
    const token = readFileSync(join(t.config.dataDir, 'admin-token'), 'utf8').trim();
    const recorded = await fetch(`${t.baseUrl}/admin/v1/remittances`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ bankReference: `stmt-${requestId}`, postscript, amount: '2580', currency: 'CNY' }),
    });
    expect(((await recorded.json()) as { outcome: string }).outcome).toBe('SETTLED');
    await page.waitForSelector('.result__icon--success', { timeout: PAGE_WAIT_MS_MAX });
    await expectNotified(requestId, 'SUCCESS', 'OFFLINE-P2P');
    expect(problems).toEqual([]);
  });

  it('sandbox offline remittance: the simulate-transfer button records the transfer and the cashier shows the paid order', async (test) => {
    const { requestId, answer } = await create();
    const { page, problems } = await payer(test);
    await page.goto(answer.redirectUrl!);
    await page.click('button[name="method"][value="OFFLINE"]');
    await page.waitForSelector('dl.details', { timeout: PAGE_WAIT_MS_MAX });
    const postscript = /OC[2-9A-HJ-NP-Z]{10}/.exec((await page.textContent('main'))!)![0];
    await page.getByRole('button', { name: 'Sandbox: simulate the incoming transfer' }).click();
    await page.waitForSelector('.result__icon--success', { timeout: PAGE_WAIT_MS_MAX });
    expect(new URL(page.url()).pathname).toBe(new URL(answer.redirectUrl!).pathname);
    await expectNotified(requestId, 'SUCCESS', 'OFFLINE-P2P');
    // Pressing it again (a reload, a second tab) records nothing more.
    const again = await fetch(`${t.baseUrl}/simulator/remit/${postscript}`, { method: 'POST' });
    expect(((await again.json()) as { outcome: string }).outcome).toBe('SETTLED');
    const transfers = (await t.gateway.remittances.list(undefined, 100)).filter((x) => x.postscript === postscript);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ amountMinor: 2580n, currency: 'CNY', outcome: 'SETTLED' });
    // A postscript no order has is not found, and records nothing.
    expect((await fetch(`${t.baseUrl}/simulator/remit/OCZZZZZZZZZZ`, { method: 'POST' })).status).toBe(404);
    expect((await t.gateway.remittances.list(undefined, 100)).filter((x) => x.postscript === 'OCZZZZZZZZZZ')).toHaveLength(0);
    expect(problems).toEqual([]);
  });

  it('a merchant limited to WeChat: the cashier offers only WeChat, no card form', async (test) => {
    await t.gateway.onlinePay.setEnabledMethods(t.merchant.merchantId, ['WECHAT_SCAN']);
    try {
      const { requestId, answer } = await create();
      const { page } = await payer(test);
      await page.goto(answer.redirectUrl!);
      const offered = await page.$$eval('button[name="method"]', (buttons) => buttons.map((b) => b.getAttribute('value')));
      expect(offered).toEqual(['WECHAT_SCAN']);
      expect(await page.$('#number')).toBeNull();
      // A card posted anyway, with a valid CSRF token, is not charged.
      const csrf = (await page.getAttribute('input[name="_csrf"]', 'value'))!;
      const posted = await page.request.post(`${answer.redirectUrl!}/pay`, {
        form: { _csrf: csrf, holder: 'TEST PAYER', number: '4242424242424242', expiryMonth: '12', expiryYear: String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0'), cvv: '123' },
      });
      expect(posted.ok()).toBe(true);
      expect((await t.client.queryOnlinePayOrder({ requestId })).status).toBe('INIT');
    } finally {
      await t.gateway.onlinePay.setEnabledMethods(t.merchant.merchantId, []);
    }
  });

  it('WeChat scan from the API: the code read from the answer opens the wallet, which declines', async (test) => {
    const { requestId, answer } = await create({ paymentModeCode: 'SCANCODE-WEIXIN_PAY-P2P' });
    expect(answer.status).toBe('SUCCESS');
    const walletUrl = decodeQrPng(answer.scanCode!);
    expect(walletUrl).toBe(answer.scanCodeUrl);
    const { page, problems } = await payer(test);
    await page.goto(walletUrl);
    expect(await page.textContent('h2')).toContain('WeChat');
    expect(await approveOnSimulator(page, 'decline')).toBe('FAILED');
    await expectNotified(requestId, 'FAILED', 'WEIXIN_SCANCODE_PAY');
    expect(problems).toEqual([]);
  });

  it.for([
    ['ALIPAY-WAP-P2P', 'ALIPAY_WAP_PAY', false],
    ['ALIPAY-OFFICIAL-P2P', 'ALIPAY_WAP_PAY', true],
  ] as const)('%s: the payer is sent to the wallet page, pays, and returns to the merchant', async ([code, alias, lifeAccount], test) => {
    const { requestId, answer } = await create({ paymentModeCode: code });
    expect(answer.status).toBe('REDIRECT');
    const { page, problems } = await payer(test);
    await page.goto(answer.redirectUrl!);
    expect((await page.textContent('main'))!.includes('life account')).toBe(lifeAccount);
    expect(await approveOnSimulator(page)).toBe('SUCCESS');
    await page.click('a.button--secondary');
    await page.waitForURL((u) => u.pathname === '/return', { timeout: PAGE_WAIT_MS_MAX });
    expect(new URL(page.url()).searchParams.get('requestId')).toBe(requestId);
    await expectNotified(requestId, 'SUCCESS', alias);
    expect(problems).toEqual([]);
  });

  it.for([
    ['WECHAT-OFFICIAL_PAY-P2P', 'WEIXIN_OFFICIAL_PAY', (a: Record<string, unknown>) => (JSON.parse(a.jsString as string) as { package: string }).package.slice('prepay_id='.length)],
    ['APP-WEIXIN_PAY-P2P', 'WEIXIN_APP_PAY', (a: Record<string, unknown>) => (JSON.parse(a.appParams as string) as { prepayid: string }).prepayid],
    ['APP-ALI_PAY-P2P', 'APP_ALIPAY', (a: Record<string, unknown>) => (JSON.parse(a.appParams as string) as { tradeNo: string }).tradeNo],
  ] as const)('%s: the wallet app, stood in for by the simulator page of the prepay id it carries, approves', async ([code, alias, idOf], test) => {
    const { requestId, answer } = await create({ paymentModeCode: code, openId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' });
    expect(answer.status).toBe('SUCCESS');
    const { page, problems } = await payer(test);
    await page.goto(`${t.baseUrl}/simulator/pay/${idOf(answer)}`);
    expect(await approveOnSimulator(page)).toBe('SUCCESS');
    await expectNotified(requestId, 'SUCCESS', alias);
    expect(problems).toEqual([]);
  });
});
