import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, type PortalClient } from './portal-client.js';

describe.each(testDatabases())('back office orders (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let finance: PortalClient;
  let support: PortalClient;
  let operator: PortalClient;
  const since = Date.now() - 1000;

  async function order(requestId: string, amount: string, currency: string, card?: string) {
    const created = await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    if (card) await t.client.call('sandbox/pay', { requestId, cardNumber: card });
    return created.paymentOrderId!;
  }

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    finance = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', t.merchant.merchantId)).client;
    support = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId)).client;
    operator = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'finance', null)).client;
    await order('po-usd-1', '12345', 'USD', '4242424242424242');
    await order('po-usd-2', '1000', 'USD', '4000000000000002');
    await order('po-jpy-1', '1500', 'JPY', '5555555555554444');
    await order('po-eur-open', '999', 'EUR');
  });
  afterAll(async () => t?.close());

  it("shows today's volume and success rate by currency, exactly", async () => {
    const r = await finance.get(`/m/dashboard?from=${since}`);
    expect(r.status).toBe(200);
    const byCurrency = Object.fromEntries((r.json.byCurrency as { currency: string }[]).map((c) => [c.currency, c]));
    expect(byCurrency.USD).toMatchObject({ orders: 2, succeeded: 1, failed: 1, volumeMinor: '12345', volume: '123.45', successRate: '50.0%' });
    expect(byCurrency.JPY).toMatchObject({ orders: 1, succeeded: 1, volumeMinor: '1500', volume: '1500', successRate: '100.0%' });
    expect(byCurrency.EUR).toMatchObject({ orders: 1, succeeded: 0, successRate: '—' });
  });

  it('searches by every filter and pages without repeats', async () => {
    const all = await finance.get('/m/orders?limit=2');
    expect(all.json.orders).toHaveLength(2);
    const rest = await finance.get(`/m/orders?limit=2&after=${encodeURIComponent(all.json.next)}`);
    const ids = [...all.json.orders, ...rest.json.orders].map((o: { requestId: string }) => o.requestId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(['po-eur-open', 'po-jpy-1', 'po-usd-1', 'po-usd-2']);
    expect(rest.json.next).toBeNull();
    const pick = async (query: string) => ((await finance.get(`/m/orders?${query}`)).json.orders as { requestId: string }[]).map((o) => o.requestId).sort();
    expect(await pick('requestId=po-usd-1')).toEqual(['po-usd-1']);
    const usd1 = (await finance.get('/m/orders?requestId=po-usd-1')).json.orders[0];
    expect(await pick(`serialNumber=${usd1.orderId}`)).toEqual(['po-usd-1']);
    expect(await pick('status=SUCCESS')).toEqual(['po-jpy-1', 'po-usd-1']);
    expect(await pick('currency=usd')).toEqual(['po-usd-1', 'po-usd-2']);
    expect(await pick('amountMinor=1500')).toEqual(['po-jpy-1']);
    expect(await pick('cardLast4=4444')).toEqual(['po-jpy-1']);
    expect(await pick(`from=${since}&to=${Date.now() + 1000}&currency=EUR`)).toEqual(['po-eur-open']);
    expect(await pick(`to=${since}`)).toEqual([]);
    const bad = await finance.get('/m/orders?cardLast4=12ab');
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'FIELD_INVALID' });
    expect(bad.json.message).toContain('cardLast4');
  });

  it('exports the search as CSV, streamed, with exact amounts', async () => {
    const response = await fetch(`${t.baseUrl}/portal/api/m/orders.csv?currency=USD`, { headers: { cookie: finance.cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="orders-/);
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^serialNumber,merchantId,requestId,status,currency,amountMinor,amount/);
    expect(lines).toHaveLength(3);
    expect(lines.some((l) => l.includes(',po-usd-1,SUCCESS,USD,12345,123.45,'))).toBe(true);
    // Support staff may look but not export.
    expect((await support.get('/m/orders.csv')).status).toBe(403);
  });

  it('shows an order with its timeline, ledger postings, refunds and notification attempts, and refunds it through the refund core', async () => {
    const orderId = (await finance.get('/m/orders?requestId=po-usd-1')).json.orders[0].orderId as string;
    await t.gateway.dispatcher.runOnce();
    const before = await finance.get(`/m/orders/${orderId}`);
    expect(before.status).toBe(200);
    expect(before.json.order).toMatchObject({ requestId: 'po-usd-1', state: 'SUCCESS', amount: '123.45', refundable: '12345', cardLast4: '4242' });
    expect(before.json.timeline.map((e: { to: string }) => e.to)).toEqual(expect.arrayContaining(['INIT', 'SUCCESS']));
    expect(before.json.postings.length).toBeGreaterThan(0);
    expect(before.json.notifications).toHaveLength(1);
    expect(before.json.notifications[0].attempts.length).toBeGreaterThanOrEqual(1);
    expect(before.json.notifications[0].attempts[0]).toHaveProperty('httpStatus');
    expect(JSON.stringify(before.json)).not.toMatch(/4242424242424242|vault/i);

    const refund = await finance.post(`/m/orders/${orderId}/refunds`, { requestId: 'portal-rf-1', amountMinor: '2345', remark: 'damaged' });
    expect(refund.status).toBe(200);
    expect(refund.json).toMatchObject({ kind: 'created', refund: { state: 'SUCCESS', amountMinor: '2345', currency: 'USD' } });
    // A double click replays; other content under the same number is refused, as in the API.
    expect((await finance.post(`/m/orders/${orderId}/refunds`, { requestId: 'portal-rf-1', amountMinor: '2345', remark: 'damaged' })).json.kind).toBe('replayed');
    expect((await finance.post(`/m/orders/${orderId}/refunds`, { requestId: 'portal-rf-1', amountMinor: '1' })).json.code).toBe('REQUEST_ID_CONFLICT');
    const over = await finance.post(`/m/orders/${orderId}/refunds`, { requestId: 'portal-rf-2', amountMinor: '10001' });
    expect(over.status).toBe(409);
    expect(over.json.code).toBe('REFUND_AMOUNT_EXCEEDED');
    // The merchant API sees the portal's refund.
    expect(await t.client.queryRefund({ requestId: 'portal-rf-1' })).toMatchObject({ amount: '2345', status: 'SUCCESS' });

    const after = await finance.get(`/m/orders/${orderId}`);
    expect(after.json.order).toMatchObject({ refundedMinor: '2345', refundable: '10000' });
    expect(after.json.refunds).toMatchObject([{ requestId: 'portal-rf-1', state: 'SUCCESS', amount: '23.45' }]);
    expect(after.json.postings.filter((p: { journalKind: string }) => p.journalKind.includes('refund')).length).toBeGreaterThan(0);
    expect(after.json.notifications).toHaveLength(2);
    const audit = await t.gateway.accounts.audit.list({ merchantId: t.merchant.merchantId, limit: 20 });
    expect(audit.find((e) => e.action === 'refund.request')).toMatchObject({ target: orderId, before: { refundedMinor: '0' }, after: { amountMinor: '2345', state: 'SUCCESS' } });

    // Support may resend a notification but not refund.
    expect((await support.post(`/m/orders/${orderId}/refunds`, { requestId: 'portal-rf-3' })).status).toBe(403);
    const notificationId = after.json.notifications[0].notificationId as string;
    expect((await support.post(`/m/notifications/${notificationId}/resend`)).json).toEqual({ ok: true });
    expect((await t.gateway.notifications.find(notificationId))?.state).toBe('pending');
  });

  it('gives operators every merchant, the all-merchant search and the notification backlog', async () => {
    const merchants = await operator.get('/o/merchants');
    expect(merchants.json.merchants.map((m: { merchantId: string }) => m.merchantId)).toContain(t.merchant.merchantId);
    const orders = await operator.get(`/o/orders?merchantId=${t.merchant.merchantId}&limit=100`);
    expect(orders.json.orders.length).toBeGreaterThanOrEqual(4);
    const backlog = await operator.get('/o/notifications/backlog');
    expect(backlog.json.counts.pending).toBeGreaterThan(0);
    expect(backlog.json.notifications[0]).toMatchObject({ merchantId: t.merchant.merchantId, state: 'pending' });
  });

  it('streams new orders and their state changes to the live monitor as they happen', async () => {
    const controller = new AbortController();
    const response = await fetch(`${t.baseUrl}/portal/api/m/monitor`, { headers: { cookie: support.cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let received = '';
    await order('po-live', '777', 'USD', '4242424242424242');
    const deadline = Date.now() + 15_000;
    while (!received.includes('"to":"SUCCESS"') && Date.now() < deadline) {
      const chunk = await Promise.race([reader.read(), new Promise<{ value: undefined; done: true }>((r) => setTimeout(() => r({ value: undefined, done: true }), 1000))]);
      if (chunk.value) received += decoder.decode(chunk.value, { stream: true });
    }
    controller.abort();
    const events = received
      .split('\n\n')
      .filter((block) => block.includes('event: order'))
      .map((block) => JSON.parse(block.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as { requestId: string; to: string; merchantId: string; amount: string });
    expect(events.filter((e) => e.requestId === 'po-live').map((e) => e.to)).toEqual(expect.arrayContaining(['INIT', 'SUCCESS']));
    expect(events.every((e) => e.merchantId === t.merchant.merchantId)).toBe(true);
    expect(events.find((e) => e.requestId === 'po-live')?.amount).toBe('7.77');
    // Nothing from before the viewer connected.
    expect(events.some((e) => e.requestId === 'po-usd-1')).toBe(false);
  });
});
