import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startGateway } from './cli-process.js';

/**
 * One gateway per SQLite data directory, and the CLI knows where it
 * listens. The lock is SQLite's (several nodes share a PostgreSQL
 * database), so this runs on a SQLite data directory of its own.
 */
describe('opencashier start on a SQLite data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-lock-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'info' }; // the start-up line is an info event
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('listens on --port, refuses a second gateway with a clear message, and sandbox merchant names the running gateway', async () => {
    const port = await freePort();
    const first = await startGateway(env, dataDir, '--port', String(port));
    try {
      expect(first.stdout()).toContain(`OpenCashier listening on 127.0.0.1:${port} (public URL http://127.0.0.1:${port})`);
      expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(JSON.parse(readFileSync(join(dataDir, 'gateway.lock'), 'utf8'))).toMatchObject({ pid: first.child.pid, baseUrl: `http://127.0.0.1:${port}` });

      const second = await runCli(env, dataDir, 'start', '--port', String(await freePort()));
      expect(second.code).toBe(4);
      expect(second.stderr).toContain(`another gateway (pid ${first.child.pid}, http://127.0.0.1:${port}) is running on the data directory`);
      expect(second.stderr).toContain('give this one its own OPENCASHIER_DATA_DIR');

      // This shell's PORT is not the running gateway's: the JSON names the one clients must reach.
      const info = await runCli({ ...env, PORT: '8080' }, dataDir, 'sandbox', 'merchant', '--json');
      expect(info.code).toBe(0);
      expect(JSON.parse(info.stdout).baseUrl).toBe(`http://127.0.0.1:${port}`);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    // Stopped: the lock is gone, and the configured URL answers again.
    expect(existsSync(join(dataDir, 'gateway.lock'))).toBe(false);
    const after = await runCli({ ...env, PORT: '9123' }, dataDir, 'sandbox', 'merchant', '--json');
    expect(JSON.parse(after.stdout).baseUrl).toBe('http://127.0.0.1:9123');
  });
});
