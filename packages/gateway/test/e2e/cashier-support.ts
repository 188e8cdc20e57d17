/**
 * The hosted cashier end to end, as a payer and a merchant meet it: the SDK
 * creates an order, headless Chromium opens the redirect URL and pays with
 * every sandbox magic card, and the merchant's own HTTP endpoint must receive
 * a notification that verifies and agrees with `icc/query`.
 *
 * Shared by the cashier's browser suites: importing this module starts, for
 * the importing file, a gateway, a merchant endpoint and one browser.
 *
 * One browser per file (launching Chromium is the slow part); every test gets
 * a fresh browser context, so cookies and CSRF nonces never leak between
 * tests. Every wait is bounded; no assertion is about elapsed time.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, expect, type TestContext } from 'vitest';
import type { IccNotification, IccOrderRequest } from '@opencashier/sdk';
import { MAGIC_CARDS, type MagicCard } from '../../src/channels/sandbox-card/magic-cards.js';
import { startTestGateway, type TestGateway } from '../harness.js';
import { startMerchantEndpoint, type MerchantEndpoint } from './merchant-endpoint.js';
import { waitUntil } from './wait-until.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';

export { CHROMIUM_ARGS, CHROMIUM_PATH };

/** Notifications go out on the dispatcher's next poll (100 ms in the harness); 15 s absorbs a loaded CI machine. */
export const NOTIFY_WAIT_MS_MAX = 15_000;
/**
 * How long the sandbox keeps an outcome unknown: long enough that the page
 * after the card submit is always the pending one, even on a loaded machine.
 */
export const UNKNOWN_RESOLVE_DELAY_MS = 2_000;
/**
 * An unknown outcome is resolved by a sweep every 5 s once the delay above
 * has passed, and the pending page checks again every 5 s, so a result
 * shows within ~12 s; 30 s is slack.
 */
export const PENDING_WAIT_MS_MAX = 30_000;
/** Any page that does not wait on background work. */
export const PAGE_WAIT_MS_MAX = 10_000;
/** An iPhone-sized viewport: the width most payers see the cashier at. */
export const PHONE_VIEWPORT = { width: 390, height: 844 };
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };
export const SCREENSHOT_DIR = process.env.OPENCASHIER_E2E_SCREENSHOT_DIR ?? join(tmpdir(), 'opencashier-e2e-screenshots');

export type FinalStatus = 'SUCCESS' | 'FAILED' | 'CANCEL';
export type Outcome = 'success' | 'failed' | 'cancelled' | 'expired' | 'pending';

/** Orders are spread over currencies with 2 and 0 decimals and both cashier languages. */
export const ORDER_VARIANTS = [
  { orderCurrency: 'USD', orderAmount: '12345', language: 'en', display: '123.45' },
  { orderCurrency: 'JPY', orderAmount: '1500', language: 'zh', display: '1500' },
  { orderCurrency: 'EUR', orderAmount: '999', language: 'zh', display: '9.99' },
  { orderCurrency: 'JPY', orderAmount: '98000', language: 'en', display: '98000' },
  { orderCurrency: 'EUR', orderAmount: '100005', language: 'en', display: '1000.05' },
] as const;
export type OrderVariant = (typeof ORDER_VARIANTS)[number];

export let t: TestGateway;
export let merchant: MerchantEndpoint;
export let browser: Browser;
export let requestSeq = 0;

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
export async function newPayer(test: Pick<TestContext, 'onTestFinished'>, viewport = DESKTOP_VIEWPORT): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
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

export interface CreatedOrder {
  requestId: string;
  paymentOrderId: string;
  redirectUrl: string;
  request: IccOrderRequest;
  variant: OrderVariant;
}

export async function createOrder(variant: OrderVariant, extra: Partial<IccOrderRequest> = {}): Promise<CreatedOrder> {
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

export async function openCheckout(page: Page, order: CreatedOrder): Promise<Response> {
  const response = await page.goto(order.redirectUrl);
  expect(response?.status()).toBe(200);
  await page.waitForSelector('form #number', { timeout: PAGE_WAIT_MS_MAX });
  return response!;
}

export function cvvFor(card: Pick<MagicCard, 'brand'>): string {
  return card.brand === 'American Express' ? '1234' : '123';
}

/** A future expiry, as the form's MM / YY placeholders ask for it. */
export function futureExpiry(): { month: string; year: string } {
  return { month: '12', year: String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0') };
}

export async function fillCard(page: Page, card: { pan: string; brand: string }, holder = 'TEST PAYER'): Promise<void> {
  const expiry = futureExpiry();
  await page.fill('#holder', holder);
  await page.fill('#number', card.pan);
  await page.fill('#expiryMonth', expiry.month);
  await page.fill('#expiryYear', expiry.year);
  await page.fill('#cvv', cvvFor(card));
}

/** Clicks a submit button and waits for a selector only the next page has (the old page cannot satisfy it). */
export async function submit(page: Page, button: string, nextPage: string, timeoutMs = PAGE_WAIT_MS_MAX): Promise<void> {
  await page.click(button);
  await page.waitForSelector(nextPage, { timeout: timeoutMs });
}

export const PAY_BUTTON = 'form button[type="submit"]';

export async function resultOutcome(page: Page): Promise<Outcome | undefined> {
  const icon = await page.$('.result__icon');
  const cls = (await icon?.getAttribute('class')) ?? '';
  return /result__icon--(\w+)/.exec(cls)?.[1] as Outcome | undefined;
}

/** Waits until the merchant endpoint has a verified notification with `status` for the order. */
export async function notified(order: CreatedOrder, status: FinalStatus): Promise<IccNotification> {
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
export async function expectFinal(order: CreatedOrder, status: FinalStatus, code?: string): Promise<void> {
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

export async function expectAmountShown(page: Page, variant: OrderVariant): Promise<void> {
  expect((await page.textContent('.amount .amount__value'))?.trim()).toBe(variant.display);
  expect((await page.textContent('.amount .amount__currency'))?.trim()).toBe(variant.orderCurrency);
  expect(await page.getAttribute('html', 'lang')).toBe(variant.language === 'zh' ? 'zh-CN' : 'en');
}

export function expectedFor(card: MagicCard): { outcome: 'success' | 'failed'; status: FinalStatus; code?: string } {
  switch (card.scenario.kind) {
    case 'approve':
    case 'chargeback': // approved now; the dispute arrives with the after-payment work
    case 'retrieval':
    case 'refund-fails':
    case 'refund-pending':
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

export const challengeCard = MAGIC_CARDS.find((c) => c.scenario.kind === 'challenge')!;
export const approvedCard = MAGIC_CARDS.find((c) => c.scenario.kind === 'approve')!;
export const declinedCard = MAGIC_CARDS.find((c) => c.scenario.kind === 'decline')!;
