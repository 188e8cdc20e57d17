/**
 * No demo in production, and merchants made whole or not at all: the built
 * CLI, run as an operator runs it, against a fresh data directory.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { parseIccOrderRequest } from '../../src/protocols/payease/icc-order-request.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

describe(`opencashier sandbox and merchant life cycle (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-cli-life-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  let database: FreshDatabase;
  const cli = async (extra: Record<string, string>, ...args: string[]) => (await run(process.execPath, [CLI, ...args], { env: { ...env, ...extra }, cwd: dataDir })).stdout;
  const cliFails = async (extra: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [CLI, ...args], { env: { ...env, ...extra }, cwd: dataDir }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
  const merchantIds = async () => (JSON.parse(await cli({}, 'merchant', 'list')) as { merchantId: string }[]).map((m) => m.merchantId);

  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    env.OPENCASHIER_DATABASE_URL = database.url;
    await cli({}, 'migrate');
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sandbox merchant refuses, creating nothing, when the demo merchant is off or the install is production', async () => {
    const off = await cliFails({ OPENCASHIER_DEMO_MERCHANT: 'false' }, 'sandbox', 'merchant', '--json');
    expect(off).toMatchObject({ code: 2 });
    expect(off!.stderr).toContain('the demo merchant is switched off (OPENCASHIER_DEMO_MERCHANT=false)');
    const production = await cliFails({ OPENCASHIER_DEMO_MERCHANT: 'false', OPENCASHIER_ENVIRONMENT: 'production' }, 'sandbox', 'merchant', '--json');
    expect(production).toMatchObject({ code: 2 });
    expect(production!.stderr).toContain('this install is production');
    expect(await merchantIds()).toEqual([]);
    expect(existsSync(join(dataDir, 'demo-merchant'))).toBe(false);
  });

  it('refuses a production install that leaves the demo merchant on, and every sandbox command in production', async () => {
    const demoOn = await cliFails({ OPENCASHIER_ENVIRONMENT: 'production' }, 'merchant', 'list');
    // A configuration refusal: exit code 3 (docs/operations.md, exit codes).
    expect(demoOn).toMatchObject({ code: 3 });
    expect(demoOn!.stderr).toContain('set OPENCASHIER_DEMO_MERCHANT=false');
    const pay = await cliFails({ OPENCASHIER_DEMO_MERCHANT: 'false', OPENCASHIER_ENVIRONMENT: 'production' }, 'sandbox', 'pay', '--merchant', '100000001', '--request-id', 'x', '--card', '4242424242424242');
    expect(pay).toMatchObject({ code: 2 });
    expect(pay!.stderr).toContain('sandbox pay refused: this install is production');
  });

  it('merchant create checks every input before writing: a wrong certificate path, a non-certificate or a bad host leaves no merchant', async () => {
    const notThere = await cliFails({}, 'merchant', 'create', '--id', '400000001', '--name', 'Shop', '--cert', join(dataDir, 'missing.cer'));
    expect(notThere).toMatchObject({ code: 2 });
    expect(notThere!.stderr).toContain('no such file');
    const junk = join(dataDir, 'junk.cer');
    writeFileSync(junk, 'not a certificate');
    const notACertificate = await cliFails({}, 'merchant', 'create', '--id', '400000001', '--name', 'Shop', '--cert', junk);
    expect(notACertificate).toMatchObject({ code: 2 });
    expect(notACertificate!.stderr).toContain('is not a certificate');
    const badHost = await cliFails({}, 'merchant', 'create', '--id', '400000001', '--name', 'Shop', '--allowed-hosts', 'shop.example,http://x/', '--issue-keys', join(dataDir, 'k'));
    expect(badHost).toMatchObject({ code: 2 });
    expect(badHost!.stderr).toContain('http://x/ is not a host name');
    expect(existsSync(join(dataDir, 'k'))).toBe(false);
    const both = await cliFails({}, 'merchant', 'create', '--id', '400000001', '--name', 'Shop', '--cert', junk, '--issue-keys', join(dataDir, 'k'));
    expect(both).toMatchObject({ code: 2 });
    const blankName = await cliFails({}, 'merchant', 'create', '--id', '400000001', '--name', '  ', '--issue-keys', join(dataDir, 'k'));
    expect(blankName).toMatchObject({ code: 2 });
    expect(await merchantIds()).toEqual([]);
  });

  it('merchant delete removes a merchant that never took an order, and refuses one that did', async () => {
    const created = JSON.parse(await cli({}, 'merchant', 'create', '--id', '400000002', '--name', 'Mistake', '--issue-keys', join(dataDir, 'issued')));
    expect(created.merchantId).toBe('400000002');
    expect(await merchantIds()).toEqual(['400000002']);
    expect(await cli({}, 'merchant', 'delete', '--id', '400000002')).toContain('merchant 400000002 deleted');
    expect(await merchantIds()).toEqual([]);
    expect(await cliFails({}, 'merchant', 'delete', '--id', '400000002')).toMatchObject({ code: 2, stderr: expect.stringContaining('no merchant 400000002') });

    await cli({}, 'merchant', 'create', '--id', '400000003', '--name', 'Trading', '--sandbox', '--allowed-hosts', '127.0.0.1', '--issue-keys', join(dataDir, 'issued'));
    const gateway = await createGateway(loadConfig(env as NodeJS.ProcessEnv), { migrate: false });
    try {
      const merchant = (await gateway.merchants.find('400000003'))!;
      await gateway.orders.create(merchant, parseIccOrderRequest({ requestId: 'life-1', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' }));
    } finally {
      await gateway.close();
    }
    const refused = await cliFails({}, 'merchant', 'delete', '--id', '400000003');
    expect(refused).toMatchObject({ code: 2 });
    expect(refused!.stderr).toContain('has taken orders');
    expect(await merchantIds()).toEqual(['400000003']);
  });

  it('documents merchant delete in --help', async () => {
    expect(await cli({}, 'merchant', 'delete', '--help')).toContain('never took an order');
  });
});
