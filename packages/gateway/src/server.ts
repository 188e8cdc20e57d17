import cluster from 'node:cluster';
import type { GatewayConfig } from './config.js';
import { createGateway, loadKek } from './app.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { loadGatewayKeys, loadOrCreateGatewayKeys } from './keys/gateway-keys.js';
import { UnknownKeyIdError, type KeyEncryptionKey } from './keys/kek.js';
import { checkClusterIdentity, ClusterIdentityError, gatewayKeyIdentity, gatewayKeySource, kekIdentity, kekSource, refuseMissingGatewayKey } from './keys/cluster-identity.js';
import { ClusterIdentityRepository } from './store/cluster-identity-repository.js';
import { describeDatabase, openDatabaseWithRetry } from './store/open-with-retry.js';
import { migrateToLatest, migrationStatus, schemaTooNew } from './store/migrations/index.js';
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
  const { kek, generated } = loadNodeKek(config);
  if (generated) logger.warn({ path: `${config.dataDir}/kek` }, 'generated a development key-encryption key; set OPENCASHIER_KEK in production');
  const database = await openDatabaseWithRetry(
    config.databaseUrl,
    { migrate: false, sqliteSynchronous: config.sqliteSynchronous },
    { waitMsMax: config.databaseStartWaitMs, log: (message) => logger.warn({ database: describeDatabase(config.databaseUrl) }, message) },
  );
  try {
    // A node older than the schema would misread what a newer one wrote: it refuses; a newer node migrates.
    const tooNew = schemaTooNew(await migrationStatus(database.db, database.dialect));
    if (tooNew) throw new Error(tooNew);
    await migrateToLatest(database.db, database.dialect);
    await joinCluster(config, kek, new ClusterIdentityRepository(database.db), logger);
    if (config.demoMerchant) {
      const { info, created: demoCreated } = await ensureDemoMerchant(config, new MerchantRepository(database.db), Date.now(), new MerchantSecretRepository(database.db, kek));
      logger.info({ demoMerchant: info, created: demoCreated }, `demo sandbox merchant ${info.merchantId}: pfx ${info.pfxPath}, gateway certificate ${info.gatewayCertPath}`);
      const { logins } = await ensureDemoPortalUsers(new AccountService(database.db, kek, Date.now), config.dataDir, info.merchantId, config.publicBaseUrl);
      // One JSON line like every other: what a person trying the demo needs next (demo passwords, never live ones).
      logger.info({ backOffice: logins.url, merchantLogin: logins.merchant.email, operatorLogin: logins.operator?.email }, `back office ${logins.url}: merchant ${logins.merchant.email} / ${logins.merchant.password}${logins.operator ? `, operator ${logins.operator.email} / ${logins.operator.password}` : ''}`);
    }
  } finally {
    await database.close();
  }
}

/** The KEK, or a refusal naming where it comes from when it cannot open the keys of this data directory. */
function loadNodeKek(config: GatewayConfig): ReturnType<typeof loadKek> {
  try {
    return loadKek(config);
  } catch (error) {
    if (!(error instanceof UnknownKeyIdError)) throw error;
    const source = kekSource(config.dataDir, Boolean(config.kekBase64));
    throw new ClusterIdentityError([`the key-encryption key (KEK id) differs: ${source} does not open the keys in ${join(config.dataDir, 'keys')} (sealed under KEK ${error.keyId})`]);
  }
}

/** Loads (or, on the first node, makes) the gateway key and checks both keys against the cluster's record. */
async function joinCluster(config: GatewayConfig, kek: KeyEncryptionKey, identity: ClusterIdentityRepository, logger: ReturnType<typeof createLogger>): Promise<void> {
  const node = `${hostname()}:${process.pid}`;
  // The KEK first: with another one the gateway key file cannot even be opened.
  await checkClusterIdentity(identity, [kekIdentity(kek, kekSource(config.dataDir, Boolean(config.kekBase64)))], Date.now(), node);
  const keySource = gatewayKeySource(config.dataDir);
  if (!loadGatewayKeys(config.dataDir, kek)) await refuseMissingGatewayKey(identity, keySource);
  const { ring, created } = loadOrCreateGatewayKeys(config.dataDir, kek, Date.now());
  if (created) logger.info('generated the gateway key pair');
  await checkClusterIdentity(identity, [gatewayKeyIdentity(ring, keySource)], Date.now(), node);
}

/** Serves until a signal stops it; resolves to the address it is bound to (`host:port`). */
async function serve(config: GatewayConfig, background: boolean): Promise<string> {
  const gateway = await createGateway(config, { migrate: false });
  if (background) gateway.startBackground();
  await gateway.app.listen({ port: config.port, host: config.host });
  const address = gateway.app.server.address();
  const bound = typeof address === 'object' && address ? `${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : String(address);
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
  return bound;
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
  // A crash is one JSON line with its stack, like every other event, not a multi-line trace in the stream.
  const crashLogger = createLogger(config.logLevel);
  const crash = (kind: string) => (error: unknown) => {
    crashLogger.fatal({ err: error }, `crash: ${kind}`);
    process.exit(1);
  };
  process.on('uncaughtException', crash('uncaught exception'));
  process.on('unhandledRejection', crash('unhandled rejection'));
  if (cluster.isPrimary) {
    holdDataDir(config);
    await prepare(config);
  }
  if (config.workers <= 1) {
    const bound = await serve(config, true);
    createLogger(config.logLevel).info(
      { address: bound, publicBaseUrl: config.publicBaseUrl },
      `OpenCashier listening on ${bound} (public URL ${config.publicBaseUrl})${config.demoMerchant ? ` — pay a demo order: ${config.publicBaseUrl}/demo (card 4242 4242 4242 4242)` : ''}`,
    );
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
    logger.info({ workers: config.workers, address: `${config.host}:${config.port}`, publicBaseUrl: config.publicBaseUrl }, `OpenCashier workers listening on ${config.host}:${config.port} (public URL ${config.publicBaseUrl})${config.demoMerchant ? ` — pay a demo order: ${config.publicBaseUrl}/demo` : ''}`);
    return;
  }
  // Every worker runs the background work: each job runs in one of them at a
  // time (leases), notifications are claimed row by row, and a worker that
  // dies hands its jobs over when its leases run out.
  await serve(config, true);
}
