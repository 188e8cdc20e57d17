import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { PayEaseClient } from '@opencashier/sdk';
import { loadConfig, type GatewayConfig } from '../src/config.js';
import { createGateway, type Gateway } from '../src/app.js';
import { ensureDemoMerchant, type SandboxMerchantInfo } from '../src/provisioning.js';
import { KeyEncryptionKey } from '../src/keys/kek.js';
import { freshPostgresDatabase, testDatabaseKind, type FreshDatabase } from '../src/test-support/test-database.js';
import type { Channel } from '../src/domain/channel.js';
import type { ChannelModule } from '../src/domain/channel-module.js';

export interface TestGateway {
  gateway: Gateway;
  baseUrl: string;
  merchant: SandboxMerchantInfo;
  client: PayEaseClient;
  config: GatewayConfig;
  close(): Promise<void>;
}

/**
 * A real gateway on a loopback port with a fresh data directory and a fresh
 * database of the test run's kind (SQLite in the data directory, or a new
 * database on the run's PostgreSQL server; an `OPENCASHIER_DATABASE_URL`
 * override names the server), the demo sandbox merchant and an SDK client for it.
 */
export async function startTestGateway(overrides: Record<string, string> = {}, options: { background?: boolean; clock?: () => number; channel?: Channel; channelModules?: readonly ChannelModule<any>[] } = {}): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-test-'));
  const database = await freshDatabase(overrides.OPENCASHIER_DATABASE_URL ?? (testDatabaseKind() === 'postgres' ? process.env.OPENCASHIER_TEST_POSTGRES_URL : undefined));
  const env: Record<string, string> = {
    OPENCASHIER_DATA_DIR: dataDir,
    OPENCASHIER_KEK: KeyEncryptionKey.generate().toBase64(),
    OPENCASHIER_LOG_LEVEL: 'silent',
    OPENCASHIER_NOTIFY_POLL_INTERVAL_MS: '100',
    OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: '200',
    PORT: '0',
    ...overrides,
    ...(database ? { OPENCASHIER_DATABASE_URL: database.url } : {}),
  };
  // Cashier links are built from the public URL, so the port is chosen first.
  const port = await freePort();
  const config = loadConfig({ ...env, PORT: String(port), OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } as NodeJS.ProcessEnv);
  const gateway = await createGateway(config, { ...(options.clock ? { clock: options.clock } : {}), ...(options.channel ? { channel: options.channel } : {}), ...(options.channelModules ? { channelModules: options.channelModules } : {}) });
  const { info } = await ensureDemoMerchant(config, gateway.merchants, Date.now(), gateway.secrets);
  await gateway.app.listen({ port, host: '127.0.0.1' });
  if (options.background !== false) gateway.startBackground();
  const client = PayEaseClient.fromFiles(info);
  return {
    gateway,
    baseUrl: info.baseUrl,
    merchant: info,
    client,
    config,
    async close() {
      await gateway.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The database of this test run, for suites written as
 * `describe.each(testDatabases())`: `npm test` runs the suite once on SQLite
 * and once on PostgreSQL (see vitest.config.ts), each run naming its own.
 */
export function testDatabases(): [string, Record<string, string>][] {
  if (testDatabaseKind() === 'postgres') return [['postgres', { OPENCASHIER_DATABASE_URL: process.env.OPENCASHIER_TEST_POSTGRES_URL! }]];
  return [['sqlite', {}]];
}

/** On PostgreSQL, a database of its own for each test gateway, so suites running side by side never see each other's rows. */
async function freshDatabase(serverUrl: string | undefined): Promise<FreshDatabase | undefined> {
  if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) return undefined;
  return freshPostgresDatabase(serverUrl);
}
