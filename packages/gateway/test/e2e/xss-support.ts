/**
 * Shared by the XSS browser suites: a gateway whose orders carry the corpus
 * in every merchant-supplied text field, one browser, and pages that record
 * what ran. Importing it registers the file's beforeAll/afterAll.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { INJECTED_MARKUP, XSS_HOOK, XSS_PAYLOADS } from './xss-corpus.js';

export const PAGE_WAIT_MS_MAX = 10_000;
const ANY = 'http://127.0.0.1:9999';
export const ADMIN_EMAIL = 'xss-admin@example.test';

export interface Seen {
  page: string;
  hits: string[];
  injected: string[];
}

export const fixture = {
  t: undefined as unknown as TestGateway,
  browser: undefined as unknown as Browser,
  orders: [] as { requestId: string; orderId: string; redirectUrl: string; payload: string; paid: boolean }[],
  /** Every page rendered with payloads on it, and what it showed. */
  seen: [] as Seen[],
};

beforeAll(async () => {
  const t = await startTestGateway({}, { background: false });
  fixture.t = t;
  await t.gateway.accounts.createUser({ email: ADMIN_EMAIL, password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role: 'admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
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
    fixture.orders.push({ requestId, orderId: created.paymentOrderId!, redirectUrl: created.redirectUrl!, payload, paid });
  }
  fixture.browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});
afterAll(async () => {
  await fixture.browser?.close();
  await fixture.t?.close();
});

export async function newPage(): Promise<Page> {
  const context = await fixture.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  await context.addInitScript(XSS_HOOK);
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    if (/xss/i.test(dialog.message())) fixture.seen.push({ page: page.url(), hits: [`dialog:${dialog.message()}`], injected: [] });
    void dialog.accept();
  });
  return page;
}

/** What the page ran and holds now; focus and pointer are moved over every element, so handlers that need them get their chance. */
export async function inspect(page: Page, name: string): Promise<void> {
  await page.evaluate(`for (const el of document.querySelectorAll('body *')) { el.dispatchEvent(new MouseEvent('mouseover', { bubbles: true })); if (el.focus) el.focus(); }`);
  const hits = await page.evaluate<string[]>('window.__xssHits || []');
  const injected = await page.evaluate<string[]>(INJECTED_MARKUP);
  fixture.seen.push({ page: name, hits, injected });
}
