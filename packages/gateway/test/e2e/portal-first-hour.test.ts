/**
 * The back office as a new merchant meets it in Chinese on a phone, on a
 * fresh install: the money page before any batch, the dashboard's rows and
 * charts as the first payments arrive live, a refund typed as a decimal, the
 * order timeline in Chinese, and the warning when refund approval is on but
 * nobody else could ever approve. Every wait is bounded; no assertion is
 * about elapsed time.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, watchPageProblems } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { waitUntil } from './wait-until.js';

const PAGE_WAIT_MS_MAX = 15_000;
/** A monitor line (and what follows it) shows within a second of the payment; 15 s absorbs a loaded machine. */
const LIVE_WAIT_MS_MAX = 15_000;

describe('the back office in its first hour, in Chinese on a phone', () => {
  let t: TestGateway;
  let browser: Browser;
  // The merchant's only user: refund approval could never find a second one.
  const email = 'first-hour-admin@example.test';

  beforeAll(async () => {
    t = await startTestGateway({}, { background: false });
    await t.gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role: 'admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${t.baseUrl}/portal/`);
    await page.fill('#email', email);
    await page.fill('#password', TEST_PASSWORD);
    await page.press('#password', 'Enter');
    await page.getByRole('heading', { name: '今日' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    return { page, problems, close: () => context.close() };
  }

  const order = (requestId: string, orderAmount = '4200') =>
    t.client.createIccOrder({ requestId, orderAmount, orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });

  it('shows the money page before any batch, then today as soon as something is paid', async () => {
    const { page, problems, close } = await open();
    await page.goto(`${t.baseUrl}/portal/money`);
    await page.getByTestId('money-today-none').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('money-today-none').textContent()).toContain('支付一笔沙箱订单');
    expect(await page.textContent('main')).toContain('第一个批次在首笔付款的次日出现');
    await order('first-hour-money');
    await t.client.call('sandbox/pay', { requestId: 'first-hour-money', cardNumber: '4242424242424242' });
    await page.reload();
    const row = page.locator('tr[data-today="USD"]');
    await row.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await row.textContent()).toContain('42.00');
    expect(problems).toEqual([]);
    await close();
  });

  it('moves the dashboard rows and charts with the live monitor, with dates on the axis', async () => {
    const { page, problems, close } = await open();
    await page.getByTestId('monitor-status').filter({ hasText: '实时' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await order('first-hour-unstarted', '1000');
    // An order nobody has started yet is said in words, not "none".
    const unstarted = page.locator('tr[data-method="none"]');
    await unstarted.waitFor({ timeout: LIVE_WAIT_MS_MAX });
    expect(await unstarted.locator('td').first().textContent()).toBe('尚未开始（付款人还未选择支付方式）');
    // A payment arrives: the chart's bar for this hour grows by it without a reload.
    const thisHour = page.locator('[data-testid="volume-chart"] rect').last();
    const cents = (text: string | null) => BigInt((text ?? '0').replace('.', ''));
    const before = cents(await thisHour.getAttribute('data-volume'));
    await order('first-hour-live', '5500');
    await t.client.call('sandbox/pay', { requestId: 'first-hour-live', cardNumber: '4242424242424242' });
    await page.locator('tr[data-request-id="first-hour-live"][data-state="SUCCESS"]').waitFor({ timeout: LIVE_WAIT_MS_MAX });
    // Grown by 55.00 — or, had the hour turned meanwhile, a new bar of 55.00.
    await waitUntil(
      async () => {
        const now = cents(await thisHour.getAttribute('data-volume'));
        return now === before + 5500n || now === 5500n ? now : undefined;
      },
      { timeoutMs: LIVE_WAIT_MS_MAX, what: 'the chart bar of this hour to grow by 55.00' },
    );
    const axis = (await page.getByTestId('chart-axis').textContent()) ?? '';
    expect(axis).toContain(new Intl.DateTimeFormat('zh-CN', { month: 'short', day: 'numeric' }).format(new Date()));
    expect(problems).toEqual([]);
    await close();
  });

  it('refunds an amount typed as a decimal and tells the timeline in Chinese', async () => {
    await order('first-hour-refund', '1990');
    await t.client.call('sandbox/pay', { requestId: 'first-hour-refund', cardNumber: '4242424242424242' });
    const serialNumber = (await t.client.queryIccOrder({ requestId: 'first-hour-refund' })).serialNumber!;
    const { page, problems, close } = await open();
    await page.goto(`${t.baseUrl}/portal/orders/${serialNumber}`);
    await page.getByLabel(/^金额（USD/).fill('19.9x');
    await page.getByRole('button', { name: '退款', exact: true }).click();
    expect(await page.locator('#refund-amount-error').textContent()).toBe('请输入金额，例如 5.00。');
    await page.getByLabel(/^金额（USD/).fill('5.00');
    await page.getByRole('button', { name: '退款', exact: true }).click();
    await page.getByTestId('refund-result').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByTestId('refunded').filter({ hasText: '5.00 USD' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect((await t.gateway.refunds.forOrder(serialNumber)).map((r) => r.amountMinor)).toEqual([500n]);
    const timeline = (await page.locator('ol.timeline').textContent()) ?? '';
    for (const text of ['订单创建', '已提交银行卡', '已支付']) expect(timeline).toContain(text);
    // What is left in Latin letters is an identifier or marked as English.
    const untagged = await page.$$eval('ol.timeline li .muted:not([lang])', (spans) => spans.map((s) => s.textContent ?? '').filter((text) => /\b[a-z]{3,}\s[a-z]{3,}\b/.test(text)));
    expect(untagged).toEqual([]);
    expect(problems).toEqual([]);
    await close();
  });

  it('warns that refund approval can never be satisfied with one admin or finance user', async () => {
    const { page, problems, close } = await open();
    await page.goto(`${t.baseUrl}/portal/refunds/approvals`);
    await page.getByLabel('需要复核的退款').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('approval-blocked').count()).toBe(0);
    await page.getByLabel('需要复核的退款').selectOption('all');
    await page.getByRole('button', { name: '保存规则' }).click();
    await page.getByTestId('approval-blocked').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('approval-blocked').textContent()).toContain('只有一位可用的管理员或财务用户');
    // A second finance user makes approval possible again.
    await t.gateway.accounts.createUser({ email: 'first-hour-finance@example.test', password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role: 'finance', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    await page.reload();
    await page.getByLabel('需要复核的退款').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('approval-blocked').count()).toBe(0);
    expect(problems).toEqual([]);
    await close();
    await t.gateway.database.db.deleteFrom('portal_refund_policies').execute();
  });
});
