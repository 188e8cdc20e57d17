import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

describe('gateway harness', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(async () => t?.close());

  it('creates an order, pays it through the sandbox helper and queries it', async () => {
    const created = await t.client.createIccOrder({
      requestId: 'smoke-1',
      orderAmount: '12345',
      orderCurrency: 'USD',
      notifyUrl: 'http://127.0.0.1:9/notify',
      callbackUrl: 'http://127.0.0.1:9/return',
    });
    expect(created.status).toBe('SUCCESS');
    expect(created.redirectUrl).toMatch(new RegExp(`^${t.baseUrl}/cashier/[0-9a-f]{32}\\.`));
    const paid = await t.client.call('sandbox/pay', { requestId: 'smoke-1', cardNumber: '4000000000009995' });
    expect(paid.status).toBe('FAILED');
    expect(paid.code).toBe('INSUFFICIENT_FUNDS');
    const queried = await t.client.queryIccOrder({ requestId: 'smoke-1' });
    expect(queried.status).toBe('FAILED');
    expect(queried.orderAmount).toBe('12345');
  });
});
