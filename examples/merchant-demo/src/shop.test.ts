import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestGateway, type TestGateway } from '../../../packages/gateway/test/harness.js';

/** The README walkthrough, run: the demo shop against a real gateway. */
describe('merchant demo shop', () => {
  let t: TestGateway;
  let shop: Server;
  let shopUrl: string;

  beforeAll(async () => {
    t = await startTestGateway();
    const infoPath = join(t.config.dataDir, 'demo-merchant', 'merchant.json');
    writeFileSync(infoPath, JSON.stringify(t.merchant));
    process.env.MERCHANT_JSON = infoPath;
    const port = await freePort();
    process.env.SHOP_PORT = String(port);
    ({ server: shop } = await import('./shop.js'));
    await new Promise<void>((resolve) => shop.listen(port, '127.0.0.1', resolve));
    shopUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    shop?.close();
    await t?.close();
  });

  it('sells a mug: order, cashier, notification, return page', async () => {
    expect(await (await fetch(`${shopUrl}/`)).text()).toContain('Pay with card');
    const buy = await fetch(`${shopUrl}/buy`, { method: 'POST', redirect: 'manual' });
    expect(buy.status).toBe(303);
    const cashierUrl = buy.headers.get('location')!;
    expect(cashierUrl.startsWith(`${t.baseUrl}/cashier/`)).toBe(true);
    expect(await (await fetch(cashierUrl)).text()).toContain('19.90');
    const orderId = cashierUrl.split('/').pop()!.split('.')[0]!;
    const order = (await t.gateway.orders.find(orderId))!;
    await t.client.call('sandbox/pay', { requestId: order.requestId, cardNumber: '4242424242424242' });
    // The shop is told by a signed notification, and shows the status the gateway reports.
    let page = '';
    for (let i = 0; i < 100 && !page.includes('notification received'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      page = await (await fetch(`${shopUrl}/return?merchantId=${t.merchant.merchantId}&requestId=${order.requestId}`)).text();
    }
    expect(page).toContain('<strong>SUCCESS</strong>');
    expect(page).toContain('notification received');
  });

  it('shows the product on GET without creating an order, and a payer never sees a stack trace', async () => {
    const count = async () => Number((await t.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    for (let i = 0; i < 3; i++) expect((await fetch(`${shopUrl}/`)).status).toBe(200);
    expect((await fetch(`${shopUrl}/buy`)).status).toBe(404);
    expect(await count()).toBe(before);

    const unknown = await fetch(`${shopUrl}/return?requestId=no-such-order`);
    expect(unknown.status).toBe(502);
    const text = await unknown.text();
    expect(text).toContain('The payment gateway answered ORDER_NOT_FOUND.');
    expect(text).not.toMatch(/\n\s+at |\.js:/);
  });

  it('answers a return before the payment with the pending state and a way to check again', async () => {
    const buy = await fetch(`${shopUrl}/buy`, { method: 'POST', redirect: 'manual' });
    const orderId = buy.headers.get('location')!.split('/').pop()!.split('.')[0]!;
    const order = (await t.gateway.orders.find(orderId))!;
    const page = await (await fetch(`${shopUrl}/return?requestId=${order.requestId}`)).text();
    expect(page).not.toContain('<strong>SUCCESS</strong>');
    expect(page).toContain(`<a href="/return?requestId=${order.requestId}">Check again</a>`);
  });
});
