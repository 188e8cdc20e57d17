/**
 * Operable output: the started gateway writes only JSON lines to stdout and
 * stderr, and its start-up line names the address it is bound to (not only
 * the public URL, which may be a proxy's).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness.js';
import { GatewayProcess } from './gateway-process.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

describe(`start-up output (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-startup-'));
  let database: FreshDatabase | undefined;
  let gateway: GatewayProcess | undefined;
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is JSON, one event a line, and names the bound address', async () => {
    database = await freshTestDatabase(dataDir);
    const port = await freePort();
    gateway = new GatewayProcess(
      {
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_DATABASE_URL: database.url,
        OPENCASHIER_KEK: randomBytes(32).toString('base64'),
        PORT: String(port),
        HOST: '127.0.0.1',
        OPENCASHIER_PUBLIC_BASE_URL: 'https://pay.example.com',
        OPENCASHIER_LOG_LEVEL: 'info',
      },
      dataDir,
      undefined,
      // The public URL is a proxy's here: readiness is checked on the port itself.
      `http://127.0.0.1:${port}`,
    );
    await gateway.start();
    const lines = gateway.output.replace(/\[gen \d+\] /g, '').split('\n').filter((line) => line.trim() !== '');
    const events = lines.map((line) => {
      try {
        return JSON.parse(line) as { msg?: string; address?: string; time?: unknown };
      } catch {
        throw new Error(`not a JSON line: ${line}`);
      }
    });
    const listening = events.find((e) => e.msg?.startsWith('OpenCashier listening on'));
    expect(listening).toMatchObject({ address: `127.0.0.1:${port}` });
    expect(listening!.msg).toContain(`listening on 127.0.0.1:${port} (public URL https://pay.example.com)`);
  });
});
