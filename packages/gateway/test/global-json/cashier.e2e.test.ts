/**
 * The flat-JSON dialect end to end through the hosted cashier: the merchant
 * creates an order with the SDK, headless Chromium opens `pay_info` and pays,
 * and the merchant's seed-only server receives a notification whose sign it
 * verifies; the result page leads back to `callback_url`.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.js';
import { waitUntil } from '../e2e/wait-until.js';
import { startTestGateway, type TestGateway } from '../harness.js';
import { startSeedMerchant, type SeedMerchant } from './seed-merchant.js';
import { creditRequest, globalClient } from './support.js';

const PAGE_WAIT_MS_MAX = 10_000;
const NOTIFY_WAIT_MS_MAX = 15_000;

describe('flat-JSON orders in the hosted cashier', () => {
  let t: TestGateway;
  let shop: SeedMerchant;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestGateway();
    shop = await startSeedMerchant(() => t.merchant.globalJson!.secret);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await t?.close();
  });

  it.each([
    ['4242424242424242', 'success', 'success'],
    ['4000000000009995', 'failed', 'fail'],
  ] as const)('card %s: the payer sees %s, the merchant is notified %s', async (pan, outcome, status) => {
    const request = creditRequest(shop, { amount: '12.50', currency: 'EUR' });
    const created = await globalClient(t).payCredit(request);
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await context.newPage();
      const response = await page.goto(created.pay_info);
      expect(response?.status()).toBe(200);
      await page.waitForSelector('form #number', { timeout: PAGE_WAIT_MS_MAX });
      expect(await page.textContent('body')).toContain('12.50');
      await page.fill('#holder', 'JEAK MUSK');
      await page.fill('#number', pan);
      await page.fill('#expiryMonth', '12');
      await page.fill('#expiryYear', String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0'));
      await page.fill('#cvv', '123');
      await page.click('form button[type="submit"]');
      await page.waitForSelector(`.result__icon--${outcome}`, { timeout: PAGE_WAIT_MS_MAX });

      const notification = await waitUntil(() => shop.for(request.mch_order_no)[0], { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the notification' });
      expect(notification.signValid).toBe(true);
      expect(notification.fields).toMatchObject({ status, amount: '12.50', order_id: created.order_id, mch_order_no: request.mch_order_no });
      expect((await globalClient(t).query({ order_id: created.order_id })).status).toBe(status);

      // The result page links back to the merchant's callback_url as given.
      const back = await page.getAttribute('a[href^="http://127.0.0.1"]', 'href');
      expect(back).toBe(request.callback_url);
    } finally {
      await context.close();
    }
  });
});
