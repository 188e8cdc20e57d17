/**
 * The hosted cashier end to end, as a payer and a merchant meet it: the SDK
 * creates an order, headless Chromium opens the redirect URL and pays with
 * every sandbox magic card, and the merchant's own HTTP endpoint must receive
 * a notification that verifies and agrees with `icc/query`.
 *
 * One browser per file (launching Chromium is the slow part); every test gets
 * a fresh browser context, so cookies and CSRF nonces never leak between
 * tests. Every wait is bounded; no assertion is about elapsed time.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { IccNotification, IccOrderRequest } from '@opencashier/sdk';
import { MAGIC_CARDS, SANDBOX_CHALLENGE_CODE, type MagicCard } from '../../src/channels/sandbox-card/magic-cards.js';
import { startTestGateway, type TestGateway } from '../harness.js';
import { startMerchantEndpoint, type MerchantEndpoint } from './merchant-endpoint.js';
import { waitUntil } from './wait-until.js';

const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Notifications go out on the dispatcher's next poll (100 ms in the harness); 15 s absorbs a loaded CI machine. */
const NOTIFY_WAIT_MS_MAX = 15_000;
/**
 * How long the sandbox keeps an outcome unknown: long enough that the page
 * after the card submit is always the pending one, even on a loaded machine.
 */
const UNKNOWN_RESOLVE_DELAY_MS = 2_000;
/**
 * An unknown outcome is resolved by a sweep every 5 s once the delay above
 * has passed, and the pending page reloads itself every 5 s, so a result
 * shows within ~12 s; 30 s is slack.
 */
const PENDING_WAIT_MS_MAX = 30_000;
/** Any page that does not wait on background work. */
const PAGE_WAIT_MS_MAX = 10_000;
/** An iPhone-sized viewport: the width most payers see the cashier at. */
const PHONE_VIEWPORT = { width: 390, height: 844 };
const DESKTOP_VIEWPORT = { width: 1280, height: 800 };
const SCREENSHOT_DIR = process.env.OPENCASHIER_E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'opencashier-e2e-screenshots');

type FinalStatus = 'SUCCESS' | 'FAILED' | 'CANCEL';
type Outcome = 'success' | 'failed' | 'cancelled' | 'expired' | 'pending';

/** Orders are spread over currencies with 2 and 0 decimals and both cashier languages. */
const ORDER_VARIANTS = [
  { orderCurrency: 'USD', orderAmount: '12345', language: 'en', display: '123.45' },
  { orderCurrency: 'JPY', orderAmount: '1500', language: 'zh', display: '1500' },
  { orderCurrency: 'EUR', orderAmount: '999', language: 'zh', display: '9.99' },
  { orderCurrency: 'JPY', orderAmount: '98000', language: 'en', display: '98000' },
  { orderCurrency: 'EUR', orderAmount: '100005', language: 'en', display: '1000.05' },
] as const;
type OrderVariant = (typeof ORDER_VARIANTS)[number];

let t: TestGateway;
let merchant: MerchantEndpoint;
let browser: Browser;
let requestSeq = 0;

beforeAll(async () => {
  // Unknown outcomes stay unknown for 2 s, so the payer always meets the pending page first.
  t = await startTestGateway({ OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: String(UNKNOWN_RESOLVE_DELAY_MS) });
  merchant = await startMerchantEndpoint(t.client);
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await merchant?.close();
  await t?.close();
});

/**
 * A new payer: own cookies, own viewport, closed when the test ends (tests
 * run concurrently, so each cleans up only its own). Pages report script
 * errors and failed subresources so a broken page cannot pass silently.
 */
async function newPayer(test: Pick<TestContext, 'onTestFinished'>, viewport = DESKTOP_VIEWPORT): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, locale: 'en-US' });
  test.onTestFinished(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Chromium logs every failed subresource as a console error; those are judged by the response listener below.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  // Documents may answer 4xx on purpose (a form with errors is a 422); a stylesheet or image may not.
  // Browsers ask for /favicon.ico on their own; the cashier does not promise one.
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (response.status() >= 400 && response.request().resourceType() !== 'document' && url.pathname !== '/favicon.ico') {
      problems.push(`${response.status()} for ${response.request().resourceType()} ${url.pathname}`);
    }
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, problems };
}

interface CreatedOrder {
  requestId: string;
  paymentOrderId: string;
  redirectUrl: string;
  request: IccOrderRequest;
  variant: OrderVariant;
}

async function createOrder(variant: OrderVariant, extra: Partial<IccOrderRequest> = {}): Promise<CreatedOrder> {
  requestSeq += 1;
  const request: IccOrderRequest = {
    requestId: `e2e-${Date.now().toString(36)}-${requestSeq}`,
    orderAmount: variant.orderAmount,
    orderCurrency: variant.orderCurrency,
    language: variant.language,
    notifyUrl: merchant.notifyUrl,
    callbackUrl: merchant.callbackUrl,
    productDetails: [{ name: 'Test item', quantity: '1', amount: variant.orderAmount }],
    ...extra,
  };
  const created = await t.client.createIccOrder(request);
  expect(created.status).toBe('SUCCESS');
  expect(created.redirectUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cashier\//);
  expect(created.paymentOrderId).toMatch(/^[0-9a-f]{32}$/);
  return { requestId: request.requestId, paymentOrderId: created.paymentOrderId!, redirectUrl: created.redirectUrl!, request, variant };
}

async function openCheckout(page: Page, order: CreatedOrder): Promise<Response> {
  const response = await page.goto(order.redirectUrl);
  expect(response?.status()).toBe(200);
  await page.waitForSelector('form #number', { timeout: PAGE_WAIT_MS_MAX });
  return response!;
}

function cvvFor(card: Pick<MagicCard, 'brand'>): string {
  return card.brand === 'American Express' ? '1234' : '123';
}

/** A future expiry, as the form's MM / YY placeholders ask for it. */
function futureExpiry(): { month: string; year: string } {
  return { month: '12', year: String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0') };
}

async function fillCard(page: Page, card: { pan: string; brand: string }, holder = 'TEST PAYER'): Promise<void> {
  const expiry = futureExpiry();
  await page.fill('#holder', holder);
  await page.fill('#number', card.pan);
  await page.fill('#expiryMonth', expiry.month);
  await page.fill('#expiryYear', expiry.year);
  await page.fill('#cvv', cvvFor(card));
}

/** Clicks a submit button and waits for a selector only the next page has (the old page cannot satisfy it). */
async function submit(page: Page, button: string, nextPage: string, timeoutMs = PAGE_WAIT_MS_MAX): Promise<void> {
  await page.click(button);
  await page.waitForSelector(nextPage, { timeout: timeoutMs });
}

const PAY_BUTTON = 'form button[type="submit"]';

async function resultOutcome(page: Page): Promise<Outcome | undefined> {
  const icon = await page.$('.result__icon');
  const cls = (await icon?.getAttribute('class')) ?? '';
  return /result__icon--(\w+)/.exec(cls)?.[1] as Outcome | undefined;
}

/** Waits until the merchant endpoint has a verified notification with `status` for the order. */
async function notified(order: CreatedOrder, status: FinalStatus): Promise<IccNotification> {
  const notification = await waitUntil(() => (merchant.latest(order.requestId)?.status === status ? merchant.latest(order.requestId) : undefined), {
    timeoutMs: NOTIFY_WAIT_MS_MAX,
    what: `a ${status} notification for ${order.requestId}`,
    lastSeen: () => merchant.notificationsFor(order.requestId).map((n) => n.notification.status),
  });
  // At-least-once: duplicates are fine, a final state that changes is not.
  for (const { notification: n, requestIdHeader } of merchant.notificationsFor(order.requestId)) {
    expect(n.status).toBe(status);
    expect(requestIdHeader).toBe(order.requestId);
  }
  expect(notification).toMatchObject({
    merchantId: t.merchant.merchantId,
    requestId: order.requestId,
    serialNumber: order.paymentOrderId,
    orderAmount: order.variant.orderAmount,
    orderCurrency: order.variant.orderCurrency,
  });
  return notification;
}

/** Notification and query must tell the merchant the same thing. */
async function expectFinal(order: CreatedOrder, status: FinalStatus, code?: string): Promise<void> {
  const notification = await notified(order, status);
  const queried = await t.client.queryIccOrder({ requestId: order.requestId });
  expect(queried).toMatchObject({
    requestId: order.requestId,
    serialNumber: order.paymentOrderId,
    status,
    orderAmount: order.variant.orderAmount,
    orderCurrency: order.variant.orderCurrency,
  });
  expect(queried.code).toBe(code);
  expect(notification.code).toBe(code);
  expect(notification.completeDateTime).toBe(queried.completeDateTime);
}

async function expectAmountShown(page: Page, variant: OrderVariant): Promise<void> {
  expect((await page.textContent('.amount .amount__value'))?.trim()).toBe(variant.display);
  expect((await page.textContent('.amount .amount__currency'))?.trim()).toBe(variant.orderCurrency);
  expect(await page.getAttribute('html', 'lang')).toBe(variant.language === 'zh' ? 'zh-CN' : 'en');
}

function expectedFor(card: MagicCard): { outcome: 'success' | 'failed'; status: FinalStatus; code?: string } {
  switch (card.scenario.kind) {
    case 'approve':
    case 'chargeback': // approved now; the dispute arrives with the after-payment work
    case 'retrieval':
      return { outcome: 'success', status: 'SUCCESS' };
    case 'decline':
      return { outcome: 'failed', status: 'FAILED', code: card.scenario.code };
    case 'unknown':
      // The sandbox reports a late decline as do-not-honour.
      return card.scenario.resolvesTo === 'approve' ? { outcome: 'success', status: 'SUCCESS' } : { outcome: 'failed', status: 'FAILED', code: 'DO_NOT_HONOR' };
    case 'challenge':
      throw new Error('challenge cards have their own tests');
  }
}

const challengeCard = MAGIC_CARDS.find((c) => c.scenario.kind === 'challenge')!;
const approvedCard = MAGIC_CARDS.find((c) => c.scenario.kind === 'approve')!;
const declinedCard = MAGIC_CARDS.find((c) => c.scenario.kind === 'decline')!;

describe.concurrent('every magic card through the hosted cashier', () => {
  const cards = MAGIC_CARDS.filter((c) => c.scenario.kind !== 'challenge');

  it('covers every card in the sandbox table', () => {
    expect(cards.length + 1).toBe(MAGIC_CARDS.length);
    expect(new Set(MAGIC_CARDS.map((c) => c.scenario.kind))).toEqual(new Set(['approve', 'decline', 'challenge', 'unknown', 'chargeback', 'retrieval']));
  });

  cards.forEach((card, index) => {
    const variant = ORDER_VARIANTS[index % ORDER_VARIANTS.length]!;
    it(`${card.pan} (${card.brand}, ${card.description}) in ${variant.orderCurrency}/${variant.language}`, async (test) => {
      const expected = expectedFor(card);
      const order = await createOrder(variant);
      const { page, problems } = await newPayer(test);
      await openCheckout(page, order);
      await expectAmountShown(page, variant);
      const payLabel = (await page.textContent(PAY_BUTTON)) ?? '';
      expect(payLabel).toContain(`${variant.display} ${variant.orderCurrency}`);

      await fillCard(page, card);
      const orderPath = new URL(order.redirectUrl).pathname;
      const [firstResult] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === orderPath, { timeout: PAGE_WAIT_MS_MAX }),
        submit(page, PAY_BUTTON, '.result__icon'),
      ]);
      if (card.scenario.kind === 'unknown') {
        // The channel has not answered yet: the payer waits on a page that checks again by itself.
        // (Judged on the page as served: by now the live page may already have refreshed.)
        const pending = await firstResult.text();
        expect(pending).toContain('result__icon--pending');
        expect(pending).toMatch(/<meta http-equiv="refresh" content="\d+;url=\/cashier\//);
        await page.waitForSelector(`.result__icon--${expected.outcome}`, { timeout: PENDING_WAIT_MS_MAX });
      } else {
        expect(await firstResult.text()).toContain(`result__icon--${expected.outcome}`);
      }
      expect(await resultOutcome(page)).toBe(expected.outcome);
      await expectAmountShown(page, variant);
      if (expected.outcome === 'failed') expect(await page.$('.result__reason')).not.toBeNull();
      else expect(await page.$('.result__reason')).toBeNull();
      // A final page does not keep reloading.
      expect(await page.$('meta[http-equiv="refresh"]')).toBeNull();

      await expectFinal(order, expected.status, expected.code);
      expect(problems).toEqual([]);
    });
  });
});

describe('3-D Secure challenge card', () => {
  const variant = ORDER_VARIANTS[0];

  async function reachChallenge(test: TestContext, order: CreatedOrder): Promise<{ page: Page; problems: string[] }> {
    const payer = await newPayer(test);
    await openCheckout(payer.page, order);
    await fillCard(payer.page, challengeCard);
    await submit(payer.page, PAY_BUTTON, '#otp');
    await expectAmountShown(payer.page, variant);
    // A sandbox merchant's payer is told which code passes.
    expect(await payer.page.textContent('main')).toContain(SANDBOX_CHALLENGE_CODE);
    // Waiting for the payer is not final: the merchant hears nothing yet and sees INIT.
    expect((await t.client.queryIccOrder({ requestId: order.requestId })).status).toBe('INIT');
    return payer;
  }

  it(`passes with the code ${SANDBOX_CHALLENGE_CODE}`, async (test) => {
    const order = await createOrder(variant);
    const { page, problems } = await reachChallenge(test, order);
    await page.fill('#otp', SANDBOX_CHALLENGE_CODE);
    await submit(page, 'button[name="action"][value="submit"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('success');
    await expectFinal(order, 'SUCCESS');
    expect(problems).toEqual([]);
  });

  it('fails with any other code', async (test) => {
    const order = await createOrder(variant);
    const { page, problems } = await reachChallenge(test, order);
    await page.fill('#otp', '000000');
    await submit(page, 'button[name="action"][value="submit"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('failed');
    await expectFinal(order, 'FAILED', 'AUTHENTICATION_FAILED');
    expect(problems).toEqual([]);
  });

  it('is cancelled by the cancel button, even with the code box empty', async (test) => {
    const order = await createOrder(variant);
    const { page, problems } = await reachChallenge(test, order);
    await submit(page, 'button[name="action"][value="cancel"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('cancelled');
    await expectFinal(order, 'CANCEL');
    expect(problems).toEqual([]);
  });

  it('asks again, without deciding the order, when the code is malformed', async (test) => {
    const order = await createOrder(variant);
    const { page } = await reachChallenge(test, order);
    await page.fill('#otp', '12');
    await submit(page, 'button[name="action"][value="submit"]', '#otp-error');
    expect(await page.getAttribute('#otp', 'aria-invalid')).toBe('true');
    expect((await t.client.queryIccOrder({ requestId: order.requestId })).status).toBe('INIT');
    await page.fill('#otp', SANDBOX_CHALLENGE_CODE);
    await submit(page, 'button[name="action"][value="submit"]', '.result__icon');
    expect(await resultOutcome(page)).toBe('success');
    await expectFinal(order, 'SUCCESS');
  });
});

describe('hosted cashier behaviour', () => {
  it('links back to callbackUrl with merchantId and requestId appended', async (test) => {
    const order = await createOrder(ORDER_VARIANTS[0]);
    const { page } = await newPayer(test);
    await openCheckout(page, order);
    await fillCard(page, approvedCard);
    await submit(page, PAY_BUTTON, '.result__icon--success');

    const link = page.locator(`a[href^="${new URL(merchant.callbackUrl).origin}/return"]`);
    expect(await link.count()).toBe(1);
    const href = new URL((await link.getAttribute('href'))!);
    expect(href.origin + href.pathname).toBe(`${new URL(merchant.callbackUrl).origin}/return`);
    expect(Object.fromEntries(href.searchParams)).toEqual({ shop: 'demo', merchantId: t.merchant.merchantId, requestId: order.requestId });

    await link.click();
    await page.waitForSelector('#merchant-return', { timeout: PAGE_WAIT_MS_MAX });
    const landed = new URL(page.url());
    expect(landed.searchParams.get('merchantId')).toBe(t.merchant.merchantId);
    expect(landed.searchParams.get('requestId')).toBe(order.requestId);
    expect(merchant.returns.some((u) => u.searchParams.get('requestId') === order.requestId)).toBe(true);
    await expectFinal(order, 'SUCCESS');
  });

  it('never takes a second payment for a paid order', async (test) => {
    const order = await createOrder(ORDER_VARIANTS[1]);
    const { context, page } = await newPayer(test);
    // A second tab with the same checkout open, as a payer who lost track of tabs would have.
    const staleTab = await context.newPage();
    await openCheckout(staleTab, order);
    await openCheckout(page, order);
    const formAction = new URL((await page.getAttribute('form', 'action'))!, order.redirectUrl).toString();
    const csrf = (await page.getAttribute('input[name="_csrf"]', 'value'))!;
    await fillCard(page, approvedCard);
    await submit(page, PAY_BUTTON, '.result__icon--success');
    const paid = await t.client.queryIccOrder({ requestId: order.requestId });
    expect(paid.status).toBe('SUCCESS');

    // Re-opening the link shows the result, with no form to pay with.
    await page.goto(order.redirectUrl);
    expect(await resultOutcome(page)).toBe('success');
    expect(await page.$('form #number')).toBeNull();

    // The stale tab submits another card: it lands on the same result.
    await fillCard(staleTab, declinedCard);
    await submit(staleTab, PAY_BUTTON, '.result__icon');
    expect(await resultOutcome(staleTab)).toBe('success');

    // Re-posting the form directly (valid session and token) is redirected, not processed.
    const repost = await context.request.post(formAction, {
      form: { _csrf: csrf, holder: 'TEST PAYER', number: declinedCard.pan, expiryMonth: futureExpiry().month, expiryYear: futureExpiry().year, cvv: '123' },
      maxRedirects: 0,
    });
    expect(repost.status()).toBe(303);
    expect(new URL(repost.headers()['location']!, order.redirectUrl).pathname).toBe(new URL(order.redirectUrl).pathname);

    await expectFinal(order, 'SUCCESS');
    const after = await t.client.queryIccOrder({ requestId: order.requestId });
    expect(after).toMatchObject({ status: 'SUCCESS', clearingOrg: paid.clearingOrg, realBankSerialNumber: paid.realBankSerialNumber, completeDateTime: paid.completeDateTime });
  });

  it('shows a field error for a number that fails the Luhn check, and changes nothing', async (test) => {
    const order = await createOrder(ORDER_VARIANTS[0]);
    const { page, problems } = await newPayer(test);
    await openCheckout(page, order);
    await fillCard(page, { pan: '4242424242424241', brand: 'Visa' }, 'LUHN TYPO');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/pay')),
      submit(page, PAY_BUTTON, '#number-error'),
    ]);
    expect(response.status()).toBe(422);
    expect(await page.getAttribute('#number', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#number', 'aria-describedby')).toContain('number-error');
    expect(await page.$('.error-summary a[href="#number"]')).not.toBeNull();
    // Card number and CVV are never written back into the page; the name is.
    expect(await page.inputValue('#number')).toBe('');
    expect(await page.inputValue('#cvv')).toBe('');
    expect(await page.inputValue('#holder')).toBe('LUHN TYPO');
    expect(await page.content()).not.toContain('4242424242424241');
    expect(await page.$('#holder-error')).toBeNull();
    expect(await page.$('#cvv-error')).toBeNull();

    const queried = await t.client.queryIccOrder({ requestId: order.requestId });
    expect(queried.status).toBe('INIT');
    expect(queried.clearingOrg).toBeUndefined();
    expect(merchant.latest(order.requestId)).toBeUndefined();

    // The re-rendered form still works: the payer corrects the number and pays.
    await fillCard(page, approvedCard);
    await submit(page, PAY_BUTTON, '.result__icon--success');
    await expectFinal(order, 'SUCCESS');
    expect(problems).toEqual([]);
  });

  it("serves every page under a Content-Security-Policy without 'unsafe-inline', and the stylesheet still applies", async (test) => {
    const order = await createOrder(ORDER_VARIANTS[0]);
    const { page, problems } = await newPayer(test);
    const policies: string[] = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'document') policies.push(r.headers()['content-security-policy'] ?? '');
    });
    const checkout = await openCheckout(page, order);
    const csp = checkout.headers()['content-security-policy'];
    expect(csp).toBeDefined();
    const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.has('script-src')).toBe(false); // falls back to default-src 'none'
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');

    // The CSS arrived and applied: the pay button is styled, not a grey system button.
    const background = await page.evaluate<string>(`getComputedStyle(document.querySelector('${PAY_BUTTON}')).backgroundColor`);
    expect(background).not.toBe('rgba(0, 0, 0, 0)');
    expect(background).not.toBe('rgb(239, 239, 239)');

    await fillCard(page, challengeCard);
    await submit(page, PAY_BUTTON, '#otp');
    await page.fill('#otp', SANDBOX_CHALLENGE_CODE);
    await submit(page, 'button[name="action"][value="submit"]', '.result__icon--success');
    expect(policies.length).toBeGreaterThanOrEqual(3); // checkout, challenge, result
    for (const policy of policies) {
      expect(policy).toContain("default-src 'none'");
      expect(policy).not.toContain('unsafe-inline');
    }
    // A CSP violation (inline style or script the policy blocks) is reported on the console.
    expect(problems).toEqual([]);
    await expectFinal(order, 'SUCCESS');
  });

  it('shows a merchant remark containing markup as text', async (test) => {
    const remark = `<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b>bold</b> & "quotes" 'too'`;
    const order = await createOrder(ORDER_VARIANTS[2], { remark });
    const { page, problems } = await newPayer(test);
    const checkout = await openCheckout(page, order);
    const body = await checkout.text();
    expect(body).not.toContain('<script>window.__pwned');
    expect(body).toContain('&lt;script&gt;');

    const shown = await page.$$eval('.details dd', (cells) => cells.map((c) => c.textContent));
    expect(shown).toContain(remark);
    expect(await page.$$('script')).toHaveLength(0);
    expect(await page.$$('main img, main b')).toHaveLength(0);
    expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
    expect(problems).toEqual([]);

    await fillCard(page, approvedCard);
    await submit(page, PAY_BUTTON, '.result__icon--success');
    // The remark goes back to the merchant untouched.
    const notification = await notified(order, 'SUCCESS');
    expect(notification.remark).toBe(remark);
  });

  it('shows the expired page for an order past its time, and notifies CANCEL', async (test) => {
    const order = await createOrder(ORDER_VARIANTS[1], { timeout: '1' });
    const { context, page, problems } = await newPayer(test);
    // The payer opened the checkout before the deadline and submits after it.
    const lateTab = await context.newPage();
    await openCheckout(lateTab, order);
    const expired = await t.client.call('sandbox/expire', { requestId: order.requestId });
    expect(expired).toMatchObject({ requestId: order.requestId, status: 'CANCEL' });

    await page.goto(order.redirectUrl);
    await page.waitForSelector('.result__icon', { timeout: PAGE_WAIT_MS_MAX });
    // Soft, so that one wrong page does not hide whether the rest (late submit, notification) holds.
    expect.soft(await resultOutcome(page)).toBe('expired');
    expect(await page.$('form #number')).toBeNull();

    await fillCard(lateTab, approvedCard);
    await submit(lateTab, PAY_BUTTON, '.result__icon');
    expect.soft(await resultOutcome(lateTab)).toBe('expired');

    await expectFinal(order, 'CANCEL');
    expect(problems).toEqual([]);
  });

  it('lays out on a phone and on a desktop (screenshots for review)', async (test) => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const order = await createOrder(ORDER_VARIANTS[0], {
      remark: 'Gift wrap, please',
      productDetails: [
        { name: 'Merino wool travel blanket, charcoal grey', quantity: '1', amount: '9000' },
        { name: 'Shipping', quantity: '1', amount: '3345' },
      ],
    });
    for (const [name, viewport] of [['phone', PHONE_VIEWPORT], ['desktop', DESKTOP_VIEWPORT]] as const) {
      const { page, problems } = await newPayer(test, viewport);
      await openCheckout(page, order);
      await expectNoHorizontalScroll(page, viewport.width);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `checkout-${name}.png`), fullPage: true });
      expect(problems).toEqual([]);
    }
    const { page } = await newPayer(test);
    await openCheckout(page, order);
    await fillCard(page, approvedCard);
    await submit(page, PAY_BUTTON, '.result__icon--success');
    for (const [name, viewport] of [['phone', PHONE_VIEWPORT], ['desktop', DESKTOP_VIEWPORT]] as const) {
      const { page } = await newPayer(test, viewport);
      await page.goto(order.redirectUrl);
      await page.waitForSelector('.result__icon--success', { timeout: PAGE_WAIT_MS_MAX });
      await expectNoHorizontalScroll(page, viewport.width);
      await page.screenshot({ path: join(SCREENSHOT_DIR, `result-${name}.png`), fullPage: true });
    }
    await expectFinal(order, 'SUCCESS');
  });
});

describe('merchant endpoint', () => {
  it('refused no notification: every one decrypted and verified', () => {
    expect(merchant.rejected).toEqual([]);
    expect(merchant.all().length).toBeGreaterThan(0);
  });
});

async function expectNoHorizontalScroll(page: Page, width: number): Promise<void> {
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  expect(scrollWidth).toBeLessThanOrEqual(width);
}
