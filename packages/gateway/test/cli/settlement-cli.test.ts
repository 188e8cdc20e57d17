import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { parseIccOrderRequest } from '../../src/protocols/payease/icc-order-request.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';
import { runCli } from './cli-process.js';

/** `opencashier settlement run --date today`: settlement tried on the first day, with the sandbox merchant. */
describe(`opencashier settlement run (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-settlement-cli-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  let database: FreshDatabase;
  const cli = (...args: string[]) => runCli(env, dataDir, ...args);

  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    env.OPENCASHIER_DATABASE_URL = database.url;
    expect((await cli('migrate')).code).toBe(0);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("settles the sandbox merchant's payments of today, with the chargebacks column, and refuses a live merchant's open day", async () => {
    const info = JSON.parse((await cli('sandbox', 'merchant', '--json')).stdout);
    const gateway = await createGateway(loadConfig(env as NodeJS.ProcessEnv), { migrate: false });
    try {
      const merchant = (await gateway.merchants.find(info.merchantId))!;
      await gateway.orders.create(merchant, parseIccOrderRequest({ requestId: 'day-one-1', orderAmount: '5000', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' }));
      await gateway.merchants.create({ merchantId: '300000002', name: 'Live Shop', sandbox: false, allowedHosts: ['shop.example'] }, Date.now());
    } finally {
      await gateway.close();
    }
    expect((await cli('sandbox', 'pay', '--merchant', info.merchantId, '--request-id', 'day-one-1', '--card', '4242424242424242')).code).toBe(0);

    const run = await cli('settlement', 'run', '--date', 'today', '--json');
    expect(run.code).toBe(0);
    const [batch, ...others] = JSON.parse(run.stdout);
    expect(others).toEqual([]);
    expect(batch).toMatchObject({ merchantId: info.merchantId, currency: 'CNY', captured: '50.00', refunded: '0.00', chargebacks: '0.00', lineCount: 1, provisional: true });
    expect(run.stderr).toContain(`settling ${info.merchantId} for ${batch.businessDate} (1 of 1)`);

    const text = await cli('settlement', 'run', '--date', 'today', '--merchant', info.merchantId);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^merchant\s+date\s+captured\s+refunded\s+chargebacks\s+fees\s+net CNY\s+lines$/);
    expect(text.stdout).toContain('(so far today)');

    const live = await cli('settlement', 'run', '--date', 'today', '--merchant', '300000002');
    expect(live.code).toBe(2);
    expect(live.stderr).toContain('SETTLEMENT_DAY_OPEN');
    expect((await cli('settlement', 'run', '--date', 'someday')).code).toBe(2);
  });
});
