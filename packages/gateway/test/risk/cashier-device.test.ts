/**
 * The hosted cashier gives risk control what the merchant API cannot: the
 * payer's browser address and a long-lived device cookie, a velocity key
 * that survives new e-mail addresses and new cards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../harness.js';
import { ADMIN_TOKEN, admin, loadRules, luhnCard, order } from './risk-support.js';

describe('cashier device cookie and address in risk decisions', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN }, { background: false });
    await loadRules(t, { velocity: [{ key: 'device', window: '1h', maxAttempts: 2, action: 'DENY' }] });
  });
  afterAll(async () => t?.close());

  /** Opens the checkout page with the browser's cookies and posts a card, as a browser without JavaScript does. */
  async function payInBrowser(cookies: Map<string, string>, card: string): Promise<string> {
    const request = order({ clientIp: '203.0.113.5' });
    const created = await t.client.createIccOrder(request);
    if (!created.redirectUrl) throw new Error('no cashier link');
    const jar = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [name, value] = pair!.split('=');
        cookies.set(name!, value!);
      }
    };
    const page = await fetch(created.redirectUrl, { headers: { cookie: jar() } });
    keep(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
    const form = new URLSearchParams({ _csrf: csrf, holder: 'Jane Doe', number: card, expiryMonth: '12', expiryYear: String(new Date().getUTCFullYear() + 2), cvv: '123' });
    const posted = await fetch(`${created.redirectUrl}/pay`, { method: 'POST', body: form, headers: { cookie: jar(), 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(posted.status).toBe(303);
    return (await t.gateway.orders.findByRequest(t.merchant.merchantId, request.requestId))!.orderId;
  }

  it('sets a long-lived device cookie and uses it and the browser address as velocity keys', async () => {
    const browser = new Map<string, string>();
    const firstOrder = await payInBrowser(browser, luhnCard('424242', 1));
    const page = await fetch(t.gateway.links.url(firstOrder));
    expect(page.headers.getSetCookie().find((c) => c.startsWith('oc_device='))).toMatch(/Max-Age=\d{6,}/);
    const [attempt] = (await admin(t, 'GET', `/risk/attempts?orderId=${firstOrder}`)).json.attempts;
    // The browser's address wins over the clientIp the merchant sent.
    expect(attempt).toMatchObject({ action: 'ALLOW', ip: '127.0.0.1', deviceId: browser.get('oc_device') });
    await payInBrowser(browser, luhnCard('424242', 2));
    // A third card from the same device within the hour is refused; another browser is not.
    const third = await payInBrowser(browser, luhnCard('424242', 3));
    expect(await t.gateway.orders.find(third)).toMatchObject({ state: 'FAILED', declineCode: 'RISK_DECLINED' });
    const result = await (await fetch(t.gateway.links.url(third))).text();
    expect(result).toContain('The payment could not be approved.');
    const other = await payInBrowser(new Map(), luhnCard('424242', 4));
    expect((await t.gateway.orders.find(other))!.state).toBe('SUCCESS');
  });
});
