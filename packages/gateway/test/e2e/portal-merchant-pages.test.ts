/**
 * The merchant back-office pages in headless Chromium: maker / checker
 * refund approval with two users, the disputes page (retrieval backfill
 * with an attachment, delivery confirmation), the money page and the
 * integration page. Every wait is bounded; no assertion is about elapsed time.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, watchPageProblems } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { addDays } from '../../src/domain/business-day.js';
import { formatMinor } from '../../src/domain/money.js';
import { generateKeyPairSync } from 'node:crypto';
import { createSelfSignedCertificate } from '@opencashier/sdk';

const PAGE_WAIT_MS_MAX = 10_000;
const SCREENSHOT_DIR = process.env.OPENCASHIER_E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'opencashier-e2e-screenshots');

describe('merchant back-office pages in a browser', () => {
  let t: TestGateway;
  let browser: Browser;
  let clockOffsetMs = 0;
  const adminEmail = 'pages-admin@example.test';
  const financeEmail = 'pages-finance@example.test';

  beforeAll(async () => {
    // The money test moves the gateway two days ahead so that a day can settle.
    t = await startTestGateway({}, { background: false, clock: () => Date.now() + clockOffsetMs });
    for (const [email, role] of [
      [adminEmail, 'admin'],
      [financeEmail, 'finance'],
    ] as const) {
      await t.gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role, mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    }
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  // Only the money test moves the clock, and only for itself.
  afterEach(() => {
    clockOffsetMs = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const watch = watchPageProblems;

  async function open(email: string, viewport = { width: 1280, height: 800 }, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport, locale });
    const page = await context.newPage();
    const problems = watch(page);
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(`${t.baseUrl}/portal/`);
    await page.getByLabel(locale.startsWith('zh') ? '邮箱' : 'E-mail').fill(email);
    await page.getByLabel(locale.startsWith('zh') ? '密码' : 'Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: locale.startsWith('zh') ? '登录' : 'Log in' }).click();
    await page.getByRole('heading', { name: locale.startsWith('zh') ? '今日' : 'Today' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    return { context, page, problems };
  }

  async function paidOrder(requestId: string, amount = '5000', currency = 'USD'): Promise<string> {
    await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
    return (await t.client.queryIccOrder({ requestId })).serialNumber!;
  }

  it('holds a refund above the threshold until a second user approves it', async () => {
    const serialNumber = await paidOrder('pages-mc-1');
    const admin = await open(adminEmail);
    await admin.page.getByRole('link', { name: 'Refund approvals' }).click();
    await admin.page.getByLabel('Refunds that need a second user').selectOption('above');
    await admin.page.getByLabel(/^Threshold amount/).fill('10.00');
    await admin.page.getByLabel(/Threshold currency/).fill('USD');
    await admin.page.getByRole('button', { name: 'Save policy' }).click();
    await admin.page.getByText('Policy saved.').waitFor({ timeout: PAGE_WAIT_MS_MAX });

    const maker = await open(financeEmail);
    await maker.page.goto(`${t.baseUrl}/portal/orders/${serialNumber}`);
    await maker.page.getByLabel(/^Amount in USD/).fill('15');
    await maker.page.getByRole('button', { name: 'Refund', exact: true }).click();
    await maker.page.getByTestId('refund-result').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await maker.page.getByTestId('refund-result').textContent()).toContain('waits for approval by a second user (15.00 USD)');
    expect(await t.gateway.refunds.forOrder(serialNumber)).toEqual([]);
    // The maker sees the waiting refund but cannot decide it.
    await maker.page.getByRole('link', { name: 'Refund approvals' }).click();
    const own = maker.page.locator('tr[data-approval]');
    await own.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await own.textContent()).toContain('You asked for this one');
    expect(await own.getByRole('button', { name: 'Approve' }).count()).toBe(0);

    await admin.page.reload();
    const row = admin.page.locator('tr[data-approval]');
    await row.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await row.getByLabel('Note').fill('return received');
    await row.getByRole('button', { name: 'Approve' }).click();
    const decided = admin.page.locator('tr[data-decided]');
    await decided.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await decided.textContent()).toContain('APPROVED');
    expect(await decided.textContent()).toContain('SUCCESS');
    await admin.page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-refund-approvals.png'), fullPage: true });
    expect((await t.gateway.refunds.forOrder(serialNumber)).map((r) => [r.amountMinor, r.state])).toEqual([[1500n, 'SUCCESS']]);
    expect([...admin.problems, ...maker.problems]).toEqual([]);
    await maker.context.close();
    await admin.context.close();
    await t.gateway.database.db.deleteFrom('portal_refund_policies').execute();
  });

  it('answers a retrieval request with an attachment and confirms a delivery', async () => {
    await paidOrder('pages-rr-1', '3000');
    const opened = await t.client.call('sandbox/retrieval', { requestId: 'pages-rr-1' });
    const disputeId = opened.disputeId as string;
    const shipped = await paidOrder('pages-ship-1');
    const { context, page, problems } = await open(financeEmail);
    await page.getByRole('link', { name: 'Disputes' }).click();
    const row = page.locator(`tr[data-dispute="${disputeId}"]`);
    await row.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await row.getByTestId('countdown').textContent()).toMatch(/\d+ d \d+ h \d+ min left/);
    await row.getByRole('link', { name: 'Open case' }).click();
    await page.getByRole('heading', { name: `Case ${disputeId}` }).waitFor({ timeout: PAGE_WAIT_MS_MAX });

    await page.getByLabel('Cardholder name').fill('Han Meimei');
    await page.getByLabel('Cardholder e-mail').fill('han@example.com');
    await page.getByLabel('What was sold').fill('Silk scarf');
    await page.getByLabel('Statement').fill('Delivered and signed for.');
    await page.getByLabel('Carrier').fill('China Post EMS');
    await page.getByLabel(/Tracking numbers/).fill('EE123456789CN');
    // A wrong phone number is shown next to its field, and nothing is sent.
    await page.getByLabel('Cardholder phone').fill('call me');
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300, 0x20), Buffer.from('\n%%EOF\n')]);
    await page.getByLabel(/Documents/).setInputFiles({ name: 'receipt.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByRole('button', { name: 'Send answer' }).click();
    await page.locator('#bf-customerPhone-error').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.locator('#bf-customerPhone-error').textContent()).toContain('FIELD_INVALID');
    expect(await t.gateway.disputes.evidence(disputeId)).toEqual([]);
    await page.getByLabel('Cardholder phone').fill('+86 138 0000 0000');
    await page.getByRole('button', { name: 'Send answer' }).click();
    await page.getByTestId('dispute-status').filter({ hasText: 'EVIDENCE_SUBMITTED' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const link = page.getByRole('link', { name: /receipt\.pdf/ });
    await link.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-dispute.png'), fullPage: true });
    const evidence = await t.gateway.disputes.evidence(disputeId);
    expect(evidence.map((e) => [e.details.customerPhone, e.attachments.map((a) => a.name)])).toEqual([['+86 138 0000 0000', ['receipt.pdf']]]);

    await page.getByRole('link', { name: 'Back to disputes' }).click();
    // Answered cases are found by their status.
    await page.getByLabel('Status', { exact: true }).selectOption('EVIDENCE_SUBMITTED');
    await page.locator(`tr[data-dispute="${disputeId}"][data-status="EVIDENCE_SUBMITTED"]`).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByLabel('Status', { exact: true }).selectOption('WON');
    await page.getByText('No disputes.').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByLabel('serialNumber').fill(shipped);
    await page.getByLabel('Carrier').fill('SF Express');
    await page.getByLabel(/Tracking numbers/).fill('SF1001 SF1002');
    // A minute ago on the browser's own wall clock (the delivery may not be before the order or in the future).
    const localNow = await page.evaluate<string>('(() => { const d = new Date(Date.now() - 60000); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); })()');
    await page.getByLabel(/When/).fill(localNow);
    await page.getByRole('button', { name: 'Confirm delivery' }).click();
    await page.getByTestId('delivery-result').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect((await t.gateway.deliveries.forOrder(shipped)).map((d) => [d.status, d.trackingNumbers])).toEqual([['SHIPPED', ['SF1001', 'SF1002']]]);
    const when = new Date(Date.now() - 30_000).toISOString();
    const csv = `serialNumber,status,logisticsCompany,trackingNumbers,time\n${shipped},DELIVERED,SF Express,SF1001;SF1002,${when}\nnope,DELIVERED,SF,X1,${when}\n`;
    await page.getByLabel('Delivery CSV file').setInputFiles({ name: 'deliveries.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Confirm every row' }).click();
    await page.getByTestId('delivery-summary').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('delivery-summary').textContent()).toBe('1 recorded, 0 already known, 1 refused.');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('accepts a chargeback with a reason from the case page', async () => {
    const orderId = await paidOrder('pages-cb-1', '2200');
    const cb = await t.gateway.disputes.open({ orderId, stage: 'CHARGEBACK' }, { kind: 'OPERATOR', name: 'test' });
    const { context, page, problems } = await open(adminEmail);
    await page.goto(`${t.baseUrl}/portal/disputes/${cb.disputeId}`);
    await page.getByRole('heading', { name: `Case ${cb.disputeId}` }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByLabel(/Why you accept/).fill('goods never shipped');
    await page.getByRole('button', { name: 'Accept the chargeback' }).click();
    await page.getByTestId('dispute-status').filter({ hasText: 'ACCEPTED' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect((await t.gateway.disputes.history(cb.disputeId)).at(-1)).toMatchObject({ toStatus: 'ACCEPTED', note: 'goods never shipped' });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('draws volume and success rate over time on the dashboard', async () => {
    await paidOrder('pages-chart-1', '1234', 'EUR');
    const { context, page, problems } = await open(financeEmail);
    const chart = page.getByTestId('volume-chart');
    await chart.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByLabel('Volume in').selectOption('EUR');
    await chart.locator('rect[data-volume="12.34"]').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('rate-chart').locator('circle').count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-method="sandbox-card"]').first().textContent()).toContain('sandbox-card');
    await page.getByLabel('Range').selectOption('day');
    await chart.locator('rect[data-volume="12.34"]').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-dashboard-charts.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends a long batch in chunks, moving the progress bar, and numbers each result by its line in the file', async () => {
    const serialNumber = await paidOrder('pages-batch-long', '3000');
    const lines = ['serialNumber,requestId,amountMinor,remark'];
    for (let i = 0; i < 24; i += 1) lines.push(`missing-${i},pages-long-${i},100,"line ${i}, missing"`);
    lines.push(`${serialNumber},pages-long-real,700,real`);
    const { context, page, problems } = await open(financeEmail);
    await page.getByRole('link', { name: 'Batch refunds' }).click();
    await page.getByLabel('CSV file').setInputFiles({ name: 'long.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.getByRole('button', { name: 'Refund every row' }).click();
    await page.getByTestId('batch-summary').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('batch-summary').textContent()).toContain('1 refunded, 0 already done, 24 refused.');
    expect(await page.getByTestId('batch-progress').getAttribute('value')).toBe('25');
    expect(await page.locator('tr[data-outcome="created"] td').first().textContent()).toBe('26');
    expect((await t.gateway.refunds.forOrder(serialNumber)).map((r) => r.amountMinor)).toEqual([700n]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits every merchant page on a phone screen in Chinese', async () => {
    const { context, page, problems } = await open(adminEmail, { width: 390, height: 844 }, 'zh-CN');
    for (const [link, heading] of [
      ['退款复核', '退款复核'],
      ['争议', '争议'],
      ['资金', '资金'],
      ['接入', '接入'],
    ] as const) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
      const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
      expect(overflow, link).toBeLessThanOrEqual(0);
    }
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows settlement batches, reconciliation days and the fee plan on the money page', async () => {
    const id = t.merchant.merchantId;
    await t.gateway.crossBorder.pricing.replaceFeePlans(id, [{ method: 'CARD', currency: 'CNY', percentBps: 290, fixedMinor: 100n, minimumMinor: 0n }], Date.now());
    await paidOrder('pages-money-1', '20000', 'CNY');
    clockOffsetMs = 2 * 86_400_000;
    const latest = t.gateway.crossBorder.reconciliation.latestReadyDate();
    let settled: { businessDate: string; capturedMinor: bigint } | undefined;
    for (let back = 0; back < 3 && settled === undefined; back += 1) {
      const batch = await t.gateway.crossBorder.settlements.settleDay(id, addDays(latest, -back));
      if (batch && batch.lineCount > 0) settled = batch;
    }
    expect(settled).toBeDefined();
    const settledDate = settled!.businessDate;
    const { context, page, problems } = await open(financeEmail, { width: 390, height: 844 });
    await page.getByRole('link', { name: 'Money' }).click();
    const row = page.locator(`tr[data-batch="${settledDate}"]`);
    await row.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    // The other tests' orders of that day settle in the same batch: the row shows the batch's own total.
    expect(await row.textContent()).toContain(formatMinor(settled!.capturedMinor, 2));
    expect(await page.locator('tr[data-fee="CARD-CNY"]').textContent()).toContain('2.90%');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-money-phone.png'), fullPage: true });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: PAGE_WAIT_MS_MAX }), page.getByRole('link', { name: `Download ${settledDate}` }).click()]);
    const path = await download.path();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(path, 'utf8')).toContain('pages-money-1');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the integration page in Chinese at phone width: hosts, test notification, certificate rotation, API calls', async () => {
    await paidOrder('pages-int-1');
    const { context, page, problems } = await open(adminEmail, { width: 390, height: 844 }, 'zh-CN');
    await page.getByRole('link', { name: '接入' }).click();
    expect(await page.getByTestId('merchant-id').textContent()).toBe(t.merchant.merchantId);
    await page.getByText('4000000000000002').waitFor({ timeout: PAGE_WAIT_MS_MAX });

    await page.getByLabel(/允许的通知/).fill('*');
    await page.getByRole('button', { name: '保存主机' }).click();
    await page.locator('#hosts-error').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByLabel(/允许的通知/).fill('127.0.0.1, shop.example');
    await page.getByRole('button', { name: '保存主机' }).click();
    await page.getByText('主机已保存。').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect((await t.gateway.merchants.find(t.merchant.merchantId))!.allowedHosts).toEqual(['127.0.0.1', 'shop.example']);

    await page.getByLabel('通知地址').fill('http://127.0.0.1:9999/test-hook');
    await page.getByRole('button', { name: '发送测试通知' }).click();
    await page.getByTestId('test-notification-result').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const queued = await t.gateway.database.db.selectFrom('notifications').select(['url', 'state']).where('url', '=', 'http://127.0.0.1:9999/test-hook').execute();
    expect(queued.map((n) => n.state)).toEqual(['pending']);

    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = createSelfSignedCertificate({ privateKey: keys.privateKey, publicKey: keys.publicKey, commonName: 'browser upload', validityDays: 30 }).toString();
    await page.getByLabel(/新证书/).setInputFiles({ name: 'merchant.pem', mimeType: 'application/x-pem-file', buffer: Buffer.from(pem) });
    await page.getByRole('button', { name: '上传并轮换' }).click();
    await page.locator('tr[data-certificate="retiring"]').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.locator('tr[data-certificate="current"]').count()).toBe(1);

    await page.locator('tr[data-api-call]').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.locator('table').last().textContent()).not.toContain('4242424242424242');
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'portal-integration-zh-phone.png'), fullPage: true });
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
