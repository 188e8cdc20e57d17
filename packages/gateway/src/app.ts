import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import { loopbackBaseUrl, type GatewayConfig } from './config.js';
import { ERRORS } from './domain/errors.js';
import { REQUEST_BODY_BYTES_MAX, BACKGROUND_BATCH_MAX, EXPIRY_SWEEP_INTERVAL_MS, CHANNEL_RECHECK_INTERVAL_MS, DISPUTE_SWEEP_INTERVAL_MS } from './domain/limits.js';
import { KeyEncryptionKey } from './keys/kek.js';
import { loadDerivedKeys } from './keys/derived-keys.js';
import { CardVault } from './keys/card-vault.js';
import { loadOrCreateGatewayKeys, type GatewayKeyRing } from './keys/gateway-keys.js';
import { openDatabase, type OpenedDatabase } from './store/database.js';
import { MerchantRepository } from './store/merchant-repository.js';
import { OrderRepository } from './store/order-repository.js';
import { NotificationRepository } from './store/notification-repository.js';
import { SandboxCardChannel } from './channels/sandbox-card/index.js';
import { MAGIC_CARDS } from './channels/sandbox-card/magic-cards.js';
import type { Channel } from './domain/channel.js';
import { ChannelRegistry } from './channels/registry.js';
import { OrderService } from './orders/order-service.js';
import { DisputeService } from './orders/dispute-service.js';
import { DisputeRepository } from './store/dispute-repository.js';
import { AttachmentStore } from './store/attachment-store.js';
import { DeliveryRepository } from './store/delivery-repository.js';
import { DeliveryService } from './orders/delivery-service.js';
import { disputeNotificationFields } from './protocols/payease/dispute-fields.js';
import { sandboxDisputeStage } from './channels/sandbox-card/scheduled-disputes.js';
import { disputeAdminRoutes } from './admin/dispute-routes.js';
import { LedgerRepository } from './store/ledger-repository.js';
import { RefundRepository } from './store/refund-repository.js';
import { RefundService } from './orders/refund-service.js';
import { GatewayEnvelope } from './protocols/payease/gateway-envelope.js';
import { EnvelopePool } from './protocols/payease/envelope-pool.js';
import { payEaseRoutes } from './protocols/payease/routes.js';
import { plainErrorBody } from './protocols/payease/plain-error.js';
import { payEaseDialect } from './protocols/payease/merchant-dialect.js';
import { DialectRegistry } from './protocols/dialect-registry.js';
import { globalJsonDialect } from './protocols/global-json/merchant-dialect.js';
import { globalJsonRoutes } from './protocols/global-json/routes.js';
import { globalRefundHandler } from './protocols/global-json/refund.js';
import { formGatewayDialect } from './protocols/form-gateway/merchant-dialect.js';
import { formGatewayRoutes } from './protocols/form-gateway/routes.js';
import { MerchantSecretRepository } from './store/merchant-secret-repository.js';
import { RecurringConsentRepository } from './store/recurring-consent-repository.js';
import { orderFieldsFor } from './protocols/payease/online-pay-fields.js';
import { SandboxAlipayChannel } from './channels/sandbox-alipay/index.js';
import { SandboxWechatChannel } from './channels/sandbox-wechat/index.js';
import { SandboxBankChannel } from './channels/sandbox-bank/index.js';
import { OnlinePayRepository } from './store/online-pay-repository.js';
import { OnlinePayService } from './onlinepay/online-pay-service.js';
import { onlinePayAdminRoutes } from './onlinepay/admin-routes.js';
import { simulatorRoutes } from './simulator/routes.js';
import { OfflineRemittanceChannel } from './channels/offline-remittance/index.js';
import { TransferRepository } from './store/transfer-repository.js';
import { RemittanceService } from './onlinepay/remittance-service.js';
import { remittanceAdminRoutes } from './onlinepay/remittance-admin-routes.js';
import { CardBindingService } from './onlinepay/card-binding-service.js';
import { CardBindingRepository } from './store/card-binding-repository.js';
import { CashierLinks } from './cashier/links.js';
import { cashierRoutes } from './cashier/routes.js';
import { demoRoutes } from './demo/routes.js';
import { NotificationDispatcher } from './notify/dispatcher.js';
import { NOTIFY_BATCH_SIZE_DEFAULT, leaseMsMin } from './notify/limits.js';
import type { NotificationEncoder } from './notify/outbox.js';
import { createLogger } from './ops/logger.js';
import { GatewayMetrics, refreshOperationalGauges } from './ops/metrics.js';
import { opsRoutes } from './ops/routes.js';
import { adminApi, loadAdminToken, type AdminRoutes } from './admin/auth.js';
import { createRiskControl, formatRuleErrors, type RiskControl } from './risk/risk-control.js';
import { ReviewQueue } from './risk/review-queue.js';
import { RISK_PRUNE_INTERVAL_MS } from './risk/limits.js';
import { riskAdminRoutes } from './admin/risk-routes.js';
import { createCrossBorder, type CrossBorder } from './cross-border/index.js';
import { registerPortal } from './portal/portal-app.js';
import { ChannelCallRecorder } from './channels/call-recorder.js';
import { AccountService } from './portal/account-service.js';
import { OrderSearch } from './portal/order-search.js';
import { LiveStreams } from './portal/live-stream.js';
import { PORTAL_SESSION_SWEEP_INTERVAL_MS } from './portal/limits.js';
import { RequestLog, REQUEST_LOG_PRUNE_INTERVAL_MS } from './portal/request-log.js';
import { JobScheduler } from './jobs/job-scheduler.js';
import { JobLeaseRepository } from './store/job-lease-repository.js';
import { MerchantRateLimiter } from './ops/merchant-rate-limit.js';
import './ops/fastify-types.js';

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
  /** The card channel; the sandbox acquirer when not given. */
  channel?: Channel;
}

/** How often a closing server drops keep-alive connections that have gone idle. */
const CLOSE_IDLE_POLL_MS = 50;

/** The key-encryption key from config, or (development only) one generated into the data directory. */
export function loadKek(config: GatewayConfig): { kek: KeyEncryptionKey; generated: boolean } {
  const { kek, generated } = readKek(config);
  // Keys used as keys of their own (fingerprints, link signatures) are kept across KEK rotations.
  loadDerivedKeys(config.dataDir, kek);
  return { kek, generated };
}

function readKek(config: GatewayConfig): { kek: KeyEncryptionKey; generated: boolean } {
  const previous = (config.kekPreviousBase64 ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (config.kekBase64) return { kek: KeyEncryptionKey.fromBase64(config.kekBase64, previous), generated: false };
  const path = join(config.dataDir, 'kek');
  if (existsSync(path)) return { kek: KeyEncryptionKey.fromBase64(readFileSync(path, 'utf8'), previous), generated: false };
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
  const merchants = new MerchantRepository(database.db);
  const orderRepository = new OrderRepository(database.db);
  const notifications = new NotificationRepository(database.db, database.dialect);
  // Every call to a channel is timed for the operator console's channel health.
  const channelCalls = new ChannelCallRecorder(clock);
  const channel = channelCalls.wrap(options.channel ?? new SandboxCardChannel({ clock, unknownResolveDelayMs: config.sandboxUnknownResolveDelayMs, journalFile: config.sandboxJournalFile }));
  const metrics = new GatewayMetrics();
  const risk = createRiskControl(
    config,
    database.db,
    kek,
    clock,
    logger.child({ component: 'risk' }),
    (action, seconds) => {
      metrics.riskDecisions.inc({ action });
      metrics.riskDecisionDuration.observe(seconds);
    },
    MAGIC_CARDS.map((card) => card.pan),
  );
  if (config.riskRulesFile) {
    const loaded = await risk.reloadRuleFile();
    if (!loaded.ok) logger.error({ file: loaded.file, errors: formatRuleErrors(loaded.errors) }, 'risk rule file refused; the rules loaded before stay in force');
  }
  const secrets = new MerchantSecretRepository(database.db, kek);
  const consents = new RecurringConsentRepository(database.db);
  // Filled once the envelope exists; the order service only calls it on a state change.
  let dialects: DialectRegistry | undefined;
  const simulatorOptions = { clock, publicBaseUrl: config.publicBaseUrl, unknownResolveDelayMs: config.sandboxUnknownResolveDelayMs };
  const simulatedChannels = [new SandboxAlipayChannel(simulatorOptions), new SandboxWechatChannel(simulatorOptions), new SandboxBankChannel(simulatorOptions)];
  const channels = new ChannelRegistry([channel, ...simulatedChannels.map((c) => channelCalls.wrap(c)), channelCalls.wrap(new OfflineRemittanceChannel())]);
  const ledger = new LedgerRepository(database.db);
  const crossBorder = createCrossBorder({ config, db: database.db, merchants, clock, logger: logger.child({ component: 'cross-border' }), keys, linkKey: kek.subkey('reconciliation-links') });
  const refunds = new RefundService({
    orders: orderRepository,
    refunds: new RefundRepository(database.db, ledger),
    ledger,
    channels,
    clock,
    findMerchant: (id) => merchants.find(id),
    // A refund is notified in its order's dialect when that dialect has refund notifications, else as PayEase.
    formatNotification: (refund, order) => dialects!.refundNotification(refund, order),
    refundStaleMs: config.refundStaleMs,
  });
  const vault = new CardVault(kek);
  const bindings = new CardBindingService({ bindings: new CardBindingRepository(database.db), vault, fingerprintKey: kek.subkey('card-fingerprint'), clock });
  const orders = new OrderService({
    risk: risk.engine,
    orders: orderRepository,
    channel,
    channels,
    vault,
    clock,
    ledger,
    findMerchant: (id) => merchants.find(id),
    // Each order is notified in the protocol that created it.
    formatNotification: (order) => dialects!.get(order.dialect).formatNotification(order),
    reverseLateApproval: (order, approval) => refunds.reverseLateApproval(order, approval),
    priceCapture: crossBorder.priceCapture,
    staleProcessingMs: config.staleProcessingMs,
  });
  const disputes = new DisputeService({
    orders: orderRepository,
    disputes: new DisputeRepository(database.db, orderRepository, ledger),
    attachments: new AttachmentStore(join(config.dataDir, 'attachments')),
    clock,
    findMerchant: (id) => merchants.find(id),
    formatNotification: (dispute, order, event) => JSON.stringify(disputeNotificationFields(dispute, order, event)),
    scheduledDispute: sandboxDisputeStage,
    sandboxDisputeDelayMs: config.sandboxDisputeDelayMs,
    onChargeback: (order) => risk.engine.onChargeback(order),
  });
  const deliveries = new DeliveryService({ orders: orderRepository, deliveries: new DeliveryRepository(database.db), clock });
  const reviews = new ReviewQueue({ repository: risk.repository, orders, engine: risk.engine, clock });
  const onlinePayRepository = new OnlinePayRepository(database.db);
  const onlinePay = new OnlinePayService({ orders, repository: onlinePayRepository, channels, clock, bindings });
  const remittances = new RemittanceService({ orders, onlinePay: onlinePayRepository, transfers: new TransferRepository(database.db), clock });
  const rejectionSecret = kek.subkey('envelope-rejection');
  const pool = config.cryptoThreads > 0 ? new EnvelopePool(config.cryptoThreads, keys, rejectionSecret) : undefined;
  const envelope = new GatewayEnvelope(keys, merchants, rejectionSecret, clock, pool);
  const links = new CashierLinks(kek.subkey('cashier-session'), config.publicBaseUrl);
  crossBorder.attach({ orders, refunds, links, vault, onlinePay });

  dialects = new DialectRegistry([
    payEaseDialect({ envelope }),
    globalJsonDialect({ secrets, clock }),
    formGatewayDialect({ secrets, keys, clock, links, publicBaseUrl: config.publicBaseUrl }),
  ]);
  const registry = dialects;
  // Each notification is encoded, and its answer judged, by the dialect stored with it.
  const encode: NotificationEncoder = async (n) => {
    const stored = await notifications.find(n.id);
    if (!stored) throw new Error(`notification ${n.id} vanished`);
    const dialect = registry.get(stored.dialect);
    return { ...(await dialect.encodeNotification(stored)), acknowledged: dialect.acknowledged };
  };
  const notifyBatch = NOTIFY_BATCH_SIZE_DEFAULT;
  const dispatcher = new NotificationDispatcher({
    outbox: notifications,
    encode,
    clock,
    logger: logger.child({ component: 'notify' }),
    batchSize: notifyBatch,
    leaseMarginMs: config.notifyLeaseMarginMs,
    leaseMs: leaseMsMin({ batchSize: notifyBatch, concurrency: config.notifyConcurrency, requestTimeoutMs: config.notifyRequestTimeoutMs, leaseMarginMs: config.notifyLeaseMarginMs }),
    requestTimeoutMs: config.notifyRequestTimeoutMs,
    concurrency: config.notifyConcurrency,
    pollIntervalMs: config.notifyPollIntervalMs,
    onAttempt: (a) => metrics.notificationAttempts.inc({ result: a.delivered ? 'delivered' : 'failed' }),
  });

  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    bodyLimit: REQUEST_BODY_BYTES_MAX,
    // A slow-drip body is cut off (408); node checks the deadline every
    // connectionsCheckingInterval, so that must be a fraction of it.
    requestTimeout: config.requestTimeoutMs,
    http: {
      headersTimeout: Math.min(60_000, config.requestTimeoutMs),
      connectionsCheckingInterval: Math.max(100, Math.floor(config.requestTimeoutMs / 4)),
    },
    trustProxy: false,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: true,
    // One line per request, written in onResponse below, instead of two.
    logController: new LogController({ disableRequestLogging: true }),
  });
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  await app.register(cookie);
  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: () => ({ statusCode: 429, ...plainErrorBody('RATE_LIMITED') }),
    });
  }
  app.setErrorHandler((error, request, reply) => {
    const e = error as { code?: string; statusCode?: number };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(ERRORS.BODY_TOO_LARGE.httpStatus).send(plainErrorBody('BODY_TOO_LARGE'));
    }
    if (e.statusCode === 429) return reply.code(429).send(error);
    if (e.statusCode && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ status: 'FAILED', code: 'FIELD_INVALID', errorMessage: 'The request could not be read.' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(ERRORS.INTERNAL_ERROR.httpStatus).send(plainErrorBody('INTERNAL_ERROR'));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(ERRORS.NOT_FOUND.httpStatus).send(plainErrorBody('NOT_FOUND')));
  app.decorateRequest('logFields', undefined);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url, status: reply.statusCode, elapsedMs: Math.round(reply.elapsedTime * 10) / 10, ...request.logFields },
      'request',
    );
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  // The merchant's recent API calls for the back office's integration page: route and result only, after the answer is sent.
  const requestLog = new RequestLog(database.db);
  app.addHook('onResponse', async (request, reply) => {
    const merchantId = request.logFields?.merchantId;
    if (typeof merchantId !== 'string' || merchantId === '') return;
    // The refusal code, or else the answer's status word (PayEase answers SUCCESS without a code).
    const code = request.logFields?.code ?? request.logFields?.answer;
    requestLog.enqueue(
      { merchantId, atMs: clock(), method: request.method, path: request.routeOptions.url ?? 'unmatched', httpStatus: reply.statusCode, resultCode: code === undefined || code === null ? null : String(code), elapsedMs: reply.elapsedTime },
      (error) => logger.warn({ err: error }, 'request log write failed'),
    );
  });
  // One budget per merchant across its dialects, counted after authentication.
  const merchantLimiter = new MerchantRateLimiter(config.merchantRateLimitPerMinute, clock);
  await app.register(async (scope) => payEaseRoutes(scope, { envelope, orders, refunds, disputes, deliveries, links, clock, onlinePay, bindings, moreHandlers: crossBorder.handlers, merchantLimiter }));
  await app.register(async (scope) => globalJsonRoutes(scope, { orders, merchants, secrets, consents, links, clock, merchantLimiter }, { '/global/refund': globalRefundHandler(orders, refunds) }));
  await app.register(async (scope) => formGatewayRoutes(scope, { orders, merchants, secrets, keys, links, notifications, clock, merchantLimiter }));
  // Browser-facing pages only: the security headers mean nothing to the
  // merchant API's JSON clients, and helmet costs every request it runs on.
  await app.register(async (scope) => {
    await scope.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    });
    await scope.register(formbody, { bodyLimit: 16 * 1024 });
    await cashierRoutes(scope, { orders, findMerchant: (id) => merchants.find(id), links, clock, secureCookies: config.publicBaseUrl.startsWith('https:'), returnUrl: (order) => registry.get(order.dialect).returnUrl(order), onlinePay });
    await simulatorRoutes(scope, { channels: simulatedChannels, orders, repository: onlinePayRepository, findMerchant: (id) => merchants.find(id) });
    if (config.demoMerchant) {
      await scope.register(async (demo) => {
        // Notifications arrive as JSON text; the shop verifies the raw body, so keep it unparsed.
        demo.removeContentTypeParser('application/json');
        demo.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
        await demoRoutes(demo, { dataDir: config.dataDir, publicBaseUrl: config.publicBaseUrl, internalBaseUrl: loopbackBaseUrl(config) });
      });
    }
  });
  await app.register(crossBorder.publicRoutes);
  const accounts = new AccountService(database.db, kek, clock);
  const streams = new LiveStreams(database.db);
  app.addHook('preClose', async () => streams.closeAll());
  await registerPortal(app, {
    accounts,
    db: database.db,
    orders: orderRepository,
    ledger,
    refunds,
    notifications,
    merchants,
    search: new OrderSearch(database.db),
    streams,
    clock,
    secureCookies: config.publicBaseUrl.startsWith('https:'),
    // The merchant back-office pages.
    disputes,
    deliveries,
    settlements: crossBorder.settlements,
    reconciliation: crossBorder.reconciliation,
    pricing: crossBorder.pricing,
    certificateOverlapMs: config.keyRotationOverlapMs,
    requestLog,
    operator: { config, secrets, onlinePay, crossBorder, disputes, orders, remittances, channels, channelCalls },
  });
  // Each feature adds its operator routes here.
  const adminParts: AdminRoutes[] = [
    disputeAdminRoutes({ disputes, orders, deliveries }),
    riskAdminRoutes({ risk, reviews, orders }),
    ...crossBorder.adminRoutes,
    onlinePayAdminRoutes(onlinePay, async (id) => (await merchants.find(id)) !== undefined),
    remittanceAdminRoutes(remittances),
  ];
  await adminApi(app, loadAdminToken(config.adminToken, config.dataDir), adminParts);
  await app.register(async (scope) =>
    opsRoutes(scope, {
      metrics,
      ready: () => database.ping(),
      refresh: async () => {
        const byState = await orderRepository.countByState();
        metrics.ordersByStatus.reset();
        for (const [state, n] of byState) metrics.ordersByStatus.set({ state }, n);
        const backlog = await notifications.backlog();
        metrics.notificationBacklog.set({ state: 'pending' }, backlog.pending);
        metrics.notificationBacklog.set({ state: 'failed' }, backlog.failed);
        refreshOperationalGauges(metrics, { pool: database.poolStats(), jobs, oldestPendingAtMs: await notifications.oldestPendingAtMs(), nowMs: clock() });
      },
    }),
  );

  // Each job runs in one process at a time across every worker and node (a lease in job_leases).
  const jobs = new JobScheduler({
    leases: new JobLeaseRepository(database.db),
    holderId: `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`,
    leaseMs: config.jobLeaseMs,
    logger: logger.child({ component: 'jobs' }),
  });
  jobs.register({ name: 'order-expiry', intervalMs: EXPIRY_SWEEP_INTERVAL_MS, run: () => orders.expireDue(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'unknown-outcome-resolution', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => orders.resolveUnknown(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'stale-payment-recovery', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => orders.recoverStale(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'cancelled-in-flight-settlement', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => orders.settleCancelledInFlight(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'stale-refund-resumption', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => refunds.resumeStale(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'dispute-deadlines', intervalMs: DISPUTE_SWEEP_INTERVAL_MS, run: () => disputes.expireOverdue(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'sandbox-disputes', intervalMs: DISPUTE_SWEEP_INTERVAL_MS, run: () => disputes.openDueSandboxDisputes(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'risk-counter-pruning', intervalMs: RISK_PRUNE_INTERVAL_MS, run: () => risk.engine.pruneCounters() });
  jobs.register({ name: 'unreviewed-held-payment-expiry', intervalMs: RISK_PRUNE_INTERVAL_MS, run: () => reviews.expireStale(BACKGROUND_BATCH_MAX) });
  for (const job of crossBorder.jobs) jobs.register(job);
  jobs.register({ name: 'merchant-request-log-pruning', intervalMs: REQUEST_LOG_PRUNE_INTERVAL_MS, run: () => requestLog.prune() });
  jobs.register({ name: 'portal-session-sweep', intervalMs: PORTAL_SESSION_SWEEP_INTERVAL_MS, run: () => accounts.sweepSessions() });

  return {
    app,
    routes,
    config,
    database,
    merchants,
    orders,
    refunds,
    onlinePay,
    remittances,
    ledger,
    disputes,
    deliveries,
    notifications,
    secrets,
    dialects: registry,
    dispatcher,
    keys,
    kek,
    links,
    logger,
    risk,
    reviews,
    crossBorder,
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
      await pool?.close();
      await database.close();
    },
  };
}
