/**
 * The operator console in headless Chromium: onboarding a merchant (with an
 * error shown at its field, the key bundle downloaded, suspension), the FX
 * review queue with the proof file, a dispute opened and decided, a
 * remittance matched, channel health, and a settlement run with a
 * reconciliation report — each page also written as a screenshot. The
 * gateway's clock runs ahead of the wall clock by an offset the settlement
 * test moves, so a day can close without waiting. Every wait is bounded; no
 * assertion is about elapsed time.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, watchPageProblems } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { FX_STUDY } from '../fx-fixtures.js';

const PAGE_WAIT_MS_MAX = 15_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const SCREENSHOT_DIR = process.env.OPENCASHIER_E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'opencashier-e2e-screenshots');

describe('operator console in a browser', () => {
  let t: TestGateway;
  let browser: Browser;
  let offsetMs = 0;
  const email = 'browser-operator@example.test';

  beforeAll(async () => {
    t = await startTestGateway({ OPENCASHIER_FX_REVIEW_RULES: '{"STUDYABROAD":"0","*":"100000000"}' }, { background: false, clock: () => Date.now() + offsetMs });
    await t.gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind: 'operator', merchantId: null, role: 'super_admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const watch = watchPageProblems;

  async function open(options: { locale?: string; width?: number } = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: 860 }, locale: options.locale ?? 'en-US', acceptDownloads: true });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${t.baseUrl}/portal/`);
    const zh = options.locale?.startsWith('zh');
    await page.getByLabel(zh ? '邮箱' : 'E-mail').fill(email);
    await page.getByLabel(zh ? '密码' : 'Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: zh ? '登录' : 'Log in' }).click();
    await page.getByRole('heading', { name: zh ? '今日' : 'Today' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    return { context, page, problems };
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });

  it('onboards a merchant: an error at its field, the key bundle downloaded, then suspends it', async () => {
    const { context, page, problems } = await open();
    await page.getByRole('link', { name: 'Merchants' }).click();
    await page.getByRole('link', { name: 'Onboard a merchant' }).click();
    await page.getByLabel('Merchant id (9 digits)').fill('300000007');
    await page.getByLabel('Name').fill('Harbour Books');
    await page.getByLabel('Mode').selectOption('live');
    await page.getByLabel(/Allowed notify and return hosts/).fill('books.example.com\nbad_host!');
    await page.getByLabel('ALIPAY_SCAN').check();
    await page.getByLabel('USD', { exact: true }).check();
    await page.getByLabel('EUR', { exact: true }).check();
    await page.getByLabel(/^One plan a line/).fill('CARD USD 290 30 0\nCARD EUR 250 25 0');
    await page.getByRole('button', { name: 'Create the merchant and its keys' }).click();
    const hostError = page.locator('#om-hosts-error');
    await hostError.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await hostError.textContent()).toContain('bad_host!');
    expect(await t.gateway.merchants.find('300000007')).toBeUndefined();
    await shot(page, 'operator-onboard.png');

    await page.getByLabel(/Allowed notify and return hosts/).fill('books.example.com\n*.books.example.com');
    await page.getByRole('button', { name: 'Create the merchant and its keys' }).click();
    await page.getByTestId('bundle-notice').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: PAGE_WAIT_MS_MAX }), page.getByRole('button', { name: 'Download the key bundle' }).click()]);
    expect(download.suggestedFilename()).toBe('300000007-key-bundle.json');
    const bundle = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { merchantId: string; pfxBase64: string; pfxPassword: string; globalJson: { appid: string } };
    expect(bundle).toMatchObject({ merchantId: '300000007', globalJson: { appid: '300000007001' } });
    expect(Buffer.from(bundle.pfxBase64, 'base64').length).toBeGreaterThan(1000);
    expect(await t.gateway.merchants.find('300000007')).toMatchObject({ name: 'Harbour Books', sandbox: false, status: 'active', allowedHosts: ['books.example.com', '*.books.example.com'], currencies: ['USD', 'EUR'] });
    expect(await t.gateway.onlinePay.enabledMethods('300000007')).toEqual(['CARD', 'ALIPAY_SCAN']);
    expect((await t.gateway.crossBorder.pricing.feePlans('300000007')).map((p) => `${p.method} ${p.currency} ${p.percentBps} ${p.fixedMinor}`)).toEqual(['CARD EUR 250 25', 'CARD USD 290 30']);

    await page.getByRole('button', { name: 'Open the merchant' }).click();
    await page.getByRole('heading', { name: 'Harbour Books · 300000007' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.locator('#om-reason-error').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByLabel('Reason (kept in the audit log)').fill('contract ended');
    await page.getByRole('button', { name: 'Suspend' }).click();
    await page.getByTestId('merchant-status').filter({ hasText: 'suspended' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect((await t.gateway.merchants.find('300000007'))!.status).toBe('suspended');
    await page.getByLabel('Type the merchant id to confirm').waitFor();
    await shot(page, 'operator-merchant.png');
    await page.getByRole('link', { name: 'Back to merchants' }).click();
    await page.locator('tr[data-merchant-id="300000007"]').filter({ hasText: 'suspended' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await shot(page, 'operator-merchants.png');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('reviews an FX purchase order: opens the proof, approves with a remark, and the purchase is made', async () => {
    const call = (path: string, payload: Record<string, unknown>) => t.client.call(path, { merchantId: t.merchant.merchantId, ...payload });
    const created = await call('foreignExchange/order', { ...FX_STUDY, requestId: 'browser-fx-1', orderAmount: '10000', fileName: 'offer-letter.pdf' });
    const serialNumber = created.serialNumber as string;
    await call('sandbox/pay', { requestId: 'browser-fx-1', cardNumber: '4242424242424242' });
    await call('foreignExchange/listpriceLock', { requestId: 'browser-lock-1', orderCurrency: 'USD' });
    const grant = await call('foreignExchange/proofUpload', { fileName: 'offer-letter.pdf' });
    await fetch(grant.uploadUrl as string, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.7 offer letter') });

    const { context, page, problems } = await open();
    await page.getByRole('link', { name: 'FX desk' }).click();
    const row = page.locator(`tr[data-serial-number="${serialNumber}"]`);
    await row.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await row.getAttribute('data-review')).toBe('UPLOADED');
    const proofHref = await row.getByRole('link', { name: 'Open offer-letter.pdf' }).getAttribute('href');
    const proof = await context.request.get(`${t.baseUrl}${proofHref}`);
    expect(proof.status()).toBe(200);
    expect(await proof.text()).toBe('%PDF-1.7 offer letter');
    await page.getByRole('heading', { name: 'Active rate locks' }).waitFor();
    await shot(page, 'operator-fx-review.png');

    // A refusal without a remark is refused, next to the remark field; nothing changes.
    await row.getByRole('button', { name: 'Refuse' }).click();
    await row.locator('.field-error').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await row.locator('.field-error').textContent()).toContain('remark');
    expect((await t.gateway.crossBorder.fxRows.find(serialNumber))!.reviewStatus).toBe('UPLOADED');

    await row.getByLabel('Remark (required to refuse)').fill('offer letter checked');
    await row.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('fx-notice').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('fx-notice').textContent()).toBe('browser-fx-1: review SUCCESS, purchase SUCCESS.');
    expect(await t.gateway.crossBorder.fxRows.find(serialNumber)).toMatchObject({ reviewStatus: 'SUCCESS', reviewRemark: 'offer letter checked', purchaseStatus: 'SUCCESS' });
    await row.waitFor({ state: 'detached', timeout: PAGE_WAIT_MS_MAX });
    const audit = await t.gateway.accounts.audit.list({ limit: 50 });
    expect(audit.find((e) => e.action === 'fx_order.review')).toMatchObject({ actorEmail: email, target: serialNumber });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens a chargeback reported by file and decides it won', async () => {
    await t.client.createIccOrder({ requestId: 'browser-cb-1', orderAmount: '4500', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId: 'browser-cb-1', cardNumber: '4242424242424242' });
    const { context, page, problems } = await open();
    await page.getByRole('link', { name: 'Disputes' }).click();
    await page.getByLabel('Merchant', { exact: true }).fill(t.merchant.merchantId);
    await page.getByLabel(/^Order/).fill('browser-cb-1');
    await page.getByLabel('Reason code').fill('4853');
    await page.getByLabel('Acquirer reference').fill('ACQ-2026-0042');
    // Typed as the order's currency writes it: more decimals than USD has are refused at the field, and nothing is opened.
    const casesBefore = (await t.gateway.disputes.list({ limit: 100 })).length;
    await page.getByLabel(/^Amount in the order currency/).fill('45.001');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.locator('#dp-amount-error').filter({ hasText: 'USD amounts have at most 2 decimals.' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await t.gateway.disputes.list({ limit: 100 })).toHaveLength(casesBefore);
    await page.getByLabel(/^Amount in the order currency/).fill('0');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.locator('#dp-amount-error').filter({ hasText: 'AMOUNT_INVALID' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.getByLabel(/^Amount in the order currency/).fill('45.00');
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.getByTestId('disputes-notice').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const [opened] = await t.gateway.disputes.list({ limit: 10 });
    expect(opened).toMatchObject({ stage: 'CHARGEBACK', reasonCode: '4853', amountMinor: 4500n, status: 'OPEN' });
    const row = page.locator(`tr[data-dispute-id="${opened!.disputeId}"]`);
    await row.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await shot(page, 'operator-disputes.png');
    await row.getByLabel('Note').fill('proof of delivery accepted by the issuer');
    await row.getByRole('button', { name: 'Won' }).click();
    await page.locator(`tr[data-dispute-id="${opened!.disputeId}"][data-status="WON"]`).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect((await t.gateway.disputes.find(opened!.disputeId))!.status).toBe('WON');

    // The acquirer's next file: a retrieval request for the same order, and a row that names no order.
    const file = `merchantId,order,stage,acquirerReference\n${t.merchant.merchantId},browser-cb-1,RETRIEVAL,RR-2026-7\n${t.merchant.merchantId},browser-missing,CHARGEBACK,CB-2026-8\n`;
    await page.getByLabel('Dispute file (CSV)').setInputFiles({ name: 'acquirer-disputes.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByRole('button', { name: 'Record every case' }).click();
    await page.getByTestId('dispute-file-summary').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.getByTestId('dispute-file-summary').textContent()).toBe('1 recorded, 1 refused.');
    expect(await page.locator('tr[data-outcome="refused"]').textContent()).toContain('ORDER_NOT_FOUND');
    expect((await t.gateway.disputes.list({ limit: 10 })).map((d) => d.acquirerReference)).toContain('RR-2026-7');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('matches an unmatched bank transfer to the remittance order it pays', async () => {
    const answer = await t.client.createOnlinePayOrder({ requestId: 'browser-rm-1', orderAmount: '88000', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', paymentModeCode: 'OFFLINE-P2P' });
    const recorded = await t.gateway.remittances.record({ bankReference: 'ICBC-20261121-0001', postscript: 'ORDER 88000 ZHANG', amountMinor: 88000n as never, currency: 'CNY', payerName: 'Zhang San' });
    const { context, page, problems } = await open();
    await page.getByRole('link', { name: 'Remittances' }).click();
    const row = page.locator(`tr[data-transfer-id="${recorded.transfer.transferId}"]`);
    await row.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await row.getByLabel('Order serialNumber').fill('not-an-order');
    await row.getByRole('button', { name: 'Match' }).click();
    await row.locator('.field-error').filter({ hasText: 'ORDER_NOT_FOUND' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await shot(page, 'operator-remittances.png');
    await row.getByLabel('Order serialNumber').fill(answer.paymentOrderId!);
    await row.getByRole('button', { name: 'Match' }).click();
    await page.getByTestId('remit-notice').filter({ hasText: 'SETTLED' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect((await t.gateway.orders.find(answer.paymentOrderId!))!.state).toBe('SUCCESS');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows channel health in Chinese on a phone without sideways scrolling', async () => {
    const { context, page, problems } = await open({ locale: 'zh-CN', width: 390 });
    await page.getByRole('link', { name: '通道', exact: true }).click();
    const card = page.locator('tr[data-channel="sandbox-card"]');
    await card.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await card.getByTestId('error-rate-sandbox-card').textContent()).toBe('0.00 %');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'operator-channels-zh-phone.png');
    await page.getByRole('link', { name: '外汇', exact: true }).click();
    await page.getByRole('heading', { name: '审核队列' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await context.close();

    // On a desktop in English: the card channel's own answer times, timed as the payments above ran.
    const desktop = await open();
    await desktop.page.getByRole('link', { name: 'Channels' }).click();
    const answers = desktop.page.getByTestId('answers-sandbox-card');
    await answers.filter({ hasText: 'authorize:' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await answers.textContent()).toMatch(/authorize: \d+×, 0 failed/);
    await shot(desktop.page, 'operator-channels.png');
    expect(desktop.problems).toEqual([]);
    await desktop.context.close();
  });

  it('runs the settlement of a closed day and shows the mismatches of a channel statement', async () => {
    // The business day (in the gateway's zone) the chargeback's order was paid on; two days on, it has closed.
    const paid = await t.client.queryIccOrder({ requestId: 'browser-cb-1' });
    const paidAtMs = (await t.gateway.orders.find(paid.serialNumber!))!.completedAtMs!;
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: t.config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(paidAtMs));
    offsetMs += 2 * DAY_MS;
    const { context, page, problems } = await open();
    await page.getByRole('link', { name: 'Settlement' }).click();
    await page.getByLabel('Merchant', { exact: true }).fill(t.merchant.merchantId);
    await page.locator('#sr-date').fill(day);
    await page.getByRole('button', { name: 'Run settlement' }).click();
    await page.getByTestId('money-notice').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const batch = (await t.gateway.crossBorder.settlements.settleDay(t.merchant.merchantId, day))!;
    const batchRow = page.locator(`tr[data-batch-id="${batch.batchId}"]`);
    await batchRow.waitFor({ timeout: PAGE_WAIT_MS_MAX });
    const statementHref = await batchRow.getByRole('link', { name: 'Statement (CSV)' }).getAttribute('href');
    expect(await (await context.request.get(`${t.baseUrl}${statementHref}`)).text()).toContain(`#batch,${batch.batchId}`);

    await page.locator('#rc-date').fill(day);
    await page.getByLabel('Merchant id (empty: every merchant)').fill(t.merchant.merchantId);
    const statement = `serialNumber,type,currency,amount,status\n${paid.serialNumber},PAYMENT,USD,4400,SUCCESS\nACQ-ONLY-1,PAYMENT,USD,100,SUCCESS\n`;
    await page.getByLabel('Channel statement (CSV)').setInputFiles({ name: 'acquirer.csv', mimeType: 'text/csv', buffer: Buffer.from(statement) });
    await page.getByRole('button', { name: 'Reconcile' }).click();
    await page.getByTestId('reconcile-summary').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    expect(await page.locator('tr[data-mismatch="AMOUNT"]').textContent()).toContain(paid.serialNumber!);
    expect(await page.locator('tr[data-mismatch="MISSING_OURS"]').textContent()).toContain('ACQ-ONLY-1');
    await shot(page, 'operator-settlement.png');
    expect(problems).toEqual([]);
    await context.close();
  });
});
