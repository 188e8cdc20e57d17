import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCertificate, loadPfx, PayEaseClient } from '@opencashier/sdk';
import { createGateway } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { parseIccOrderRequest } from '../../src/protocols/payease/icc-order-request.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

/** The operator commands, run as operators run them: the built CLI against a data directory. */
describe(`opencashier CLI (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-cli-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  let database: FreshDatabase;
  const cli = async (...args: string[]) => (await run(process.execPath, [CLI, ...args], { env, cwd: dataDir })).stdout;
  const cliFails = async (...args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: dataDir }).then(() => undefined, (e: { code: number; stderr: string }) => e);

  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    env.OPENCASHIER_DATABASE_URL = database.url;
    await cli('migrate');
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the demo sandbox merchant as JSON, creating it on first use', async () => {
    const info = JSON.parse(await cli('sandbox', 'merchant', '--json'));
    expect(Object.keys(info).sort()).toEqual(['baseUrl', 'formGateway', 'gatewayCertPath', 'globalJson', 'merchantId', 'pfxPassword', 'pfxPath']);
    expect(info.merchantId).toMatch(/^[0-9]{9}$/);
    const pfx = loadPfx(readFileSync(info.pfxPath), info.pfxPassword);
    expect(pfx.certificate.subject).toContain(info.merchantId);
    // The gateway certificate is handed out as DER, as PayEase clients expect.
    expect(readFileSync(info.gatewayCertPath)[0]).toBe(0x30);
    expect(JSON.parse(await cli('sandbox', 'merchant', '--json'))).toEqual(info);
  });

  it('creates a merchant with issued keys, lists, suspends and activates it, and uploads a certificate', async () => {
    const keysDir = join(dataDir, 'issued');
    const created = JSON.parse(await cli('merchant', 'create', '--id', '300000001', '--name', 'CLI Shop', '--allowed-hosts', 'shop.example,*.shop.example', '--issue-keys', keysDir));
    expect(created.merchantId).toBe('300000001');
    expect(existsSync(created.pfxPath)).toBe(true);
    // The bundle it writes is what the SDK loads, from its path or from the printed JSON.
    expect(created.bundlePath).toBe(join(keysDir, '300000001.json'));
    expect(JSON.parse(readFileSync(created.bundlePath, 'utf8'))).toEqual(created);
    const client = PayEaseClient.fromFiles(created.bundlePath);
    expect(client.merchantId).toBe('300000001');
    expect(client.merchantCertificate?.fingerprint256).toBe(loadCertificate(readFileSync(created.cerPath)).fingerprint256);
    expect(readFileSync(created.gatewayCertPath)).toEqual(readFileSync(join(dataDir, 'keys', 'gateway.cer')));
    expect(PayEaseClient.fromFiles(created).merchantId).toBe('300000001');
    const listed = JSON.parse(await cli('merchant', 'list'));
    expect(listed.find((m: { merchantId: string }) => m.merchantId === '300000001')).toMatchObject({ name: 'CLI Shop', status: 'active', sandbox: false, allowedHosts: ['shop.example', '*.shop.example'] });
    await cli('merchant', 'suspend', '--id', '300000001');
    expect(JSON.parse(await cli('merchant', 'list')).find((m: { merchantId: string }) => m.merchantId === '300000001').status).toBe('suspended');
    await cli('merchant', 'activate', '--id', '300000001');
    expect(await cli('merchant', 'upload-cert', '--id', '300000001', '--cert', created.cerPath, '--overlap-ms', '1000')).toContain('certificate');
    expect(await cliFails('merchant', 'create', '--id', '300000001', '--name', 'Again', '--cert', created.cerPath)).toMatchObject({ code: 2 });
    expect(await cliFails('merchant', 'create', '--id', '12', '--name', 'Short', '--cert', created.cerPath)).toMatchObject({ code: 2 });
    expect(await cliFails('merchant', 'upload-cert', '--id', '300000001', '--cert', created.cerPath, '--overlap-ms', 'soon')).toMatchObject({ code: 2 });
  });

  it('rotates the gateway key: a new certificate is handed out', async () => {
    const before = loadCertificate(readFileSync(join(dataDir, 'keys', 'gateway.cer'))).fingerprint256;
    await cli('rotate-gateway-key', '--overlap-ms', '60000');
    expect(loadCertificate(readFileSync(join(dataDir, 'keys', 'gateway.cer'))).fingerprint256).not.toBe(before);
  });

  it('drives a sandbox order and queues a notification again', async () => {
    const info = JSON.parse(await cli('sandbox', 'merchant', '--json'));
    const gateway = await createGateway(loadConfig(env as NodeJS.ProcessEnv), { migrate: false });
    let orderId: string;
    try {
      const merchant = (await gateway.merchants.find(info.merchantId))!;
      const created = await gateway.orders.create(merchant, parseIccOrderRequest({ requestId: 'cli-1', orderAmount: '5000', orderCurrency: 'JPY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' }));
      orderId = created.order.orderId;
    } finally {
      await gateway.close();
    }
    const paid = JSON.parse(await cli('sandbox', 'pay', '--merchant', info.merchantId, '--request-id', 'cli-1', '--card', '4000000000003220', '--otp', '123456'));
    expect(paid).toMatchObject({ status: 'SUCCESS', orderAmount: '5000', orderCurrency: 'JPY' });
    const dispute = JSON.parse(await cli('sandbox', 'chargeback', '--merchant', info.merchantId, '--request-id', 'cli-1', '--reason-code', '4853'));
    expect(dispute).toMatchObject({ stage: 'CHARGEBACK', status: 'OPEN', reasonCode: '4853', amountMinor: '5000', heldMinor: '5000' });
    expect(await cli('resend-notification', '--order', orderId!)).toContain('queued');
    expect(await cliFails('resend-notification', '--order', 'nope')).toMatchObject({ code: 2 });
  });
});
