import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';

/** The gateway's own demo shop (/demo), without a browser: what a crawler, a reload and a payer's return see. */
describe.each(testDatabases())('built-in demo shop pages (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    // No background work at first: the notification waits, so the return page comes before it.
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());
  const orderCount = async () => Number((await t.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('GET /demo only shows the product; the form POST creates the order', async () => {
    const before = await orderCount();
    for (let i = 0; i < 3; i++) {
      const shown = await fetch(`${t.baseUrl}/demo`, { redirect: 'manual' });
      expect(shown.status).toBe(200);
      const text = await shown.text();
      expect(text).toContain('<form method="post" action="/demo/order">');
      expect(text).toContain('Pay USD 19.90');
    }
    expect(await orderCount()).toBe(before);
    const posted = await fetch(`${t.baseUrl}/demo/order`, { method: 'POST', redirect: 'manual' });
    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toContain('/cashier/');
    expect(await orderCount()).toBe(before + 1);
  });

  it('the return page shows the gateway\'s state whether it comes before or after the notification', async () => {
    const posted = await fetch(`${t.baseUrl}/demo/order`, { method: 'POST', redirect: 'manual' });
    const orderId = posted.headers.get('location')!.split('/').pop()!.split('.')[0]!;
    const order = (await t.gateway.orders.find(orderId))!;
    const returnPage = async () => (await fetch(`${t.baseUrl}/demo/return?requestId=${order.requestId}`)).text();

    const pending = await returnPage();
    expect(pending).toContain('not final yet');
    expect(pending).toContain(`href="/demo/return?requestId=${order.requestId}"`);

    await t.client.call('sandbox/pay', { requestId: order.requestId, cardNumber: '4242424242424242' });
    // Back before the notification: the status is the gateway's.
    const early = await returnPage();
    expect(early).toMatch(/Status \(icc\/query\)<\/dt>\s*<dd>SUCCESS/);
    expect(early).toContain('not received yet');
    expect(early).not.toContain('Check again');

    t.gateway.startBackground();
    let late = '';
    for (let i = 0; i < 100 && !late.includes('received, signed'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      late = await returnPage();
    }
    expect(late).toContain('received, signed, status SUCCESS');
    expect(late).toMatch(/Status \(icc\/query\)<\/dt>\s*<dd>SUCCESS/);
  });

  it('a failure shows the payer a plain page, never a stack trace', async () => {
    const unknown = await fetch(`${t.baseUrl}/demo/return?requestId=DEMO-1-abcdef`);
    expect(unknown.status).toBe(502);
    expect(unknown.headers.get('content-type')).toContain('text/html');
    const text = await unknown.text();
    expect(text).toContain('The gateway answered ORDER_NOT_FOUND.');
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain('.js:');
  });
});
