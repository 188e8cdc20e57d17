import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

/** The operator commands for the MD5-signed dialects' secrets, run as operators run them. */
describe('opencashier app-secret and form-key', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-secret-cli-'));
  const env = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env, cwd: dataDir })).stdout;
  const cliFails = async (...args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: dataDir }).then(() => undefined, (e: { code: number; stderr: string }) => e);

  beforeAll(async () => {
    await cli('migrate');
    await cli('merchant', 'create', '--id', '200000002', '--name', 'Shop', '--issue-keys', join(dataDir, 'keys-out'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('issues an app secret once, rotates it with an overlap, and keeps it sealed at rest', async () => {
    const issued = JSON.parse(await cli('app-secret', 'issue', '--merchant', '200000002')) as { appid: string; secret: string };
    expect(issued.appid).toBe('200000002001');
    expect(issued.secret).toMatch(/^[0-9a-f]{32}$/);
    expect(await cliFails('app-secret', 'issue', '--merchant', '200000002', '--app-id', issued.appid)).toMatchObject({ code: 2 });
    const rotated = JSON.parse(await cli('app-secret', 'rotate', '--merchant', '200000002', '--app-id', issued.appid, '--overlap-ms', '60000')) as { secret: string };
    expect(rotated.secret).not.toBe(issued.secret);

    const gateway = await createGateway(loadConfig(env as NodeJS.ProcessEnv), { migrate: false });
    try {
      const verifying = await gateway.secrets.verifying('global-json-app', issued.appid, Date.now());
      expect(verifying!.secrets.map((s) => s.reveal())).toEqual([rotated.secret, issued.secret]);
      const rows = await gateway.database.db.selectFrom('merchant_secrets').selectAll().execute();
      expect(JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(issued.secret);
    } finally {
      await gateway.close();
    }
  });

  it('issues the form gateway MD5 key of the merchant account (member code + 01)', async () => {
    const issued = JSON.parse(await cli('form-key', 'issue', '--merchant', '200000002')) as { merchantAcctId: string; key: string };
    expect(issued.merchantAcctId).toBe('20000000201');
    expect(await cliFails('form-key', 'rotate', '--merchant', '999999999')).toMatchObject({ code: 2 });
  });

  it('turns the form gateway anti-replay option on and off; refuses a bad value and an unknown merchant', async () => {
    const antiReplay = async () => {
      const gateway = await createGateway(loadConfig(env as NodeJS.ProcessEnv), { migrate: false });
      try {
        return (await gateway.merchants.find('200000002'))!.formAntiReplay;
      } finally {
        await gateway.close();
      }
    };
    expect(await antiReplay()).toBe(false);
    expect(JSON.parse(await cli('form-key', 'anti-replay', '--merchant', '200000002', '--set', 'on'))).toEqual({ merchantAcctId: '20000000201', antiReplay: 'on' });
    expect(await antiReplay()).toBe(true);
    expect(await cliFails('form-key', 'anti-replay', '--merchant', '200000002', '--set', 'maybe')).toMatchObject({ code: 2 });
    expect(await cliFails('form-key', 'anti-replay', '--merchant', '999999999', '--set', 'off')).toMatchObject({ code: 2 });
    expect(await antiReplay()).toBe(true);
    await cli('form-key', 'anti-replay', '--merchant', '200000002', '--set', 'off');
    expect(await antiReplay()).toBe(false);
  });
});
