import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../harness.js';

/** The first command alone is enough: the built-in demo shop, paid in a real browser. */
describe('built-in demo shop', () => {
  let t: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestGateway();
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates an order, pays it on the cashier, and shows the notified result', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.baseUrl}/demo`);
    // Showing the shop creates nothing; its form does.
    expect(page.url()).toBe(`${t.baseUrl}/demo`);
    await Promise.all([page.waitForURL(/\/cashier\//), page.click('button[type="submit"]')]);
    expect(await page.textContent('body')).toContain('19.90');
    await page.fill('#holder', 'Demo Payer');
    await page.fill('#number', '4242 4242 4242 4242');
    await page.fill('#expiryMonth', '12');
    await page.fill('#expiryYear', String((new Date().getUTCFullYear() + 2) % 100));
    await page.fill('#cvv', '123');
    await Promise.all([page.waitForURL(/\/cashier\//), page.click('button[type="submit"]')]);
    await Promise.all([page.waitForURL(/\/demo\/return/), page.click('a.button--primary')]);
    let text = '';
    for (let i = 0; i < 50 && !text.includes('received, signed, status SUCCESS'); i++) {
      await page.reload();
      text = (await page.textContent('main')) ?? '';
      if (!text.includes('received')) await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toContain('Status (icc/query)SUCCESS');
    expect(text).toContain('received, signed, status SUCCESS');
    if (process.env.OPENCASHIER_SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.OPENCASHIER_SCREENSHOT_DIR}/demo-return.png` });
    await page.close();
  });
});
