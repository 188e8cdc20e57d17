/**
 * How the hosted cashier behaves for a payer: return links, no second
 * payment, field errors, security headers, escaping, expiry, layout.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { PAGE_WAIT_MS_MAX, PHONE_VIEWPORT, DESKTOP_VIEWPORT, SCREENSHOT_DIR, ORDER_VARIANTS, t, merchant, newPayer, createOrder, openCheckout, futureExpiry, fillCard, submit, PAY_BUTTON, resultOutcome, notified, expectFinal, challengeCard, approvedCard, declinedCard } from './cashier-support.js';
import { SANDBOX_CHALLENGE_CODE } from '../../src/channels/sandbox-card/magic-cards.js';

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
    // One script, the cashier's own file (waiting pages and local times), and the same-origin check it makes.
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
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
    // The only script is the cashier's own file; the remark's tag stayed text.
    expect(await page.$$eval('script', (scripts) => scripts.map((el) => [el.getAttribute('src')?.replace(/\.[0-9a-f]{10}\.js$/, '.js'), el.textContent]))).toEqual([['/cashier/assets/cashier.js', '']]);
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
