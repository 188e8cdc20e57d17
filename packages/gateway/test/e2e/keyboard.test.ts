/**
 * Keyboard only, as a payer or merchant without a mouse meets the pages:
 * pay a card order in the hosted cashier and log into the portal with Tab,
 * typing and Enter. Every stop of the focus must show a ring at least 2 px
 * wide with 3:1 contrast against what it is drawn on; a refused card form
 * puts focus on its error summary and says so in the title. Every wait is
 * bounded; no assertion is about elapsed time.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, watchPageProblems } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { contrastRatio, focusRing } from './accessibility-support.js';

const PAGE_WAIT_MS_MAX = 15_000;
/** More Tab presses than any page has stops before its form: a missing field fails instead of looping. */
const TAB_STOPS_MAX = 40;
const FOCUS_CONTRAST_MIN = 3;

describe('keyboard only', () => {
  let t: TestGateway;
  let browser: Browser;
  const email = 'keyboard-admin@example.test';

  beforeAll(async () => {
    t = await startTestGateway({}, { background: false });
    await t.gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role: 'admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Presses Tab until the element with `id` has focus, checking the ring at every stop on the way. */
  async function tabTo(page: Page, id: string, rings: string[]): Promise<void> {
    for (let i = 0; i < TAB_STOPS_MAX; i += 1) {
      await page.keyboard.press('Tab');
      const ring = await focusRing(page);
      const ratio = contrastRatio(ring.color, ring.background);
      if (ring.style === 'none' || ring.widthPx < 2 || ratio < FOCUS_CONTRAST_MIN) rings.push(`${ring.id}: ${ring.widthPx}px ${ring.style} ${ring.color} on ${ring.background} (${ratio.toFixed(2)}:1)`);
      if (ring.id === id) return;
    }
    throw new Error(`Tab never reached #${id}`);
  }

  async function cardOrder(requestId: string): Promise<string> {
    const created = await t.client.createIccOrder({ requestId, orderAmount: '2500', orderCurrency: 'USD', language: 'en', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    return created.redirectUrl!;
  }

  async function typeCard(page: Page, number: string, rings: string[]): Promise<void> {
    await tabTo(page, 'holder', rings);
    await page.keyboard.type('KEY BOARD');
    await tabTo(page, 'number', rings);
    await page.keyboard.type(number);
    await tabTo(page, 'expiryMonth', rings);
    await page.keyboard.type('12');
    await tabTo(page, 'expiryYear', rings);
    await page.keyboard.type(String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0'));
    await tabTo(page, 'cvv', rings);
    await page.keyboard.type('123');
  }

  it.each([
    ['desktop', { width: 1280, height: 800 }],
    ['phone', { width: 390, height: 844 }],
  ] as const)('pays a card order in the cashier (%s)', async (_name, viewport) => {
    const context = await browser.newContext({ viewport, locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    const rings: string[] = [];
    const requestId = `keyboard-pay-${viewport.width}`;
    await page.goto(await cardOrder(requestId));

    // First a number that fails its check digit: focus goes to the summary of what is wrong.
    await typeCard(page, '4242424242424241', rings);
    await Promise.all([page.waitForNavigation({ timeout: PAGE_WAIT_MS_MAX }), page.keyboard.press('Enter')]);
    await page.waitForSelector('.error-summary', { timeout: PAGE_WAIT_MS_MAX });
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.evaluate('document.activeElement && document.activeElement.className')).toBe('error-summary');
    const summaryRing = await focusRing(page);
    expect(summaryRing.widthPx).toBeGreaterThanOrEqual(2);
    expect(contrastRatio(summaryRing.color, summaryRing.background)).toBeGreaterThanOrEqual(FOCUS_CONTRAST_MIN);

    // The summary links to the field; the payer corrects the number and pays with Enter.
    await tabTo(page, 'number', rings);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('4242424242424242');
    await tabTo(page, 'cvv', rings);
    await page.keyboard.type('123');
    await Promise.all([page.waitForNavigation({ timeout: PAGE_WAIT_MS_MAX }), page.keyboard.press('Enter')]);
    await page.waitForSelector('.result__icon--success', { timeout: PAGE_WAIT_MS_MAX });
    expect((await t.client.queryIccOrder({ requestId })).status).toBe('SUCCESS');
    expect(rings).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it.each([
    ['en-US', 'Today'],
    ['zh-CN', '今日'],
  ] as const)('logs into the portal (%s)', async (locale, heading) => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale });
    const page = await context.newPage();
    const problems = watchPageProblems(page);
    const rings: string[] = [];
    await page.goto(`${t.baseUrl}/portal/`);
    await page.waitForSelector('#email', { timeout: PAGE_WAIT_MS_MAX });
    await tabTo(page, 'email', rings);
    await page.keyboard.type(email);
    await tabTo(page, 'password', rings);
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: heading }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    // Onward by keyboard too: the first menu entry takes focus with a visible ring.
    await tabTo(page, 'a', rings);
    expect(rings).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
