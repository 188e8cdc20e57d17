import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { verifyFile, COLUMNS, reconciliationChunks } from '../src/reconciliation/reconciliation-file.js';
import { ReconciliationRepository, sqliteFileOf } from '../src/store/reconciliation-repository.js';
import { FxQuoteRepository } from '../src/store/fx-quote-repository.js';

const ADMIN = 'recon-admin-token';

describe.each(testDatabases())('daily reconciliation files (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.parse('2026-11-21T01:00:00Z'); // 09:00 Beijing on the 21st
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  const download = (businessDate: string) => t.client.call('reconciliation/download', { merchantId: t.merchant.merchantId, businessDate });
  async function order(requestId: string, amount: string, currency: string, card = '4242424242424242'): Promise<string> {
    await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', remark: 'r' });
    return (await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId, cardNumber: card })).serialNumber as string;
  }

  it('lists the day\'s payments and refunds with a balancing trailer, signed, identical when regenerated', async () => {
    await fetch(`${t.baseUrl}/admin/v1/merchants/${t.merchant.merchantId}/fee-plans`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plans: [{ method: 'CARD', currency: '*', percentBps: 100 }] }),
    });
    const usd = await order('rc-usd', '10000', 'USD');
    await order('rc-cny', '2000', 'CNY');
    await order('rc-declined', '500', 'EUR', '4000000000000002');
    await order('rc, "quoted"', '300', 'JPY');
    await t.client.refund({ requestId: 'rc-usd-r', orderId: usd, amount: '1000' });
    now = Date.parse('2026-11-21T16:30:00Z'); // 00:30 on the 22nd: a payment of the next day
    await order('rc-next-day', '100', 'USD');

    await expect(download('2026-11-21')).rejects.toMatchObject({ code: 'RECONCILIATION_NOT_READY' });
    now = Date.parse('2026-11-21T22:00:00Z'); // 06:00 on the 22nd
    const links = await download('2026-11-21');
    const csv = await (await fetch(links.downloadUrl as string)).text();
    const signature = (await (await fetch(links.signatureUrl as string)).text()).trim();
    expect(verifyFile(csv, signature, t.gateway.keys.current.certificate)).toBe(true);
    expect(verifyFile(csv.replace('10000', '10001'), signature, t.gateway.keys.current.certificate)).toBe(false);

    const lines = csv.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(`#OPENCASHIER-RECONCILIATION,v1,${t.merchant.merchantId},2026-11-21,Asia/Shanghai`);
    expect(lines[1]).toBe(COLUMNS.join(','));
    const rows = lines.filter((l) => !l.startsWith('#')).slice(1);
    expect(rows).toHaveLength(5);
    expect(rows.find((r) => r.includes(',rc-usd,'))).toMatch(new RegExp(`^2026-11-21 09:00:00,2026-11-21 09:00:00,rc-usd,${usd},${usd},PAYMENT,CARD,USD,10000,100,71000,7.1,SUCCESS$`));
    expect(rows.some((r) => r.includes('"rc, ""quoted""",'))).toBe(true);
    // A declined payment was never captured: no settlement rate, so no CNY amount.
    expect(rows.some((r) => /,rc-declined,[0-9a-f]{32},[0-9a-f]{32},PAYMENT,CARD,EUR,500,0,,,FAILED$/.test(r))).toBe(true);
    expect(rows.at(-1)).toMatch(/,rc-usd-r,rf[0-9a-f]+,[0-9a-f]{32},REFUND,CARD,USD,1000,0,7100,7.1,SUCCESS$/);
    expect(csv).not.toContain('rc-next-day');
    // The trailer balances with the rows (SUCCESS only): USD 71000 − 710 fee − 7100 refund; CNY 2000 − 20; JPY ¥300 × 0.047 = 14.10 − fee ¥3 × 0.047 = 0.141.
    expect(lines).toContain('#TOTAL,USD,1,10000,1,1000,100');
    expect(lines).toContain('#TOTAL,CNY,1,2000,0,0,20');
    expect(lines).toContain('#TOTAL,JPY,1,300,0,0,3');
    expect(lines.at(-1)).toBe(`#TRAILER,5,4,1,${71000 - 710 - 7100 + 2000 - 20 + 1410 - 14}`);

    // Regenerated later, through the admin API: the same bytes and the same signature.
    now += 3_600_000;
    const again = await fetch(`${t.baseUrl}/admin/v1/merchants/${t.merchant.merchantId}/reconciliation/2026-11-21.csv`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await again.text()).toBe(csv);
    const sigAgain = await fetch(`${t.baseUrl}/admin/v1/merchants/${t.merchant.merchantId}/reconciliation/2026-11-21.csv.sig`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect((await sigAgain.text()).trim()).toBe(signature);

    // Both ways of reading the day (SQLite's stream on a connection of its own, keyset pages of
    // any size through the query builder) write the same bytes.
    const db = t.gateway.database.db;
    const read = async (entries: ReconciliationRepository, pageRows: number) => {
      let text = '';
      for await (const chunk of reconciliationChunks({ entries, quotes: new FxQuoteRepository(db), timeZone: 'Asia/Shanghai', pageRows }, t.merchant.merchantId, '2026-11-21')) text += chunk;
      return text;
    };
    expect(await read(new ReconciliationRepository(db), 2)).toBe(csv);
    const file = sqliteFileOf(t.config.databaseUrl);
    if (file) expect(await read(new ReconciliationRepository(db, { sqliteFile: file }), 2)).toBe(csv);
  });

  it('download links are bound to merchant, day and expiry', async () => {
    const links = await download('2026-11-21');
    const url = links.downloadUrl as string;
    expect((await fetch(url.replace('2026-11-21/', '2026-11-20/'))).status).toBe(404);
    expect((await fetch(url.replace(/\.([A-Za-z0-9_-]{10})/, '.AAAAAAAAAA'))).status).toBe(404);
    now += 16 * 60_000;
    expect((await fetch(url)).status).toBe(404);
    await expect(download('2026-02-30')).rejects.toMatchObject({ code: 'FIELD_INVALID' });
  });
});
