/**
 * Offline bank remittance (`OFFLINE-P2P`) on every database: the order
 * answers the payee account and postscript; an operator records incoming
 * transfers through the admin API and the CLI. Exact amounts settle the
 * order (or are refunded when it had expired), short and over payments are
 * held and reported, unknown postscripts are reported as unmatched.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';

const CLI = fileURLToPath(new URL('../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

describe.each(testDatabases())('offline remittance (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.now();
  let token: string;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false, clock: () => now });
    token = readFileSync(join(t.config.dataDir, 'admin-token'), 'utf8').trim();
  });
  afterAll(async () => t?.close());

  const order = async (requestId: string, extra: Record<string, string> = {}) => {
    const answer = await t.client.createOnlinePayOrder({ requestId, orderAmount: '50000', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', paymentModeCode: 'OFFLINE-P2P', ...extra });
    return answer as typeof answer & { payeeInfo: Record<string, string> };
  };
  const record = async (body: Record<string, unknown>) => {
    const response = await fetch(`${t.baseUrl}/admin/v1/remittances`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const statusOf = async (requestId: string) => (await t.client.queryOnlinePayOrder({ requestId })).status;
  let seq = 0;
  const bankRef = () => `BANK${++seq}-${Date.now()}`;

  it('answers the payee account and a postscript that names the order', async () => {
    const answer = await order('rm-info');
    expect(answer.status).toBe('SUCCESS');
    expect(Object.keys(answer.payeeInfo).sort()).toEqual(['accountNumber', 'bankUnionNumber', 'branchBank', 'payee', 'postscriptNumber', 'remittancesAddress']);
    expect(answer.payeeInfo.postscriptNumber).toMatch(/^OC[2-9A-HJ-NP-Z]{10}$/);
    expect((await order('rm-info')).payeeInfo.postscriptNumber).toBe(answer.payeeInfo.postscriptNumber);
  });

  it('an exact transfer settles the order and notifies; recording it again changes nothing', async () => {
    const answer = await order('rm-exact');
    const postscript = answer.payeeInfo.postscriptNumber!;
    const reference = bankRef();
    // As payers type it: lower case, with spaces.
    const typed = `${postscript.slice(0, 5).toLowerCase()} ${postscript.slice(5)}`;
    const first = await record({ bankReference: reference, postscript: typed, amount: '50000', currency: 'CNY', payerName: 'Zhang San' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ outcome: 'SETTLED', postscript, amountMinor: '50000', replayed: false, order: { requestId: 'rm-exact', status: 'SUCCESS' } });
    const again = await record({ bankReference: reference, postscript: typed, amount: '50000', currency: 'CNY' });
    expect(again).toMatchObject({ status: 200, body: { outcome: 'SETTLED', replayed: true } });
    expect(await t.client.queryOnlinePayOrder({ requestId: 'rm-exact' })).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'OFFLINE-P2P', payment: { amount: '50000', currency: 'CNY', status: 'SUCCESS' } });
    const notes = await t.gateway.notifications.forOrder(answer.paymentOrderId!);
    expect(notes.map((n) => JSON.parse(n.payloadJson).status)).toEqual(['SUCCESS']);
    // A second transfer for the paid order is held, not taken twice.
    expect((await record({ bankReference: bankRef(), postscript, amount: '50000', currency: 'CNY' })).body.outcome).toBe('HELD_ALREADY_PAID');
  });

  it('short, over and other-currency transfers are held for review; an unknown postscript is unmatched; all are reported', async () => {
    const short = await order('rm-short');
    const over = await order('rm-over');
    const yen = await order('rm-currency');
    expect((await record({ bankReference: bankRef(), postscript: short.payeeInfo.postscriptNumber, amount: '49999', currency: 'CNY' })).body.outcome).toBe('HELD_SHORT');
    expect((await record({ bankReference: bankRef(), postscript: over.payeeInfo.postscriptNumber, amount: '50001', currency: 'CNY' })).body.outcome).toBe('HELD_OVER');
    expect((await record({ bankReference: bankRef(), postscript: yen.payeeInfo.postscriptNumber, amount: '50000', currency: 'JPY' })).body.outcome).toBe('HELD_CURRENCY');
    const unknown = await record({ bankReference: bankRef(), postscript: 'OCZZZZZZZZZZ', amount: '50000', currency: 'CNY' });
    expect(unknown.body).toMatchObject({ outcome: 'UNMATCHED', orderId: null });
    for (const id of ['rm-short', 'rm-over', 'rm-currency']) expect(await statusOf(id)).toBe('INIT');
    const report = await fetch(`${t.baseUrl}/admin/v1/remittances?outcome=HELD_SHORT,HELD_OVER,UNMATCHED`, { headers: { authorization: `Bearer ${token}` } });
    const listed = ((await report.json()) as { transfers: { outcome: string; postscript: string }[] }).transfers;
    expect(new Set(listed.map((x) => x.outcome))).toEqual(new Set(['HELD_SHORT', 'HELD_OVER', 'UNMATCHED']));
    expect(listed.map((x) => x.postscript)).toContain(short.payeeInfo.postscriptNumber);
  });

  it('an exact transfer for an order that expired is recorded and refunded automatically', async () => {
    const answer = await order('rm-late', { timeout: '60' });
    now += 61 * 60_000;
    await t.gateway.orders.expireDue(100);
    expect(await statusOf('rm-late')).toBe('CANCEL');
    const late = await record({ bankReference: bankRef(), postscript: answer.payeeInfo.postscriptNumber, amount: '50000', currency: 'CNY' });
    expect(late.body.outcome).toBe('REFUNDED_LATE');
    const refunds = await t.gateway.refunds.forOrder(answer.paymentOrderId!);
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ origin: 'LATE_APPROVAL_REVERSAL', state: 'SUCCESS', amountMinor: 50000n });
  });

  it('refuses a transfer without a bank reference or with a bad amount, recording nothing', async () => {
    expect(await record({ postscript: 'OCZZZZZZZZZZ', amount: '1', currency: 'CNY' })).toMatchObject({ status: 400, body: { code: 'FIELD_MISSING' } });
    expect(await record({ bankReference: bankRef(), postscript: 'OCZZZZZZZZZZ', amount: '-5', currency: 'CNY' })).toMatchObject({ status: 400, body: { code: 'AMOUNT_INVALID' } });
    expect(await record({ bankReference: bankRef(), postscript: 'OCZZZZZZZZZZ', amount: '5', currency: 'XXX' })).toMatchObject({ status: 400, body: { code: 'CURRENCY_UNSUPPORTED' } });
    const unauthorised = await fetch(`${t.baseUrl}/admin/v1/remittances`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unauthorised.status).toBe(401);
  });

  it('the CLI records a transfer and lists the held ones', async () => {
    const answer = await order('rm-cli');
    const env = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: t.config.dataDir, OPENCASHIER_KEK: t.config.kekBase64!, OPENCASHIER_DATABASE_URL: t.config.databaseUrl, OPENCASHIER_LOG_LEVEL: 'silent' };
    const cli = async (...args: string[]) => JSON.parse((await run(process.execPath, [CLI, ...args], { env })).stdout) as Record<string, unknown>;
    const recorded = await cli('remittance', 'record', '--bank-reference', bankRef(), '--postscript', answer.payeeInfo.postscriptNumber!, '--amount', '50000', '--currency', 'CNY');
    expect(recorded).toMatchObject({ outcome: 'SETTLED', orderState: 'SUCCESS' });
    expect(await statusOf('rm-cli')).toBe('SUCCESS');
    const held = (await cli('remittance', 'list', '--outcome', 'HELD_SHORT')) as unknown as { outcome: string }[];
    expect(held.length).toBeGreaterThanOrEqual(1);
    expect(held.every((x) => x.outcome === 'HELD_SHORT')).toBe(true);
  });
});
