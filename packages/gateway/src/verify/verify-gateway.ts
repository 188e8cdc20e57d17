/**
 * A gateway in this process for the verification suites: a fresh data
 * directory, SQLite (or the PostgreSQL server of OPENCASHIER_DATABASE_URL),
 * the demo sandbox merchant, listening on a free loopback port. In-process,
 * so a suite can drive the request handler directly (fastify inject) for
 * throughput and still send a sample over real HTTP.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createGateway, type Gateway } from '../app.js';
import { ensureDemoMerchant, type SandboxMerchantInfo } from '../provisioning.js';

export interface VerifyGateway {
  gateway: Gateway;
  baseUrl: string;
  merchant: SandboxMerchantInfo;
  close(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startVerifyGateway(env: Record<string, string> = {}, options: { background?: boolean } = {}): Promise<VerifyGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-verify-'));
  const port = await freeLoopbackPort();
  const config = loadConfig({
    OPENCASHIER_DATA_DIR: dataDir,
    OPENCASHIER_KEK: randomBytes(32).toString('base64'),
    OPENCASHIER_LOG_LEVEL: 'silent',
    OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0',
    OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: '0',
    ...(process.env.OPENCASHIER_DATABASE_URL ? { OPENCASHIER_DATABASE_URL: process.env.OPENCASHIER_DATABASE_URL } : {}),
    ...env,
    PORT: String(port),
    HOST: '127.0.0.1',
    OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
  } as NodeJS.ProcessEnv);
  const gateway = await createGateway(config);
  const { info } = await ensureDemoMerchant(config, gateway.merchants, Date.now(), gateway.secrets);
  await gateway.app.listen({ port, host: '127.0.0.1' });
  if (options.background) gateway.startBackground();
  return {
    gateway,
    baseUrl: `http://127.0.0.1:${port}`,
    merchant: info,
    async close() {
      await gateway.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
