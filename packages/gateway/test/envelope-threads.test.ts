import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

/** The same merchant API with the RSA work on worker threads. */
describe('envelope on worker threads', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ OPENCASHIER_CRYPTO_THREADS: '2' }, { background: false });
  });
  afterAll(async () => t?.close());

  it('opens, verifies and seals on the threads', async () => {
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.client.createIccOrder({ requestId: `thr-${i}`, orderAmount: String(100 + i), orderCurrency: 'CHF', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' }),
      ),
    );
    expect(created.every((c) => c.status === 'SUCCESS')).toBe(true);
    expect((await t.client.queryIccOrder({ requestId: 'thr-7' })).orderAmount).toBe('107');
  });

  it('answers a bad envelope with the uniform error', async () => {
    const res = await fetch(`${t.baseUrl}/icc/order`, {
      method: 'POST',
      headers: { merchantId: t.merchant.merchantId, encryptKey: 'AAAA', 'content-type': 'application/vnd.5upay-v3.0+json' },
      body: 'AAAAAAAAAAAAAAAAAAAAAA==',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'ENVELOPE_INVALID' });
  });

  it('refuses business errors sealed, as without threads', async () => {
    await expect(
      t.client.call('icc/order', { requestId: 'thr-bad', orderAmount: '1.5', orderCurrency: 'CHF', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' }),
    ).rejects.toMatchObject({ code: 'AMOUNT_INVALID' });
  });
});
