/**
 * Every page a person meets — the hosted cashier (checkout, refused form,
 * 3-D Secure, pending, paid, declined, QR code, bank-transfer details, the
 * sandbox wallet, an error), the merchant portal and the operator console —
 * audited with axe-core in Chromium, in English and Chinese, at desktop and
 * phone width: no critical or serious violation, and no page wider than a
 * 390 px phone. Every wait is bounded; no assertion is about elapsed time.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { auditPage, overflowPx, type Finding } from './accessibility-support.js';

const PAGE_WAIT_MS_MAX = 15_000;
/** A suite of pages per test: a dozen audits on a loaded machine. */
const SUITE_TIMEOUT_MS = 240_000;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const LANGUAGES = { en: 'en-US', zh: 'zh-CN' } as const;
type Language = keyof typeof LANGUAGES;
type ViewportName = keyof typeof VIEWPORTS;

describe('accessibility of every page', () => {
  let t: TestGateway;
  let browser: Browser;
  let seq = 0;
  let paidOrderId = '';
  let disputeId = '';
  const merchantEmail = 'a11y-admin@example.test';
  const operatorEmail = 'a11y-operator@example.test';

  beforeAll(async () => {
    // No background jobs: an order whose outcome is unknown stays on the pending page while it is audited.
    t = await startTestGateway({}, { background: false });
    await t.gateway.accounts.createUser({ email: merchantEmail, password: TEST_PASSWORD, kind: 'merchant', merchantId: t.merchant.merchantId, role: 'admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    await t.gateway.accounts.createUser({ email: operatorEmail, password: TEST_PASSWORD, kind: 'operator', merchantId: null, role: 'super_admin', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
    // A paid order with a refund, and one with a long-numbered retrieval case: the detail pages have something to show.
    paidOrderId = await paid('a11y-paid-order-with-a-rather-long-request-id-0001');
    await t.client.refund({ requestId: 'a11y-refund-1', orderId: paidOrderId, amount: '500' });
    await paid('a11y-retrieval-1');
    disputeId = (await t.client.call('sandbox/retrieval', { requestId: 'a11y-retrieval-1' })).disputeId as string;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function paid(requestId: string, cardNumber = '4242424242424242'): Promise<string> {
    await t.client.createIccOrder({ requestId, orderAmount: '4200', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber });
    return (await t.client.queryIccOrder({ requestId })).serialNumber!;
  }

  /** A card order in the payer's language, optionally already taken to a state by a magic card; answers its cashier URL. */
  async function cardOrder(language: Language, cardNumber?: string): Promise<string> {
    const requestId = `a11y-${language}-${++seq}`;
    const created = await t.client.createIccOrder({ requestId, orderAmount: '12345', orderCurrency: 'USD', language, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', productDetails: [{ name: 'Blue mug', quantity: '1', amount: '12345' }] });
    if (cardNumber) await t.client.call('sandbox/pay', { requestId, cardNumber });
    return created.redirectUrl!;
  }

  async function unifiedOrder(language: Language): Promise<string> {
    const answer = await t.client.createOnlinePayOrder({ requestId: `a11y-op-${language}-${++seq}`, orderAmount: '2580', orderCurrency: 'CNY', language, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', productDetails: [{ name: 'Green tea', quantity: '2', amount: '1290' }] });
    return answer.redirectUrl!;
  }

  async function newPage(language: Language, viewport: ViewportName): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: VIEWPORTS[viewport], locale: LANGUAGES[language] });
    const page = await context.newPage();
    return { context, page };
  }

  /** Audits the page as it stands and adds what is wrong, named by the page. */
  async function judge(page: Page, what: string, viewport: ViewportName, found: string[]): Promise<void> {
    const findings: Finding[] = await auditPage(page);
    for (const f of findings) found.push(`${what}: ${f.impact} ${f.rule} (${f.help}) at ${f.targets.join(' | ')}`);
    if (viewport === 'phone') {
      const wider = await overflowPx(page);
      if (wider > 0) found.push(`${what}: ${wider} px wider than the phone`);
    }
  }

  const cashierPages: [string, (page: Page, language: Language) => Promise<void>][] = [
    ['checkout', async (page, language) => void (await page.goto(await cardOrder(language)))],
    [
      'checkout, refused',
      async (page, language) => {
        await page.goto(await cardOrder(language));
        await page.fill('#holder', 'TEST PAYER');
        // A number that fails its check digit: the gateway refuses the form and shows it again.
        await page.fill('#number', '4242424242424241');
        await page.fill('#expiryMonth', '12');
        await page.fill('#expiryYear', String((new Date().getUTCFullYear() + 3) % 100).padStart(2, '0'));
        await page.fill('#cvv', '123');
        await page.click('form button[type="submit"]');
        await page.waitForSelector('.error-summary', { timeout: PAGE_WAIT_MS_MAX });
      },
    ],
    ['3-D Secure', async (page, language) => void (await page.goto(await cardOrder(language, '4000000000003220')))],
    ['pending', async (page, language) => void (await page.goto(await cardOrder(language, '4000000000000101')))],
    ['paid', async (page, language) => void (await page.goto(await cardOrder(language, '4242424242424242')))],
    ['declined', async (page, language) => void (await page.goto(await cardOrder(language, '4000000000000002')))],
    ['not found', async (page) => void (await page.goto(`${t.baseUrl}/cashier/no-such-link`))],
    [
      'QR code',
      async (page, language) => {
        await page.goto(await unifiedOrder(language));
        await page.click('button[name="method"][value="ALIPAY_SCAN"]');
        await page.waitForSelector('img.qr__image', { timeout: PAGE_WAIT_MS_MAX });
      },
    ],
    [
      'bank transfer',
      async (page, language) => {
        await page.goto(await unifiedOrder(language));
        await page.click('button[name="method"][value="OFFLINE"]');
        await page.waitForSelector('dl.details', { timeout: PAGE_WAIT_MS_MAX });
      },
    ],
    [
      'sandbox wallet',
      async (page, language) => {
        await page.goto(await unifiedOrder(language));
        await page.click('button[name="method"][value="ALIPAY_WAP"]');
        await page.waitForSelector('button[name="decision"]', { timeout: PAGE_WAIT_MS_MAX });
      },
    ],
  ];

  async function logIn(page: Page, email: string): Promise<void> {
    await page.goto(`${t.baseUrl}/portal/`);
    await page.fill('#email', email);
    await page.fill('#password', TEST_PASSWORD);
    await page.press('#password', 'Enter');
    await page.waitForSelector('nav a', { timeout: PAGE_WAIT_MS_MAX });
  }

  /** Opens a back-office route and waits until it has loaded its data. */
  async function portalRoute(page: Page, path: string): Promise<void> {
    await page.goto(`${t.baseUrl}/portal${path}`);
    await page.waitForSelector('main h1', { timeout: PAGE_WAIT_MS_MAX });
    await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: PAGE_WAIT_MS_MAX });
  }

  const merchantRoutes = () => ['/', '/orders', `/orders/${paidOrderId}`, '/refunds/batch', '/refunds/approvals', '/disputes', `/disputes/${disputeId}`, '/money', '/integration', '/users', '/audit', '/account'];
  const operatorRoutes = () => ['/', '/orders', `/orders/${paidOrderId}`, '/merchants', '/merchants/new', `/merchants/${t.merchant.merchantId}`, '/backlog', '/fx', '/disputes', '/settlement', '/remittances', '/channels', '/users', '/audit', '/account'];

  describe.each(Object.keys(LANGUAGES) as Language[])('in %s', (language) => {
    describe.each(Object.keys(VIEWPORTS) as ViewportName[])('on a %s', (viewport) => {
      it('the hosted cashier', { timeout: SUITE_TIMEOUT_MS }, async () => {
        const found: string[] = [];
        for (const [what, open] of cashierPages) {
          const { context, page } = await newPage(language, viewport);
          await open(page, language);
          expect(await page.getAttribute('html', 'lang'), what).toBe(language === 'zh' ? 'zh-CN' : 'en');
          await judge(page, what, viewport, found);
          await context.close();
        }
        expect(found).toEqual([]);
      });

      it('the merchant portal, from its log-in page', { timeout: SUITE_TIMEOUT_MS }, async () => {
        const found: string[] = [];
        const { context, page } = await newPage(language, viewport);
        await page.goto(`${t.baseUrl}/portal/`);
        await page.waitForSelector('#email', { timeout: PAGE_WAIT_MS_MAX });
        await judge(page, 'log-in', viewport, found);
        // A refused log-in: the error is announced and named by the inputs.
        await page.fill('#email', merchantEmail);
        await page.fill('#password', 'not the password');
        await page.press('#password', 'Enter');
        await page.waitForSelector('#login-error', { timeout: PAGE_WAIT_MS_MAX });
        await judge(page, 'log-in, refused', viewport, found);
        await logIn(page, merchantEmail);
        for (const path of merchantRoutes()) {
          await portalRoute(page, path);
          await judge(page, `portal ${path}`, viewport, found);
        }
        await context.close();
        expect(found).toEqual([]);
      });

      it('the operator console', { timeout: SUITE_TIMEOUT_MS }, async () => {
        const found: string[] = [];
        const { context, page } = await newPage(language, viewport);
        await logIn(page, operatorEmail);
        for (const path of operatorRoutes()) {
          await portalRoute(page, path);
          await judge(page, `console ${path}`, viewport, found);
        }
        await context.close();
        expect(found).toEqual([]);
      });
    });
  });
});
