import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayEaseClient } from '@opencashier/sdk';
import { freePort } from '../harness.js';
import { GatewayProcess } from './gateway-process.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

/**
 * SIGTERM stops taking connections, lets requests in flight finish and exits
 * 0: every order the gateway answered SUCCESS for is there after a restart.
 */
describe(`graceful stop (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-stop-'));
  let database: FreshDatabase;
  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes what it answered, exits 0, and keeps every acknowledged order', async () => {
    const port = await freePort();
    const gateway = new GatewayProcess(
      {
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_DATABASE_URL: database.url,
        OPENCASHIER_KEK: randomBytes(32).toString('base64'),
        PORT: String(port),
        OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        OPENCASHIER_LOG_LEVEL: 'warn',
        OPENCASHIER_CRYPTO_THREADS: '2',
      },
      dataDir,
    );
    await gateway.start();
    const info = JSON.parse(readFileSync(join(dataDir, 'demo-merchant', 'merchant.json'), 'utf8'));
    const client = PayEaseClient.fromFiles(info);
    const order = (i: number) => ({ requestId: `stop-${i}`, orderAmount: String(1000 + i), orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    const inFlight = Array.from({ length: 30 }, (_, i) => client.createIccOrder(order(i)).then((a) => a, () => undefined));
    // Stop once the first answer is in, with the others still in flight.
    await Promise.race(inFlight);
    await gateway.stop();
    expect(gateway.exitCode, gateway.output.slice(-3000)).toBe(0);
    const answered = (await Promise.all(inFlight)).filter((a) => a?.status === 'SUCCESS');
    expect(answered.length).toBeGreaterThan(0);
    await gateway.start();
    try {
      for (const a of answered) {
        const q = await client.queryIccOrder({ requestId: a!.requestId });
        expect(q.serialNumber).toBe(a!.paymentOrderId);
      }
    } finally {
      await gateway.stop();
    }
  });
});
