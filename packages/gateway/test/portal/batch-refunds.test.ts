import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, type PortalClient } from './portal-client.js';
import { parseCsv } from '../../src/portal/csv-parse.js';

describe.each(testDatabases())('batch refunds from CSV (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let finance: PortalClient;
  let support: PortalClient;
  const paid: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    finance = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', t.merchant.merchantId)).client;
    support = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId)).client;
    for (const requestId of ['batch-1', 'batch-2']) {
      const created = await t.client.createIccOrder({ requestId, orderAmount: '5000', orderCurrency: 'EUR', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
      paid.push(created.paymentOrderId!);
    }
  });
  afterAll(async () => t?.close());

  it('refunds each row through the refund core, answers per row, and replays when the same file comes again', async () => {
    const csv = [
      'serialNumber,requestId,amountMinor,remark',
      `${paid[0]},b-rf-1,1000,"damaged, returned"`,
      `${paid[1]},b-rf-2,,`,
      `${paid[0]},b-rf-3,999999,too much`,
      `no-such-order,b-rf-4,100,`,
      `${paid[0]},,100,no number`,
    ].join('\r\n');
    const first = await finance.post('/m/refunds/batch', { csv });
    expect(first.status).toBe(200);
    expect(first.json.rows.map((r: { line: number; outcome: string; code: string | null }) => [r.line, r.outcome, r.code])).toEqual([
      [2, 'created', null],
      [3, 'created', null],
      [4, 'refused', 'REFUND_AMOUNT_EXCEEDED'],
      [5, 'refused', 'ORDER_NOT_FOUND'],
      [6, 'refused', 'FIELD_MISSING'],
    ]);
    expect(first.json.rows[1]).toMatchObject({ state: 'SUCCESS', amountMinor: '5000' });
    expect((await t.gateway.refunds.forOrder(paid[0]!)).map((r) => [r.amountMinor, r.remark])).toEqual([[1000n, 'damaged, returned']]);

    const again = await finance.post('/m/refunds/batch', { csv });
    expect(again.json.rows.slice(0, 2).map((r: { outcome: string }) => r.outcome)).toEqual(['replayed', 'replayed']);
    expect(await t.gateway.refunds.forOrder(paid[0]!)).toHaveLength(1);
    const audit = await t.gateway.accounts.audit.list({ merchantId: t.merchant.merchantId, limit: 50 });
    expect(audit.filter((e) => e.action === 'refund.batch').map((e) => e.after)).toEqual([
      { created: 0, replayed: 2, refused: 3 },
      { created: 2, replayed: 0, refused: 3 },
    ]);
  });

  it('refuses a file without the column header, and refuses support staff', async () => {
    const bad = await finance.post('/m/refunds/batch', { csv: `${paid[0]},x,1\n` });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toContain('serialNumber');
    expect((await support.post('/m/refunds/batch', { csv: 'serialNumber,requestId\n' })).status).toBe(403);
  });

  it('reads CSV as spreadsheets write it', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n\n1,\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
    ]);
  });
});
