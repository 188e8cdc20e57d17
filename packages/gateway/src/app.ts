import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ConfigError, type GatewayConfig } from './config.js';
import { kekTextProblem, missingKekProblem } from './ops/startup-advice.js';
import type { Channel } from './domain/channel.js';
import type { ChannelModule } from './domain/channel-module.js';
import { KeyEncryptionKey } from './keys/kek.js';
import { loadDerivedKeys } from './keys/derived-keys.js';
import { loadOrCreateGatewayKeys, type GatewayKeyRing } from './keys/gateway-keys.js';
import { openDatabase, type OpenedDatabase } from './store/database.js';
import type { MerchantRepository } from './store/merchant-repository.js';
import type { NotificationRepository } from './store/notification-repository.js';
import type { OrderService } from './orders/order-service.js';
import type { DisputeService } from './orders/dispute-service.js';
import type { DeliveryService } from './orders/delivery-service.js';
import type { LedgerRepository } from './store/ledger-repository.js';
import type { RefundService } from './orders/refund-service.js';
import type { DialectRegistry } from './protocols/dialect-registry.js';
import type { DialectModule } from './protocols/dialect-module.js';
import type { MerchantSecretRepository } from './store/merchant-secret-repository.js';
import type { OnlinePayService } from './onlinepay/online-pay-service.js';
import type { RemittanceService } from './onlinepay/remittance-service.js';
import type { CashierLinks } from './cashier/links.js';
import type { NotificationDispatcher } from './notify/dispatcher.js';
import { createLogger } from './ops/logger.js';
import { GatewayMetrics } from './ops/metrics.js';
import type { RiskControl } from './risk/risk-control.js';
import type { ReviewQueue } from './risk/review-queue.js';
import type { CrossBorder } from './cross-border/index.js';
import { ChannelCallRecorder } from './channels/call-recorder.js';
import type { ChannelRegistry } from './channels/registry.js';
import { AccountService } from './portal/account-service.js';
import { LiveStreams } from './portal/live-stream.js';
import { RequestLog } from './portal/request-log.js';
import type { JobScheduler } from './jobs/job-scheduler.js';
import { MerchantRateLimiter } from './ops/merchant-rate-limit.js';
import { CHANNEL_MODULES } from './channels/index.js';
import { DIALECT_MODULES } from './protocols/index.js';
import { buildChannels } from './compose/channels.js';
import { createCoreServices } from './compose/core-services.js';
import { buildDialects } from './compose/dialects.js';
import { createHttpServer } from './compose/http-server.js';
import { browserPages } from './compose/browser-pages.js';
import { backOffice } from './compose/back-office.js';
import { backgroundJobs } from './compose/background-jobs.js';
import { notificationDispatch } from './compose/notification-dispatch.js';
import { channelInboundRoutes } from './inbound/channel-routes.js';
import { ChannelCallbacks } from './inbound/channel-callbacks.js';
import { ChannelEventRepository } from './store/channel-event-repository.js';
import './ops/fastify-types.js';
import { assertKekFilePrivate, secureDataDir } from './ops/file-modes.js';

export interface Gateway {
  app: FastifyInstance;
  /** Every HTTP route, as registered: the cross-merchant access test walks it, so a new route needs an entry there. */
  routes: readonly { method: string; url: string }[];
  config: GatewayConfig;
  database: OpenedDatabase;
  merchants: MerchantRepository;
  orders: OrderService;
  refunds: RefundService;
  onlinePay: OnlinePayService;
  remittances: RemittanceService;
  ledger: LedgerRepository;
  disputes: DisputeService;
  deliveries: DeliveryService;
  notifications: NotificationRepository;
  /** Shared signing secrets of the MD5 dialects (flat-JSON apps, form gateway accounts). */
  secrets: MerchantSecretRepository;
  /** The channels, by name, and the router that picks one for a payment. */
  channels: ChannelRegistry;
  /** The merchant protocols, by name: notification encoding and acknowledgement per order. */
  dialects: DialectRegistry;
  dispatcher: NotificationDispatcher;
  keys: GatewayKeyRing;
  kek: KeyEncryptionKey;
  links: CashierLinks;
  logger: Logger;
  risk: RiskControl;
  reviews: ReviewQueue;
  /** FX rates and quotes, fees, settlement and reconciliation. */
  crossBorder: CrossBorder;
  /** Back-office accounts (users, sessions, audit log). */
  accounts: AccountService;
  /** Background jobs, each run by one process at a time across every node; a feature adds its job with one `register` line. */
  jobs: JobScheduler;
  /** Starts the background work: notification delivery, order expiry, unknown-outcome queries. */
  startBackground(): void;
  close(): Promise<void>;
}

export interface GatewayOptions {
  clock?: () => number;
  logger?: Logger;
  /** Run migrations at open (the primary of a cluster does it once, before forking). */
  migrate?: boolean;
  /** Stands in for the channel its module of the same name would build (a channel with faults put in, in tests). */
  channel?: Channel;
  /** The channel modules to run; `channels/index.ts`'s list when not given. */
  channelModules?: readonly ChannelModule<any>[];
  /** The dialect modules to speak; `protocols/index.ts`'s list when not given. */
  dialectModules?: readonly DialectModule[];
}

/** How often a closing server drops keep-alive connections that have gone idle. */
const CLOSE_IDLE_POLL_MS = 50;

/** The key-encryption key from config, or (development only) one generated into the data directory. */
export function loadKek(config: GatewayConfig): { kek: KeyEncryptionKey; generated: boolean } {
  secureDataDir(config);
  const { kek, generated } = readKek(config);
  // Keys used as keys of their own (fingerprints, link signatures) are kept across KEK rotations.
  loadDerivedKeys(config.dataDir, kek);
  return { kek, generated };
}

/** A KEK from its base64 text, refused with a message naming where the text came from. */
function kekFrom(text: string, source: string, previous: readonly string[]): KeyEncryptionKey {
  for (const [t, s] of [[text, source], ...previous.map((p) => [p, 'each key in OPENCASHIER_KEK_PREVIOUS'] as const)] as const) {
    const problem = kekTextProblem(t, s);
    if (problem) throw new ConfigError(problem);
  }
  return KeyEncryptionKey.fromBase64(text, previous);
}

function readKek(config: GatewayConfig): { kek: KeyEncryptionKey; generated: boolean } {
  const previous = (config.kekPreviousBase64 ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (config.kekBase64) return { kek: kekFrom(config.kekBase64, 'OPENCASHIER_KEK', previous), generated: false };
  const path = join(config.dataDir, 'kek');
  if (existsSync(path)) {
    assertKekFilePrivate(path);
    return { kek: kekFrom(readFileSync(path, 'utf8'), path, previous), generated: false };
  }
  const missing = missingKekProblem(config.dataDir);
  if (missing) throw new ConfigError(missing);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const kek = KeyEncryptionKey.generate();
  writeFileSync(path, kek.toBase64(), { mode: 0o600, flag: 'wx' });
  return { kek, generated: true };
}

/** The composition root: builds every part from the config and wires them together. */
export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const clock = options.clock ?? Date.now;
  const logger = options.logger ?? createLogger(config.logLevel);
  const { kek } = loadKek(config);
  const { ring: keys } = loadOrCreateGatewayKeys(config.dataDir, kek, clock());
  const database = await openDatabase(config.databaseUrl, {
    migrate: options.migrate ?? true,
    sqliteSynchronous: config.sqliteSynchronous,
    onConnectionError: (err) => logger.warn({ err }, 'database connection lost; the next request opens a new one'),
  });
  const metrics = new GatewayMetrics();
  const channelCalls = new ChannelCallRecorder(clock);
  const channels = buildChannels(options.channelModules ?? CHANNEL_MODULES, { config, clock, kek, recorder: channelCalls, ...(options.channel ? { override: options.channel } : {}) });
  // Filled once the dialects exist; the services only call it on a state change.
  let dialectRegistry: DialectRegistry | undefined;
  const core = await createCoreServices({ config, clock, logger, kek, keys, database, metrics, channels, dialects: () => dialectRegistry! });
  // One budget per merchant across its dialects, counted after authentication.
  const merchantLimiter = new MerchantRateLimiter(config.merchantRateLimitPerMinute, clock);
  const dialects = buildDialects(options.dialectModules ?? DIALECT_MODULES, { ...core, config, clock, kek, keys, merchantLimiter });
  dialectRegistry = dialects.registry;
  const dispatcher = notificationDispatch({ config, clock, logger, metrics, notifications: core.notifications, dialects: dialects.registry });

  const requestLog = new RequestLog(database.db);
  const { app, routes } = await createHttpServer({ config, logger, metrics, clock, requestLog, errorBody: dialects.errorBody, notFound: dialects.notFound });
  await dialects.register(app);
  await browserPages(app, { config, clock, orders: core.orders, merchants: core.merchants, links: core.links, dialects: dialects.registry, onlinePay: core.onlinePay, onlinePayRepository: core.onlinePayRepository, simulated: channels.simulated, remittances: core.remittances });
  const callbacks = new ChannelCallbacks({ events: new ChannelEventRepository(database.db), orders: core.orders, clock });
  await app.register(async (scope) => channelInboundRoutes(scope, channels.inbound, callbacks));
  await app.register(core.crossBorder.publicRoutes);
  const accounts = new AccountService(database.db, kek, clock, async (id) => (await core.merchants.find(id))?.name);
  const streams = new LiveStreams(database.db);
  app.addHook('preClose', async () => streams.closeAll());
  // The metrics read the job leases when scraped, after the jobs below exist.
  let jobs: JobScheduler | undefined;
  await backOffice(app, { config, clock, database, core, accounts, streams, requestLog, channelCalls, metrics, jobs: () => jobs! });
  jobs = backgroundJobs({ config, database, logger, core, requestLog, accounts });

  return {
    app,
    routes,
    config,
    database,
    merchants: core.merchants,
    orders: core.orders,
    refunds: core.refunds,
    onlinePay: core.onlinePay,
    remittances: core.remittances,
    ledger: core.ledger,
    disputes: core.disputes,
    deliveries: core.deliveries,
    notifications: core.notifications,
    secrets: core.secrets,
    channels: channels.registry,
    dialects: dialects.registry,
    dispatcher,
    keys,
    kek,
    links: core.links,
    logger,
    risk: core.risk,
    reviews: core.reviews,
    crossBorder: core.crossBorder,
    accounts,
    jobs,
    startBackground() {
      dispatcher.start();
      jobs.start();
    },
    async close() {
      // close() lets requests in flight finish, but a keep-alive connection
      // that turns idle afterwards would hold it open until the client's
      // timeout: close those as soon as they are idle.
      const reapIdle = setInterval(() => app.server.closeIdleConnections(), CLOSE_IDLE_POLL_MS);
      try {
        await app.close();
      } finally {
        clearInterval(reapIdle);
      }
      await dispatcher.stop();
      await jobs.stop();
      // The last API calls' log lines, before the database goes.
      await requestLog.flush().catch((error: unknown) => logger.warn({ err: error }, 'request log write failed'));
      await dialects.close();
      await database.close();
    },
  };
}
