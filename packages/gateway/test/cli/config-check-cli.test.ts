/**
 * Strict configuration, seen from the command line: `config check` prints
 * what the gateway would start with, secrets masked, and refuses a mistyped
 * variable; `start` against an unreachable database keeps trying with
 * back-off, naming the server each time, and then exits with that name.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness.js';
import { testDatabaseKind } from '../../src/test-support/test-database.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

describe(`opencashier config check and start-up retries (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-config-'));
  const kek = randomBytes(32).toString('base64');
  const env = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: kek, OPENCASHIER_LOG_LEVEL: 'warn' };
  const cli = (extra: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [CLI, ...args], { env: { ...env, ...extra }, cwd: dataDir }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints the effective configuration with the KEK, the admin token and the database password masked', async () => {
    const { code, stdout } = await cli(
      { OPENCASHIER_ADMIN_TOKEN: 'admin-secret-token', OPENCASHIER_DATABASE_URL: 'postgres://gateway:db-secret-pw@db.internal:5432/opencashier', OPENCASHIER_PUBLIC_BASE_URL: 'https://pay.example.com' },
      'config',
      'check',
    );
    expect(code).toBe(0);
    const shown = JSON.parse(stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ kekBase64: '[redacted]', adminToken: '[redacted]', publicBaseUrl: 'https://pay.example.com', dataDir, kekPreviousBase64: null });
    expect(shown.databaseUrl).toBe('postgres://gateway:%5Bredacted%5D@db.internal:5432/opencashier');
    for (const secret of [kek, 'admin-secret-token', 'db-secret-pw']) expect(stdout).not.toContain(secret);
  });

  it('refuses a mistyped variable or a public URL that is no URL, with exit code 2', async () => {
    const typo = await cli({ OPENCASHIER_PUBLIC_BASEURL: 'https://pay.example.com' }, 'config', 'check');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean OPENCASHIER_PUBLIC_BASE_URL?');
    const notUrl = await cli({ OPENCASHIER_PUBLIC_BASE_URL: 'notaurl' }, 'config', 'check');
    expect(notUrl.code).toBe(2);
    expect(notUrl.stderr).toContain('publicBaseUrl notaurl is not a URL');
  });

  it('start keeps trying an unreachable database, naming it, then exits saying what and where', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await cli(
      { OPENCASHIER_DATABASE_URL: `postgres://gateway:pw@127.0.0.1:${port}/opencashier`, OPENCASHIER_DATABASE_START_WAIT_MS: '1500', PORT: String(await freePort()) },
      'start',
    );
    expect(code).toBe(1);
    const retries = stdout.split('\n').filter((line) => line.includes(`database unreachable: PostgreSQL at 127.0.0.1:${port}/opencashier (ECONNREFUSED`));
    expect(retries.length).toBeGreaterThanOrEqual(2);
    expect(stderr).toContain(`PostgreSQL at 127.0.0.1:${port}/opencashier`);
    expect(stderr).toContain('check OPENCASHIER_DATABASE_URL');
    expect(stdout + stderr).not.toContain('pw@');
  });

  it('documents config check in --help', async () => {
    expect((await cli({}, 'config', 'check', '--help')).stdout).toContain('secrets masked');
  });
});
