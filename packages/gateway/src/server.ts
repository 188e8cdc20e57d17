import cluster from 'node:cluster';
import type { GatewayConfig } from './config.js';
import { createGateway, loadKek } from './app.js';
import { loadOrCreateGatewayKeys } from './keys/gateway-keys.js';
import { openDatabase } from './store/database.js';
import { MerchantRepository } from './store/merchant-repository.js';
import { MerchantSecretRepository } from './store/merchant-secret-repository.js';
import { ensureDemoMerchant } from './provisioning.js';
import { createLogger } from './ops/logger.js';
import { AccountService } from './portal/account-service.js';
import { ensureDemoPortalUsers } from './portal/demo-users.js';
import { acquireGatewayLock } from './ops/gateway-lock.js';
import { dialectOf } from './store/database.js';

/** How long shutdown waits for in-flight requests and deliveries before exiting anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * Everything that must happen exactly once before serving: migrations, the
 * gateway key, the demo merchant. Done by the single process or the cluster
 * primary, before any worker starts.
 */
async function prepare(config: GatewayConfig): Promise<void> {
  const logger = createLogger(config.logLevel);
  const { kek, generated } = loadKek(config);
  if (generated) logger.warn({ path: `${config.dataDir}/kek` }, 'generated a development key-encryption key; set OPENCASHIER_KEK in production');
  const { created } = loadOrCreateGatewayKeys(config.dataDir, kek, Date.now());
  if (created) logger.info('generated the gateway key pair');
  const database = await openDatabase(config.databaseUrl, { migrate: true, sqliteSynchronous: config.sqliteSynchronous });
  try {
    if (config.demoMerchant) {
      const { info, created: demoCreated } = await ensureDemoMerchant(config, new MerchantRepository(database.db), Date.now(), new MerchantSecretRepository(database.db, kek));
      logger.info({ demoMerchant: info, created: demoCreated }, `demo sandbox merchant ${info.merchantId}: pfx ${info.pfxPath}, gateway certificate ${info.gatewayCertPath}`);
      const { logins } = await ensureDemoPortalUsers(new AccountService(database.db, kek, Date.now), config.dataDir, info.merchantId, config.publicBaseUrl);
      // Printed, not only logged: it is what a person trying the demo needs next.
      console.log(`back office ${logins.url}: merchant ${logins.merchant.email} / ${logins.merchant.password}${logins.operator ? `, operator ${logins.operator.email} / ${logins.operator.password}` : ''}`);
    }
  } finally {
    await database.close();
  }
}

async function serve(config: GatewayConfig, background: boolean): Promise<void> {
  const gateway = await createGateway(config, { migrate: false });
  if (background) gateway.startBackground();
  await gateway.app.listen({ port: config.port, host: config.host });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    gateway.logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/**
 * One gateway per SQLite data directory: a second one is refused before it
 * touches anything. The lock also tells the CLI where the running gateway
 * listens (`opencashier sandbox merchant`). Several nodes share a PostgreSQL
 * database by design, so it is not taken there.
 */
function holdDataDir(config: GatewayConfig): void {
  if (dialectOf(config.databaseUrl) !== 'sqlite') return;
  const release = acquireGatewayLock(config.dataDir, config.publicBaseUrl, Date.now());
  process.on('exit', release);
}

/** Starts the gateway: one process, or a cluster of `config.workers` sharing the port. */
export async function startServer(config: GatewayConfig): Promise<void> {
  if (cluster.isPrimary) {
    holdDataDir(config);
    await prepare(config);
  }
  if (config.workers <= 1) {
    await serve(config, true);
    console.log(`OpenCashier listening on ${config.publicBaseUrl}${config.demoMerchant ? ` — pay a demo order: ${config.publicBaseUrl}/demo (card 4242 4242 4242 4242)` : ''}`);
    return;
  }
  if (cluster.isPrimary) {
    const logger = createLogger(config.logLevel);
    let stopping = false;
    const fork = (index: number) => {
      const worker = cluster.fork({ OPENCASHIER_WORKER_INDEX: String(index) });
      worker.on('exit', (code) => {
        if (stopping) return;
        logger.error({ index, code }, 'worker exited; starting a new one');
        fork(index);
      });
    };
    for (let i = 0; i < config.workers; i++) fork(i);
    const stop = () => {
      stopping = true;
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    logger.info({ workers: config.workers }, `OpenCashier listening on ${config.publicBaseUrl}`);
    if (config.demoMerchant) console.log(`Pay a demo order: ${config.publicBaseUrl}/demo (card 4242 4242 4242 4242)`);
    return;
  }
  // Every worker runs the background work: each job runs in one of them at a
  // time (leases), notifications are claimed row by row, and a worker that
  // dies hands its jobs over when its leases run out.
  await serve(config, true);
}
