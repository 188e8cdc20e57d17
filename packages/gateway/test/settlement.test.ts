import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { adminClient } from './admin-client.js';

const ADMIN = 'settlement-admin-token';

describe.each(testDatabases())('CNY settlement (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  // 2026-11-21 10:00 in Beijing.
  let now = Date.parse('2026-11-21T02:00:00Z');
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  const admin = adminClient(() => t, ADMIN);
  const query = (businessDate: string) => t.client.call('settlement/query', { merchantId: t.merchant.merchantId, businessDate });

  async function paid(requestId: string, amount: string, currency: string): Promise<string> {
    await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    const answer = await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId, cardNumber: '4242424242424242' });
    return answer.serialNumber as string;
  }

  it('a closed day settles in CNY at each order\'s rate, and its totals are the ledger\'s', async () => {
    const id = t.merchant.merchantId;
    await admin('PUT', `/merchants/${id}/fee-plans`, { plans: [{ method: 'CARD', currency: 'USD', percentBps: 290, fixedMinor: '30' }, { method: 'CARD', currency: 'CNY', percentBps: 60 }] });
    const usd = await paid('st-usd', '10000', 'USD'); // fee 320; settles at the capture bid 7.1
    await paid('st-jpy', '1999', 'JPY'); // no fee plan for JPY; bid 0.047
    await paid('st-cny', '50000', 'CNY'); // fee 300
    await t.client.refund({ requestId: 'st-usd-r1', orderId: usd, amount: '2500' });
    await expect(query('2026-11-21')).rejects.toMatchObject({ code: 'SETTLEMENT_NOT_FOUND' }); // the day is still open

    // The ledger's view of what is owed, per currency, before the day closes.
    const ledger = await t.gateway.ledger.balances(`merchant_payable:${id}`);
    now = Date.parse('2026-11-21T16:00:00Z'); // Beijing midnight: the 22nd begins
    await paid('st-next-day', '700', 'USD'); // belongs to the 22nd

    const batch = await query('2026-11-21');
    // USD: 10000 − 320 − 2500 = 7180 cents → 71000 − 2272 − 17750 fen; JPY: ¥1999 × 0.047 = 93.953 → 9395 fen; CNY: 50000 − 300.
    expect(batch).toMatchObject({
      status: 'SUCCESS',
      businessDate: '2026-11-21',
      settleDate: '2026-11-22',
      currency: 'CNY',
      capturedAmount: String(71000 + 9395 + 50000),
      refundedAmount: '17750',
      chargebackAmount: '0',
      feeAmount: String(2272 + 300),
      netAmount: String(71000 + 9395 + 50000 - 17750 - 2272 - 300),
      netDirection: 'CREDIT',
      count: '6',
    });
    const perCurrency = new Map((batch.currencies as { currency: string; netAmount: string }[]).map((c) => [c.currency, BigInt(c.netAmount)]));
    for (const currency of ['USD', 'JPY', 'CNY']) expect(perCurrency.get(currency), currency).toBe(ledger.get(`merchant_payable:${id} ${currency}`));
    expect(perCurrency.get('USD')).toBe(7180n);

    // Asked again: the same batch, not a second one; the next day's payment is not in it.
    expect((await query('2026-11-21')).batchId).toBe(batch.batchId);
    now = Date.parse('2026-11-22T16:00:00Z');
    expect(await t.gateway.crossBorder.settlements.settleDue()).toBe(1);
    // $7.00 − fee $0.50 (2.9% → 20 cents, + 30) at 7.1.
    expect(await query('2026-11-22')).toMatchObject({ count: '2', capturedAmount: '4970', feeAmount: '355', netAmount: '4615', settleDate: '2026-11-23' });
    // Every settled movement together equals the merchant's payable balance in the ledger, per currency.
    const after = await t.gateway.ledger.balances(`merchant_payable:${id}`);
    expect(after.get(`merchant_payable:${id} USD`)).toBe(7180n + 650n);

    const statement = await admin('GET', `/merchants/${id}/settlements/2026-11-21/statement.csv`);
    const csv = await statement.text();
    expect(csv.split('\r\n')[0]).toBe('orderSerialNumber,kind,sourceId,currency,amount,rate,cnyAmount,time');
    expect(csv).toContain(`${usd},fee,${usd},USD,-3.20,7.1,-22.72,`);
    expect(csv).toContain('net=1100.73,lines=6');
  });

  it('refuses a malformed date and answers a day without movements as not found', async () => {
    await expect(query('2026-13-01')).rejects.toMatchObject({ code: 'FIELD_INVALID' });
    await expect(query('2026-01-01')).rejects.toMatchObject({ code: 'SETTLEMENT_NOT_FOUND' });
  });
});
