/**
 * The form gateway end to end, as a 快钱 shop and its payer meet it: the
 * shop's checkout page is GBK (bytes by iconv) and its form posts in GBK;
 * headless Chromium submits it, pays in the hosted cashier, and follows the
 * result page's link back, which goes where the shop's bgUrl answer said.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.js';
import { waitUntil } from '../e2e/wait-until.js';
import { startTestGateway, type TestGateway } from '../harness.js';
import { startSeedShop, type SeedShop } from './seed-shop.js';
import { orderForm, signMd5 } from './support.js';

const PAGE_WAIT_MS_MAX = 10_000;
const NOTIFY_WAIT_MS_MAX = 15_000;

function escapeAttr(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

describe('form gateway orders from a GBK shop page through the hosted cashier', () => {
  let t: TestGateway;
  let shop: SeedShop;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestGateway();
    const gatewayPublicKey = new X509Certificate(readFileSync(t.merchant.gatewayCertPath)).publicKey;
    shop = await startSeedShop({ md5Key: () => t.merchant.formGateway!.md5Key, gatewayPublicKey });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await t?.close();
  });

  it('pays and returns to the redirecturl of the shop’s answer', async () => {
    const { merchantAcctId, md5Key } = t.merchant.formGateway!;
    const form = signMd5(orderForm(shop, merchantAcctId, { inputCharset: '2', productName: '测试商品', payerName: '李四', orderAmount: '1990' }), md5Key);
    const inputs = Object.entries(form).map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeAttr(v)}">`).join('');
    const pageText = `<!doctype html><html><head><meta charset="gbk"><title>结账</title></head><body><form method="post" action="${t.baseUrl}/form-gateway/pay">${inputs}<button id="pay" type="submit">去支付</button></form></body></html>`;
    shop.pages.set('/checkout', { contentType: 'text/html; charset=GBK', body: execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(pageText, 'utf8') }) });

    const context = await browser.newContext({ locale: 'zh-CN' });
    try {
      const page = await context.newPage();
      await page.goto(`${shop.origin}/checkout`);
      await page.click('#pay');
      await page.waitForSelector('form #number', { timeout: PAGE_WAIT_MS_MAX });
      const text = await page.textContent('body');
      expect(text).toContain('19.90');
      expect(text).toContain('测试商品');
      await page.fill('#holder', 'LI SI');
      await page.fill('#number', '4242424242424242');
      await page.fill('#expiryMonth', '12');
      await page.fill('#expiryYear', String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0'));
      await page.fill('#cvv', '123');
      await page.click('form button[type="submit"]');
      await page.waitForSelector('.result__icon--success', { timeout: PAGE_WAIT_MS_MAX });

      const result = await waitUntil(() => shop.notifications.find((n) => n.fields.orderId === form.orderId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the bgUrl result' });
      expect(result.signValid).toBe(true);
      expect(result.fields).toMatchObject({ payResult: '10', orderAmount: '1990', payAmount: '1990' });
      const order = await t.gateway.orders.findByRequest(t.merchant.merchantId, form.orderId!);
      await waitUntil(async () => ((await t.gateway.notifications.forOrder(order!.orderId))[0]?.state === 'delivered' ? true : undefined), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'delivered' });

      await page.click(`a[href*="/form-gateway/return/"]`);
      await page.waitForSelector('#shop', { timeout: PAGE_WAIT_MS_MAX });
      expect(new URL(page.url()).pathname).toBe('/thanks');
      expect(shop.thanks).toContain(form.orderId);
    } finally {
      await context.close();
    }
  });
});
