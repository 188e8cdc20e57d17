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
import { parseIccOrderRequest } from '../../src/protocols/payease/icc-order-request.js';
import { payWithTestCard } from '../../src/orders/sandbox-payment.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

const CLI = fileURLToPath(new URL('../../bin/opencashier.js', import.meta.url));
const run = promisify(execFile);

/** `opencashier dispute …`, run as an operator runs it: the built CLI against a data directory. */
describe(`opencashier dispute commands (${testDatabaseKind()})`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-dispute-cli-'));
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', OPENCASHIER_DATA_DIR: dataDir, OPENCASHIER_KEK: randomBytes(32).toString('base64'), OPENCASHIER_LOG_LEVEL: 'silent' };
  let database: FreshDatabase;
  const cli = async (...args: string[]) => JSON.parse((await run(process.execPath, [CLI, ...args], { env, cwd: dataDir })).stdout) as Record<string, unknown>;
  const cliFails = async (...args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: dataDir }).then(() => undefined, (e: { code: number; stderr: string }) => e);
  let orderId: string;
  let merchantId: string;

  beforeAll(async () => {
    database = await freshTestDatabase(dataDir);
    env.OPENCASHIER_DATABASE_URL = database.url;
    await run(process.execPath, [CLI, 'migrate'], { env, cwd: dataDir });
    merchantId = ((await cli('sandbox', 'merchant', '--json')) as { merchantId: string }).merchantId;
    const gateway = await createGateway(loadConfig(env as NodeJS.ProcessEnv), { migrate: false });
    try {
      const merchant = (await gateway.merchants.find(merchantId))!;
      const created = await gateway.orders.create(merchant, parseIccOrderRequest({ requestId: 'cli-dp-1', orderAmount: '8800', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' }));
      orderId = created.order.orderId;
      await payWithTestCard(gateway.orders, orderId, '4242424242424242');
    } finally {
      await gateway.close();
    }
  });
  afterAll(async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens, lists, escalates, decides and shows a case; sets the dispute URL', async () => {
    const opened = await cli('dispute', 'open', '--order', orderId, '--stage', 'RETRIEVAL', '--reason-code', '6321', '--reference', 'FILE-7', '--by', 'bob');
    expect(opened).toMatchObject({ orderId, stage: 'RETRIEVAL', status: 'OPEN', reasonCode: '6321', amountMinor: '8800', heldMinor: '0', acquirerReference: 'FILE-7' });
    const disputeId = opened.disputeId as string;
    expect((await cli('dispute', 'open', '--order', orderId, '--stage', 'RETRIEVAL', '--reference', 'FILE-7')).disputeId).toBe(disputeId);
    const listed = (await cli('dispute', 'list', '--order', orderId)) as unknown as { disputeId: string }[];
    expect(listed.map((d) => d.disputeId)).toEqual([disputeId]);
    expect(await cli('dispute', 'escalate', '--id', disputeId, '--amount', '5000', '--respond-by-days', '15')).toMatchObject({ stage: 'CHARGEBACK', status: 'OPEN', amountMinor: '5000', heldMinor: '5000' });
    expect(await cli('dispute', 'decide', '--id', disputeId, '--outcome', 'REVERSED', '--note', 'issuer withdrew')).toMatchObject({ status: 'REVERSED', heldMinor: '0' });
    const shown = await cli('dispute', 'show', '--id', disputeId);
    expect((shown.history as { actor: string; actorName: string; to: string }[]).map((h) => [h.actor, h.actorName, h.to])).toEqual([
      ['OPERATOR', 'bob', 'RETRIEVAL/OPEN'],
      ['OPERATOR', expect.stringMatching(/^cli:/), 'CHARGEBACK/OPEN'],
      ['OPERATOR', expect.stringMatching(/^cli:/), 'CHARGEBACK/REVERSED'],
    ]);
    expect(await cli('dispute', 'notify-url', '--merchant', merchantId, '--url', 'https://shop.example/disputes')).toEqual({ merchantId, disputeNotifyUrl: 'https://shop.example/disputes' });
    expect(await cli('dispute', 'notify-url', '--merchant', merchantId, '--clear')).toEqual({ merchantId, disputeNotifyUrl: null });
  });

  it('refuses with the code and exit status 2', async () => {
    const refused = await cliFails('dispute', 'decide', '--id', 'dpnope', '--outcome', 'WON');
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('DISPUTE_NOT_FOUND') });
    expect(await cliFails('dispute', 'open', '--order', orderId, '--stage', 'ARBITRATION')).toMatchObject({ code: 2, stderr: expect.stringContaining('FIELD_INVALID') });
    expect(await cliFails('dispute', 'open', '--order', orderId, '--stage', 'CHARGEBACK', '--amount', '8801')).toMatchObject({ code: 2, stderr: expect.stringContaining('FIELD_INVALID') });
  });
});
