/**
 * `migrate status` and `migrate up --dry-run` report without changing
 * anything; a schema migrated by a newer gateway is refused by `migrate up`
 * and by `start`.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase } from '../../src/store/database.js';
import { freePort } from '../harness.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

describe(`opencashier migrate status and up --dry-run (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-migrate-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  let database: FreshDatabase;
  const cli = (...args: string[]) =>
    run(process.execPath, [CLI, ...args], { env, cwd: dataDir }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const status = async () => JSON.parse((await cli('migrate', 'status', '--json')).stdout) as { known: { name: string; applied: boolean }[]; unknownApplied: string[] };

  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    env.OPENCASHIER_DATABASE_URL = database.url;
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reports every migration pending on an empty database; the dry run lists them and applies none', async () => {
    const before = await status();
    expect(before.known.length).toBeGreaterThan(10);
    expect(before.known.every((m) => !m.applied)).toBe(true);
    const dry = await cli('migrate', 'up', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would apply:');
    expect(dry.stdout).toContain('0001_core');
    expect((await status()).known.every((m) => !m.applied)).toBe(true);
  });

  it('applies them with migrate up, after which status shows all applied and the dry run has nothing to do', async () => {
    const up = await cli('migrate', 'up');
    expect(up.stdout).toContain('0100_cluster_identity');
    expect((await status()).known.every((m) => m.applied)).toBe(true);
    expect((await cli('migrate', 'up', '--dry-run')).stdout).toContain('nothing to apply');
    expect((await cli('migrate', 'status')).stdout).toMatch(/^applied {2}0001_core$/m);
  });

  it('refuses a schema migrated by a newer gateway: status exits 3, migrate up and start refuse, naming the migration', async () => {
    const opened = await openDatabase(database.url, { migrate: false });
    try {
      await sql`insert into kysely_migration (name, timestamp) values ('9999_from_a_newer_gateway', '2030-01-01T00:00:00.000Z')`.execute(opened.db);
    } finally {
      await opened.close();
    }
    const shown = await cli('migrate', 'status');
    expect(shown.code).toBe(3);
    expect(shown.stdout).toContain('unknown  9999_from_a_newer_gateway');
    const up = await cli('migrate', 'up');
    expect(up.code).toBe(2);
    expect(up.stderr).toContain('newer than this gateway understands');
    const port = await freePort();
    const start = await run(process.execPath, [CLI, 'start'], { env: { ...env, PORT: String(port), OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}` }, cwd: dataDir }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('9999_from_a_newer_gateway');
  });

  it('documents both commands in --help', async () => {
    expect((await cli('migrate', 'status', '--help')).stdout).toContain('changes nothing');
    expect((await cli('migrate', 'up', '--help')).stdout).toContain('--dry-run');
  });
});
