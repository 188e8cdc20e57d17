/**
 * What the gateway leaves on disk is for its own user only: the data
 * directory 0700; the SQLite database, WAL and shm, the keys, the admin
 * token, the demo log-ins and any file created later (umask) 0600. A KEK
 * file that group or others can read stops the start with a message that
 * says how to fix it.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { loadKek } from '../../src/app.js';
import { openDatabase } from '../../src/store/database.js';
import { ensureDemoPortalUsers } from '../../src/portal/demo-users.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every file under a folder, with its mode. */
function filesUnder(dir: string): { path: string; mode: number }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .map((path) => ({ path, mode: modeOf(path) }));
}

describe.each(testDatabases())('file modes (%s)', (database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  it('keeps the data directory 0700 and every file in it 0600, the database and its WAL and shm included', async () => {
    // A write, so the WAL and shm exist; the demo log-ins file is written too.
    await t.client.createIccOrder({ requestId: 'modes-1', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await ensureDemoPortalUsers(t.gateway.accounts, t.config.dataDir, t.merchant.merchantId, t.baseUrl);
    expect(modeOf(t.config.dataDir)).toBe(0o700);
    const files = filesUnder(t.config.dataDir);
    if (database === 'sqlite') {
      for (const suffix of ['', '-wal', '-shm']) expect(files.map((f) => f.path), suffix).toContain(`${t.config.databaseUrl}${suffix}`);
    }
    expect(files.length).toBeGreaterThan(3);
    // The gateway's certificate is public by nature; everything else is private.
    const loose = files.filter((f) => (f.mode & 0o077) !== 0 && !f.path.endsWith('.cer'));
    expect(loose.map((f) => `${f.path} ${f.mode.toString(8)}`)).toEqual([]);
    // A file any part of the gateway creates from now on is private too: the umask is the gateway's.
    const later = join(t.config.dataDir, 'created-later');
    writeFileSync(later, 'x');
    expect(modeOf(later)).toBe(0o600);
  });

  it('tightens a database file left world-readable by an older install', async () => {
    if (database !== 'sqlite') return;
    const dir = mkdtempSync(join(tmpdir(), 'opencashier-modes-'));
    try {
      const file = join(dir, 'old.sqlite');
      writeFileSync(file, '');
      chmodSync(file, 0o644);
      const opened = await openDatabase(file, { migrate: false });
      await opened.close();
      expect(modeOf(file)).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start with a KEK file readable by group or others, saying how to fix it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencashier-kek-'));
    try {
      const config = loadConfig({ OPENCASHIER_DATA_DIR: dir, OPENCASHIER_DEMO_MERCHANT: 'false' } as NodeJS.ProcessEnv);
      expect(loadKek(config).generated).toBe(true);
      const kekFile = join(dir, 'kek');
      expect(modeOf(kekFile)).toBe(0o600);
      for (const mode of [0o644, 0o640, 0o604, 0o660]) {
        chmodSync(kekFile, mode);
        expect(() => loadKek(config), mode.toString(8)).toThrow(`chmod 600 ${kekFile}`);
        expect(() => loadKek(config), mode.toString(8)).toThrow(/group or others can read or write it/);
      }
      chmodSync(kekFile, 0o400);
      expect(loadKek(config).generated).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
