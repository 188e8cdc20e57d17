import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness.js';
import { GatewayProcess } from '../restart/gateway-process.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';
import type { SandboxMerchantInfo } from '../../src/provisioning.js';
import { exactHeader, exchangeOnOneConnection, merchantWireKeys, openAnswer, rawRequest, sealJsonText } from './raw-wire.js';

/**
 * The cluster mode (several processes sharing the port, envelope crypto on
 * worker threads) writes the protocol headers in the same case as one process.
 */
describe(`PayEase header case through the cluster (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-header-case-'));
  let database: FreshDatabase;
  let gateway: GatewayProcess;
  let port: number;
  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    port = await freePort();
    gateway = new GatewayProcess(
      {
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_DATABASE_URL: database.url,
        OPENCASHIER_KEK: randomBytes(32).toString('base64'),
        PORT: String(port),
        OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        OPENCASHIER_LOG_LEVEL: 'warn',
        OPENCASHIER_WORKERS: '2',
        OPENCASHIER_CRYPTO_THREADS: '1',
      },
      dataDir,
    );
    await gateway.start();
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers encryptKey, merchantId and requestId in camel case from every worker, on keep-alive connections', async () => {
    const info = JSON.parse(readFileSync(join(dataDir, 'demo-merchant', 'merchant.json'), 'utf8')) as SandboxMerchantInfo;
    const keys = merchantWireKeys({ merchant: info });
    const request = (id: string) => {
      const payload = { merchantId: keys.merchantId, requestId: id, orderAmount: '1000', orderCurrency: 'USD', notifyUrl: 'https://shop.example/notify', callbackUrl: 'https://shop.example/back' };
      const sealed = sealJsonText(keys, JSON.stringify(payload), payload);
      return rawRequest('/icc/order', { merchantId: keys.merchantId, requestId: id, encryptKey: sealed.encryptKey }, sealed.body);
    };
    // Several connections, so the primary hands them to both workers.
    const connections = await Promise.all([0, 1, 2, 3].map((c) => exchangeOnOneConnection(port, [request(`cl-${c}-a`), request(`cl-${c}-b`), rawRequest('/onlinePay/nothing', { merchantId: keys.merchantId, requestId: `cl-${c}-c` }, '')])));
    for (const [c, answers] of connections.entries()) {
      for (const answer of answers.slice(0, 2)) {
        expect(answer.headerBlock).toMatch(/\r\nencryptKey: /);
        expect(exactHeader(answer, 'merchantId')).toBe(keys.merchantId);
        expect(openAnswer(keys, answer).status).toBe('SUCCESS');
      }
      expect(exactHeader(answers[0]!, 'requestId')).toBe(`cl-${c}-a`);
      expect(exactHeader(answers[2]!, 'requestId')).toBe(`cl-${c}-c`);
      expect(JSON.parse(answers[2]!.body)).toMatchObject({ status: 'FAILED', code: 'NOT_FOUND' });
    }
  });
});
