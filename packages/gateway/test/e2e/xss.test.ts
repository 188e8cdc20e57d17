/**
 * Markup in data never runs: every payload of the corpus, put in product
 * names and descriptions, remarks, payer names, the card holder field, batch
 * refund rows and the batch file's name, is rendered in headless Chromium on
 * the cashier and in the back office. A hook counts executions, dialogs and
 * inline code the CSP had to block (which would mean escaping failed); the
 * DOM is searched for handlers and javascript: URLs that came from data.
 * Also: CSP without 'unsafe-inline' on both, and Subresource Integrity that
 * matches the files the back office actually serves.
 */
import { createHash } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { INJECTED_MARKUP, XSS_HOOK, XSS_PAYLOADS } from './xss-corpus.js';

const PAGE_WAIT_MS_MAX = 10_000;
const ANY = 'http://127.0.0.1:9999';

interface Seen {
  page: string;
  hits: string[];
  injected: string[];
}

describe('markup in data never runs in the cashier or the back office', () => {
  let t: TestGateway;
  let browser: Browser;
  const email = 'xss-admin@example.test';
  const orders: { requestId: string; orderId: string; redirectUrl: string; payload: string; paid: boolean }[] = [];
  /** Every page rendered with payloads on it, and what it showed. */
  const seen: Seen[] = [];

  beforeAll(async () => {
    t = await startTestGateway({}, { background: false });
    await t.gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role: 'admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      // The merchant's own order number is free text too, and the back office shows it everywhere.
      // (Printable ASCII only: the SDK also sends it in a header.)
      const requestId = `${i}${payload}`.slice(0, 64).replace(/[^\x20-\x7e]/g, '_');
      const created = await t.client.createIccOrder({
        requestId,
        orderAmount: '1000',
        orderCurrency: 'USD',
        notifyUrl: `${ANY}/n`,
        callbackUrl: `${ANY}/r`,
        remark: payload,
        productDetails: [{ name: payload, quantity: '1', amount: '1000', description: payload }],
        payer: { name: payload },
      });
      // Every other order paid: the back office shows card and refund parts for those.
      const paid = i % 2 === 0;
      if (paid) await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId, cardNumber: '4242424242424242' });
      orders.push({ requestId, orderId: created.paymentOrderId!, redirectUrl: created.redirectUrl!, payload, paid });
    }
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await context.addInitScript(XSS_HOOK);
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      if (/xss/i.test(dialog.message())) seen.push({ page: page.url(), hits: [`dialog:${dialog.message()}`], injected: [] });
      void dialog.accept();
    });
    return page;
  }

  /** What the page ran and holds now; focus and pointer are moved over every element, so handlers that need them get their chance. */
  async function inspect(page: Page, name: string): Promise<void> {
    await page.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement>('body *')) {
        el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
        el.focus?.();
      }
    });
    const hits = await page.evaluate(() => (window as unknown as { __xssHits: string[] }).__xssHits ?? []);
    const injected = await page.evaluate<string[]>(INJECTED_MARKUP);
    seen.push({ page: name, hits, injected });
  }

  it('detects the corpus when it is rendered unescaped (the detector works)', async () => {
    const page = await newPage();
    let caught = 0;
    for (const payload of XSS_PAYLOADS) {
      // A fresh page for each: hits must not carry over from the previous payload.
      await page.goto('about:blank');
      await page.evaluate(XSS_HOOK);
      await page.setContent(`<!doctype html><title>t</title><body><p>${payload}</p></body>`);
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 20)));
      const before = seen.length;
      await inspect(page, 'control');
      const s = seen.splice(before)[0]!;
      if (s.hits.length > 0 || s.injected.length > 0) caught += 1;
    }
    await page.context().close();
    // 21 of 30 run or leave a handler when unescaped; the rest are text even then (look-alikes, escapes, templates) or need a click.
    expect(caught).toBeGreaterThanOrEqual(20);
  });

  it('serves the cashier and the back office under a CSP without unsafe-inline; back-office scripts carry integrity that matches what is served', async () => {
    const cashier = await fetch(orders[1]!.redirectUrl);
    const cashierCsp = cashier.headers.get('content-security-policy') ?? '';
    expect(cashierCsp).toContain("default-src 'none'");
    expect(cashierCsp).not.toContain('unsafe-inline');
    expect(cashierCsp).not.toContain('unsafe-eval');
    // The cashier runs no script at all: script-src falls back to default-src 'none'.
    expect(cashierCsp).not.toContain('script-src');
    expect(await cashier.text()).not.toMatch(/<script/i);

    const portal = await fetch(`${t.baseUrl}/portal/`);
    const portalCsp = portal.headers.get('content-security-policy') ?? '';
    expect(portalCsp).toContain("script-src 'self'");
    expect(portalCsp).not.toContain('unsafe-inline');
    expect(portalCsp).not.toContain('unsafe-eval');
    const html = await portal.text();
    const tags = [...html.matchAll(/<(script|link)\b[^>]*>/g)].map((m) => m[0]).filter((tag) => /<script|rel="(stylesheet|modulepreload)"/.test(tag));
    expect(tags.length).toBeGreaterThanOrEqual(2);
    for (const tag of tags) {
      const url = /(?:src|href)="([^"]+)"/.exec(tag)?.[1];
      const integrity = /integrity="(sha384-[^"]+)"/.exec(tag)?.[1];
      expect(integrity, tag).toBeDefined();
      const served = Buffer.from(await (await fetch(new URL(url!, t.baseUrl))).arrayBuffer());
      expect(`sha384-${createHash('sha384').update(served).digest('base64')}`, tag).toBe(integrity);
    }
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('cashier: no payload runs from products, remark, payer name or the holder field', async () => {
    const page = await newPage();
    let holdersEchoed = 0;
    for (const order of orders) {
      await page.goto(order.redirectUrl);
      await inspect(page, `cashier ${order.requestId}`);
      if (order.paid) continue;
      // A refused card form is shown again with what the payer typed: the holder goes back into an attribute.
      await page.fill('#holder', order.payload);
      await page.fill('#number', '4000');
      await page.fill('#cvv', '12');
      await Promise.all([page.waitForLoadState('domcontentloaded', { timeout: PAGE_WAIT_MS_MAX }), page.click('form button[type="submit"]')]);
      await page.waitForSelector('#holder', { timeout: PAGE_WAIT_MS_MAX });
      await inspect(page, `cashier form again ${order.requestId}`);
      if ((await page.inputValue('#holder')) === order.payload) holdersEchoed += 1;
    }
    await page.context().close();
    const cashierPages = seen.filter((s) => s.page.startsWith('cashier'));
    expect(cashierPages.length).toBe(orders.length + orders.filter((o) => !o.paid).length);
    expect(cashierPages.filter((s) => s.hits.length > 0 || s.injected.length > 0)).toEqual([]);
    // The breakouts were really put back into the value attribute (not dropped before rendering).
    expect(holdersEchoed).toBeGreaterThan(orders.filter((o) => !o.paid).length / 2);
  });

  it('back office: no payload runs on the order list, any order page, the audit log or batch refund results and file names', async () => {
    const page = await newPage();
    await page.goto(`${t.baseUrl}/portal/`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal dashboard');

    await page.goto(`${t.baseUrl}/portal/orders`);
    await page.locator('tr[data-request-id]').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal orders');
    for (const order of orders) {
      await page.goto(`${t.baseUrl}/portal/orders/${order.orderId}`);
      await page.getByText(order.orderId, { exact: true }).first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
      await inspect(page, `portal order ${order.requestId}`);
    }
    // A refund with a payload remark, through the page's own form.
    const paid = orders.find((o) => o.paid)!;
    await page.goto(`${t.baseUrl}/portal/orders/${paid.orderId}`);
    await page.locator('#refund-remark').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.fill('#refund-amount', '1');
    await page.fill('#refund-remark', XSS_PAYLOADS[1]!);
    await page.locator('#refund-remark').press('Enter');
    await page.getByTestId('refund-result').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal refund form');
    expect((await t.gateway.refunds.forOrder(paid.orderId)).length).toBe(1);

    // Batch refunds: rows whose requestIds and remarks are payloads, in a file named after one.
    const paidOrders = orders.filter((o) => o.paid);
    const cell = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const csv = ['serialNumber,requestId,amountMinor,remark', ...XSS_PAYLOADS.map((p, i) => [paidOrders[i % paidOrders.length]!.orderId, p.slice(0, 64), '1', p].map(cell).join(','))].join('\n');
    for (const payload of [XSS_PAYLOADS[4]!, XSS_PAYLOADS[5]!]) {
      await page.goto(`${t.baseUrl}/portal/refunds/batch`);
      await page.locator('#batch-file').setInputFiles({ name: `${payload.replaceAll('/', '_')}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.locator('form.inline-form button[type="submit"]').click();
      await page.locator('table').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
      await inspect(page, `portal batch ${payload.slice(0, 20)}`);
    }
    await page.goto(`${t.baseUrl}/portal/audit`);
    await page.locator('table').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal audit');
    await page.context().close();

    const portalPages = seen.filter((s) => s.page.startsWith('portal'));
    expect(portalPages.length).toBeGreaterThanOrEqual(orders.length + 5);
    expect(seen.filter((s) => s.hits.length > 0 || s.injected.length > 0)).toEqual([]);
  });
});
