import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { exactHeader, startRawReceiver, type RawReceiver } from './raw-receiver.js';

/**
 * Notifications as a merchant's socket sees them: header names in the exact
 * case of the protocol (merchant code matches `encryptKey`, `merchantId`,
 * `requestId` case-sensitively), a stable `notificationId` in a header and in
 * the signed body, and one keep-alive connection for deliveries in a row.
 */
describe.each(testDatabases())('notifications on the wire (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let receiver: RawReceiver;
  beforeAll(async () => {
    receiver = await startRawReceiver();
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_NOTIFY_POLL_INTERVAL_MS: '20' });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  async function cancelledOrder(requestId: string): Promise<string> {
    const created = await t.client.createIccOrder({ requestId, orderAmount: '4200', orderCurrency: 'USD', notifyUrl: receiver.url, callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.cancelOrder({ requestId });
    return created.paymentOrderId!;
  }

  it('sends protocol headers in their exact case, a stable notification id, and reuses one connection', async () => {
    const orderIds: string[] = [];
    for (const requestId of ['wire-1', 'wire-2', 'wire-3']) {
      orderIds.push(await cancelledOrder(requestId));
      const count = orderIds.length;
      await waitUntil(() => (receiver.requests.length >= count ? true : undefined), { timeoutMs: 10_000, what: `notification ${count}` });
    }
    expect(receiver.requests).toHaveLength(3);
    for (const [i, request] of receiver.requests.entries()) {
      expect(request.head.startsWith('POST /notify HTTP/1.1\r\n')).toBe(true);
      expect(exactHeader(request.head, 'encryptKey')).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(exactHeader(request.head, 'merchantId')).toBe(t.merchant.merchantId);
      expect(exactHeader(request.head, 'requestId')).toBe(`wire-${i + 1}`);
      const notificationId = exactHeader(request.head, 'notificationId');
      const stored = (await t.gateway.notifications.forOrder(orderIds[i]!)).map((n) => n.id);
      expect(stored).toEqual([notificationId]);
      // The body carries the same id, signed by the gateway: the SDK verifies it as any client does.
      const headers = { encryptKey: exactHeader(request.head, 'encryptKey')! };
      const event = t.client.parseNotificationEvent(headers, request.body);
      expect(event).toMatchObject({ type: 'ORDER', order: { status: 'CANCEL', requestId: `wire-${i + 1}`, notificationId } });
    }
    // Keep-alive: deliveries in a row share one connection instead of a new one each.
    expect(receiver.connections()).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.connectionNo))).toEqual(new Set([1]));
  });

  it('sends the same notification id again when a notification is sent again', async () => {
    const orderId = await cancelledOrder('wire-again');
    const before = receiver.requests.length;
    await waitUntil(() => (receiver.requests.length > before ? true : undefined), { timeoutMs: 10_000, what: 'first delivery' });
    const [stored] = await t.gateway.notifications.forOrder(orderId);
    expect(await t.gateway.notifications.resend(stored!.id, Date.now())).toBe(true);
    await waitUntil(() => (receiver.requests.length > before + 1 ? true : undefined), { timeoutMs: 10_000, what: 'second delivery' });
    const ids = receiver.requests.slice(before).map((r) => exactHeader(r.head, 'notificationId'));
    expect(ids).toEqual([stored!.id, stored!.id]);
  });
});
