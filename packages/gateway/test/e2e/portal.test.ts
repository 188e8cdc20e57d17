/**
 * The back office in headless Chromium, as a merchant meets it: log in, watch
 * the live monitor while a payment happens, open the order, refund it, log
 * out. Also checks the page runs under its strict CSP with no violation, in
 * both languages, at phone width. Every wait is bounded; no assertion is
 * about elapsed time.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, watchPageProblems } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';

/** A monitor line shows within a second of the payment; 15 s absorbs a loaded CI machine. */
const LIVE_WAIT_MS_MAX = 15_000;
const PAGE_WAIT_MS_MAX = 10_000;
const SCREENSHOT_DIR = process.env.OPENCASHIER_E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'opencashier-e2e-screenshots');

describe('back office in a browser', () => {
  let t: TestGateway;
  let browser: Browser;
  const email = 'browser-admin@example.test';

  beforeAll(async () => {
    t = await startTestGateway({}, { background: false });
    await t.gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role: 'admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  function watch(page: Page): string[] {
    // Failed subresources are judged by the response listener below.
    const problems = watchPageProblems(page);
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      // Asking who is logged in answers 401 before log-in: that is how the page knows to show the form.
      if (response.status() >= 400 && !(path === '/portal/api/me' && response.status() === 401)) problems.push(`${response.status()} for ${path}`);
    });
    return problems;
  }

  async function logIn(page: Page) {
    await page.goto(`${t.baseUrl}/portal/`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
  }

  it('serves the page under a strict CSP with Subresource Integrity', async () => {
    const response = await fetch(`${t.baseUrl}/portal/`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await response.text();
    expect(html).toMatch(/<script type="module"[^>]*integrity="sha384-/);
    expect(html).not.toMatch(/<script>(?!<)/);
  });

  it('logs in, shows a payment live, refunds the order and logs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    const problems = watch(page);
    page.on('dialog', (dialog) => void dialog.accept());
    await logIn(page);
    await page.getByTestId('monitor-status').filter({ hasText: 'Live' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });

    const requestId = `browser-live-${Date.now()}`;
    await t.client.createIccOrder({ requestId, orderAmount: '4200', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
    const line = page.locator(`tr[data-request-id="${requestId}"][data-state="SUCCESS"]`);
    await line.waitFor({ timeout: LIVE_WAIT_MS_MAX });
    expect(await line.textContent()).toContain('42.00 USD');
    await page.locator(`tr[data-currency="USD"]`).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-dashboard.png'), fullPage: true });

    await line.getByRole('link', { name: requestId }).click();
    await page.getByRole('heading', { name: `Order ${requestId}` }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('order-state').textContent()).toBe('SUCCESS');
    // Amounts are typed as the currency writes them: more decimals than USD has are refused on the page, and nothing is refunded.
    await page.getByLabel(/^Amount in USD/).fill('12.001');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    expect(await page.locator('#refund-amount-error').textContent()).toBe('USD amounts have at most 2 decimals.');
    expect(await page.getByLabel(/^Amount in USD/).getAttribute('aria-invalid')).toBe('true');
    expect(await t.gateway.refunds.forOrder((await t.client.queryIccOrder({ requestId })).serialNumber!)).toEqual([]);
    await page.getByLabel(/^Amount in USD/).fill('12.00');
    await page.getByLabel('Remark').fill('returned item');
    await page.getByRole('button', { name: 'Refund', exact: true }).click();
    await page.getByTestId('refund-result').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('refund-result').textContent()).toContain('SUCCESS: 12.00 USD');
    await page.getByTestId('refunded').filter({ hasText: '12.00 USD' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-order.png'), fullPage: true });
    const refunds = await t.gateway.refunds.forOrder((await t.client.queryIccOrder({ requestId })).serialNumber!);
    expect(refunds.map((r) => [r.amountMinor, r.state])).toEqual([[1200n, 'SUCCESS']]);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const after = await context.request.get(`${t.baseUrl}/portal/api/me`);
    expect(after.status()).toBe(401);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('refunds a batch from an uploaded CSV and shows a result per row', async () => {
    const requestId = `browser-batch-${Date.now()}`;
    await t.client.createIccOrder({ requestId, orderAmount: '3000', orderCurrency: 'JPY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
    const serialNumber = (await t.client.queryIccOrder({ requestId })).serialNumber!;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    const problems = watch(page);
    await logIn(page);
    await page.getByRole('link', { name: 'Batch refunds' }).click();
    const csv = `serialNumber,requestId,amountMinor,remark\n${serialNumber},${requestId}-r1,1000,first\nmissing-order,${requestId}-r2,5,\n`;
    await page.getByLabel('CSV file').setInputFiles({ name: 'refunds.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Refund every row' }).click();
    await page.getByTestId('batch-summary').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('batch-summary').textContent()).toContain('1 refunded, 0 already done, 1 refused.');
    // The bar ends full: every row was answered.
    expect(await page.getByTestId('batch-progress').getAttribute('value')).toBe('2');
    expect(await page.getByTestId('batch-progress').getAttribute('max')).toBe('2');
    expect(await page.locator('tr[data-outcome="refused"]').textContent()).toContain('ORDER_NOT_FOUND');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-batch-refunds.png'), fullPage: true });
    expect((await t.gateway.refunds.forOrder(serialNumber)).map((r) => r.amountMinor)).toEqual([1000n]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('speaks Chinese and fits a phone screen', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${t.baseUrl}/portal/`);
    await page.getByLabel('邮箱').fill(email);
    await page.getByLabel('密码').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '今日' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByRole('link', { name: '订单', exact: true }).click();
    await page.getByRole('button', { name: '查询' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-orders-zh-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
