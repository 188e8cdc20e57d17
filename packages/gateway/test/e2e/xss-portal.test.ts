/**
 * Markup in data never runs in the back office: request ids, batch refund
 * rows, refund remarks and the batch file's name carry the corpus
 * (xss-corpus.ts) and are rendered in headless Chromium on the order list,
 * every order page, batch refund results and the audit log; 0 executions,
 * 0 blocked inline code, 0 handlers or javascript: URLs from data.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, fixture, inspect, newPage, PAGE_WAIT_MS_MAX } from './xss-support.js';
import { XSS_PAYLOADS } from './xss-corpus.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';

describe('markup in data never runs in the back office', () => {
  it('back office: no payload runs on the order list, any order page, the audit log or batch refund results and file names', async () => {
    const page = await newPage();
    await page.goto(`${fixture.t.baseUrl}/portal/`);
    await page.getByLabel('E-mail').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Today' }).waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal dashboard');

    await page.goto(`${fixture.t.baseUrl}/portal/orders`);
    await page.locator('tr[data-request-id]').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal orders');
    for (const order of fixture.orders) {
      await page.goto(`${fixture.t.baseUrl}/portal/orders/${order.orderId}`);
      await page.getByText(order.orderId, { exact: true }).first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
      await inspect(page, `portal order ${order.requestId}`);
    }
    // A refund with a payload remark, through the page's own form.
    const paid = fixture.orders.find((o) => o.paid)!;
    await page.goto(`${fixture.t.baseUrl}/portal/orders/${paid.orderId}`);
    await page.locator('#refund-remark').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await page.fill('#refund-amount', '1');
    await page.fill('#refund-remark', XSS_PAYLOADS[1]!);
    await page.locator('#refund-remark').press('Enter');
    await page.getByTestId('refund-result').waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal refund form');
    expect((await fixture.t.gateway.refunds.forOrder(paid.orderId)).length).toBe(1);

    // Batch refunds: rows whose requestIds and remarks are payloads, in a file named after one.
    const paidOrders = fixture.orders.filter((o) => o.paid);
    const cell = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const csv = ['serialNumber,requestId,amountMinor,remark', ...XSS_PAYLOADS.map((p, i) => [paidOrders[i % paidOrders.length]!.orderId, p.slice(0, 64), '1', p].map(cell).join(','))].join('\n');
    for (const payload of [XSS_PAYLOADS[4]!, XSS_PAYLOADS[5]!]) {
      await page.goto(`${fixture.t.baseUrl}/portal/refunds/batch`);
      await page.locator('#batch-file').setInputFiles({ name: `${payload.replaceAll('/', '_')}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.locator('form.inline-form button[type="submit"]').click();
      await page.locator('table').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
      await inspect(page, `portal batch ${payload.slice(0, 20)}`);
    }
    await page.goto(`${fixture.t.baseUrl}/portal/audit`);
    await page.locator('table').first().waitFor({ timeout: PAGE_WAIT_MS_MAX });
    await inspect(page, 'portal audit');
    await page.context().close();

    const portalPages = fixture.seen.filter((s) => s.page.startsWith('portal'));
    expect(portalPages.length).toBeGreaterThanOrEqual(fixture.orders.length + 5);
    expect(fixture.seen.filter((s) => s.hits.length > 0 || s.injected.length > 0)).toEqual([]);
  });
});
