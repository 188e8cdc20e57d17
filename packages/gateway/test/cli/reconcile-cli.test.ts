import { execFile } from 'node:child_process';
import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ensureDemoMerchant } from '../../src/provisioning.js';
import { parseIccOrderRequest } from '../../src/protocols/payease/icc-order-request.js';
import { payWithTestCard } from '../../src/orders/sandbox-payment.js';
import { verifyFile } from '../../src/reconciliation/reconciliation-file.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

/** The reconciliation commands, run as operators run them, against a day of real orders. */
describe('opencashier reconciliation-file and reconcile', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-recon-cli-'));
  const env = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  const cli = (...args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: dataDir }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
  let merchantId = '';
  const serials: string[] = [];

  beforeAll(async () => {
    // 2026-11-21 in Beijing: three payments, the last at 23:55, just before midnight.
    let now = Date.parse('2026-11-21T02:00:00Z');
    const gateway = await createGateway(loadConfig(env as NodeJS.ProcessEnv), { clock: () => now });
    try {
      const { info } = await ensureDemoMerchant(gateway.config, gateway.merchants, now);
      merchantId = info.merchantId;
      const merchant = (await gateway.merchants.find(merchantId))!;
      for (const [requestId, amount, currency, atIso] of [
        ['cli-r1', '10000', 'USD', '2026-11-21T02:00:00Z'],
        ['cli-r2', '5000', 'CNY', '2026-11-21T05:00:00Z'],
        ['cli-r3', '700', 'JPY', '2026-11-21T15:55:00Z'],
      ] as const) {
        now = Date.parse(atIso);
        const { order } = await gateway.orders.create(merchant, parseIccOrderRequest({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' }));
        await payWithTestCard(gateway.orders, order.orderId, '4242424242424242');
        serials.push(order.orderId);
      }
    } finally {
      await gateway.close();
    }
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes the file and its signature; the same file reconciles without a mismatch', async () => {
    const written = await cli('reconciliation-file', '--merchant', merchantId, '--date', '2026-11-21', '--out', dataDir);
    expect(written.code).toBe(0);
    const file = join(dataDir, `${merchantId}_2026-11-21.csv`);
    const csv = readFileSync(file);
    const certificate = new X509Certificate(readFileSync(join(dataDir, 'keys', 'gateway.cer')));
    expect(verifyFile(csv, readFileSync(`${file}.sig`, 'utf8').trim(), certificate)).toBe(true);
    expect(csv.toString()).toContain('#TRAILER,3,3,0,');
    const clean = await cli('reconcile', file, '--date', '2026-11-21', '--json');
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ matched: 3, mismatches: [], carried: [] });
  });

  it('reports every planted mismatch class, and carries an entry of the last minutes before midnight', async () => {
    const [usd, cny, jpy] = serials as [string, string, string];
    const statement = [
      'serialNumber,type,currency,amount,fee,status,time',
      `${usd},PAYMENT,USD,10001,0,SUCCESS,2026-11-21 10:00:00`, // amount
      `${cny},PAYMENT,CNY,5000,0,FAILED,2026-11-21 13:00:00`, // status
      `${usd},REFUND,USD,100,0,SUCCESS,2026-11-21 11:00:00`, // missing on our side
      // jpy (23:55) is absent: carried to the next day, not missing.
    ].join('\r\n');
    const path = join(dataDir, 'channel.csv');
    writeFileSync(path, statement);
    const result = await cli('reconcile', path, '--date', '2026-11-21', '--json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { mismatches: { class: string; serialNumber: string }[]; carried: { serialNumber: string }[] };
    expect(report.mismatches.map((m) => [m.class, m.serialNumber]).sort()).toEqual(
      [
        ['AMOUNT', usd],
        ['MISSING_OURS', usd],
        ['STATUS', cny],
      ].sort(),
    );
    expect(report.carried).toEqual([{ type: 'PAYMENT', serialNumber: jpy }]);
    // The CNY order is missing from a statement that lists only the USD one: missing on their side.
    writeFileSync(path, `serialNumber,type,currency,amount,status\r\n${usd},PAYMENT,EUR,10000,SUCCESS\r\n`);
    const text = await cli('reconcile', path, '--date', '2026-11-21');
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`CURRENCY\tPAYMENT\t${usd}`);
    expect(text.stdout).toContain(`MISSING_THEIRS\tPAYMENT\t${cny}`);
    expect(text.stdout).toContain(`CARRIED\tPAYMENT\t${jpy}`);
  });
});
