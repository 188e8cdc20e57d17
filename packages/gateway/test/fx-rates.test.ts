import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { adminClient } from './admin-client.js';

const ADMIN = 'fx-admin-token-for-tests';

describe.each(testDatabases())('FX rates, locks and fees (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.parse('2026-11-22T02:00:00Z');
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN, OPENCASHIER_FX_LOCK_MINUTES: '30' }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  const admin = adminClient(() => t, ADMIN);
  const lock = (payload: Record<string, unknown>) => t.client.call('foreignExchange/listpriceLock', { merchantId: t.merchant.merchantId, ...payload });

  it('locks the ask rate of the starter table, converts the amount, and answers a replay with the same token', async () => {
    const answer = await lock({ requestId: 'lk-1', orderCurrency: 'USD', amount: '10000' });
    expect(answer).toMatchObject({ status: 'SUCCESS', listprice: '7.14', pair: 'USD/CNY', orderCurrency: 'USD', currency: 'CNY', amount: '10000', convertedAmount: '71400' });
    expect(answer.listPriceToken).toMatch(/^[0-9a-f]{32}$/);
    expect(answer.expireDateTime).toBe('2026-11-22 10:30:00'); // Beijing time, 30 minutes on
    expect(answer.rateSource).toContain('starter');
    const again = await lock({ requestId: 'lk-1', orderCurrency: 'USD', amount: '10000' });
    expect(again.listPriceToken).toBe(answer.listPriceToken);
    await expect(lock({ requestId: 'lk-1', orderCurrency: 'EUR', amount: '10000' })).rejects.toMatchObject({ code: 'REQUEST_ID_CONFLICT' });
    const stored = await t.gateway.crossBorder.quotes.byToken(answer.listPriceToken as string);
    expect(stored).toMatchObject({ purpose: 'LOCK', base: 'USD', quote: 'CNY', side: 'ask', marketRate: '7.14', markupBps: 0, rate: '7.14', convertedMinor: 71400n });
  });

  it('JPY has no minor unit: ¥1000 at 0.048 is 48.00 CNY', async () => {
    const answer = await lock({ requestId: 'lk-jpy', orderCurrency: 'JPY', amount: '1000' });
    expect(answer).toMatchObject({ listprice: '0.048', convertedAmount: '4800' });
  });

  it('refuses bad input with documented codes', async () => {
    await expect(lock({ requestId: 'lk-bad1', orderCurrency: 'XYZ' })).rejects.toMatchObject({ code: 'CURRENCY_UNSUPPORTED' });
    await expect(lock({ requestId: 'lk-bad2' })).rejects.toMatchObject({ code: 'FIELD_MISSING' });
    await expect(lock({ requestId: 'lk-bad3', orderCurrency: 'CNY' })).rejects.toMatchObject({ code: 'FIELD_INVALID' });
    await expect(lock({ requestId: 'lk-bad4', orderCurrency: 'USD', currency: 'EUR' })).rejects.toMatchObject({ code: 'FX_PAIR_UNSUPPORTED' });
    await expect(lock({ requestId: 'lk-bad5', orderCurrency: 'USD', amount: '1.5' })).rejects.toMatchObject({ code: 'AMOUNT_INVALID' });
  });

  it('a token is redeemed once; expired, used, unknown and other merchants\' tokens each have their own code', async () => {
    const locks = t.gateway.crossBorder.locks;
    const id = t.merchant.merchantId;
    const token = (await lock({ requestId: 'lk-life', orderCurrency: 'USD' })).listPriceToken as string;
    await expect(locks.redeem(id, 'f'.repeat(32), 'o-1', ['USD', 'CNY'])).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_UNKNOWN' });
    await expect(locks.redeem('100000999', token, 'o-1', ['USD', 'CNY'])).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_NOT_YOURS' });
    await expect(locks.redeem(id, token, 'o-1', ['EUR', 'CNY'])).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_MISMATCH' });
    expect((await locks.redeem(id, token, 'o-1', ['USD', 'CNY'])).rate).toBe('7.14');
    // The same order again (a replay) may; another order may not.
    expect((await locks.redeem(id, token, 'o-1', ['USD', 'CNY'])).token).toBe(token);
    await expect(locks.redeem(id, token, 'o-2', ['USD', 'CNY'])).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_USED' });
    const late = (await lock({ requestId: 'lk-late', orderCurrency: 'USD' })).listPriceToken as string;
    now += 30 * 60_000;
    await expect(locks.redeem(id, late, 'o-3', ['USD', 'CNY'])).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_EXPIRED' });
    // The order that used a token before it expired can still be replayed.
    expect((await locks.redeem(id, token, 'o-1', ['USD', 'CNY'])).token).toBe(token);
  });

  it('reads a replaced rate file at run time, ignores a broken one, and applies the merchant markup', async () => {
    const file = join(t.config.dataDir, 'fx-rates.json');
    const table = { source: 'test board', rates: [{ base: 'USD', quote: 'CNY', bid: '7.0000', ask: '7.2000', mid: '7.1000', asOf: '2026-11-22T01:00:00Z' }] };
    writeFileSync(`${file}.tmp`, JSON.stringify(table));
    renameSync(`${file}.tmp`, file);
    expect(await lock({ requestId: 'lk-file', orderCurrency: 'USD', amount: '100' })).toMatchObject({ listprice: '7.2', rateSource: 'test board', convertedAmount: '720', rateDateTime: '2026-11-22 09:00:00' });
    writeFileSync(`${file}.tmp`, '{"rates": [{"base": "USD", "quote": "CNY", "bid": 7.1, "ask": 7.2, "mid": 7.15}]}');
    renameSync(`${file}.tmp`, file);
    expect(await lock({ requestId: 'lk-file2', orderCurrency: 'USD' })).toMatchObject({ listprice: '7.2', rateSource: 'test board' });
    expect((await admin('PUT', `/merchants/${t.merchant.merchantId}/pricing`, { fxMarkupBps: 50 })).status).toBe(200);
    expect(await lock({ requestId: 'lk-markup', orderCurrency: 'USD', amount: '100' })).toMatchObject({ listprice: '7.236', convertedAmount: '724' });
    expect((await admin('PUT', `/merchants/${t.merchant.merchantId}/pricing`, { fxMarkupBps: 5000 })).status).toBe(400);
    const board = (await (await admin('GET', '/fx/rates')).json()) as { rates: unknown[] };
    expect(board.rates).toEqual([{ base: 'USD', quote: 'CNY', bid: '7', ask: '7.2', mid: '7.1', asOf: '2026-11-22T01:00:00.000Z', source: 'test board' }]);
    expect((await admin('PUT', `/merchants/${t.merchant.merchantId}/pricing`, { fxMarkupBps: 0 })).status).toBe(200);
  });

  it('charges the merchant\'s fee plan on a capture: in the query, the notification and the ledger; the capture rate is kept', async () => {
    const plans = [
      { method: 'CARD', currency: 'USD', percentBps: 290, fixedMinor: '30', minimumMinor: '50' },
      { method: 'CARD', currency: '*', percentBps: 300 },
    ];
    expect((await admin('PUT', `/merchants/${t.merchant.merchantId}/fee-plans`, { plans })).status).toBe(200);
    const bad = await admin('PUT', `/merchants/${t.merchant.merchantId}/fee-plans`, { plans: [{ method: 'CARD', currency: '*', fixedMinor: '10' }] });
    expect(bad.status).toBe(400);
    for (const [requestId, amount, currency, fee] of [
      ['fee-usd', '10000', 'USD', '320'], // 2.9% of 100.00 + 0.30
      ['fee-min', '100', 'USD', '50'], // the minimum
      ['fee-jpy', '1000', 'JPY', '30'], // 3%, any currency
    ] as const) {
      await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      const paid = await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId, cardNumber: '4242424242424242' });
      const order = await t.client.queryIccOrder({ requestId });
      expect(order.feeAmount, requestId).toBe(fee);
      const orderId = paid.serialNumber as string;
      const postings = await t.gateway.ledger.forOrder(orderId);
      expect(postings.filter((p) => p.journalKind === 'fee' && p.direction === 'C')).toEqual([expect.objectContaining({ account: 'fee_revenue', amountMinor: BigInt(fee), currency })]);
      const note = (await t.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson)).find((p) => p.status === 'SUCCESS');
      expect(note.feeAmount).toBe(fee);
      const captureRate = await t.gateway.crossBorder.quotes.forOrder(orderId);
      // The board replaced above quotes USD only: a JPY capture has no rate yet (settlement takes one).
      if (currency === 'USD') expect(captureRate).toMatchObject({ purpose: 'CAPTURE', base: 'USD', quote: 'CNY', side: 'bid', rate: '7' });
      else expect(captureRate).toBeUndefined();
    }
    expect([...(await t.gateway.ledger.imbalanceByCurrency()).values()].every((n) => n === 0n)).toBe(true);
  });
});
