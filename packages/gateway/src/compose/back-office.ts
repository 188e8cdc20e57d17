import type { FastifyInstance } from 'fastify';
import type { GatewayConfig } from '../config.js';
import { adminApi, loadAdminToken, loadOrCreateToken, type AdminRoutes } from '../admin/auth.js';
import { disputeAdminRoutes } from '../admin/dispute-routes.js';
import { riskAdminRoutes } from '../admin/risk-routes.js';
import type { ChannelCallRecorder } from '../channels/call-recorder.js';
import { onlinePayAdminRoutes } from '../onlinepay/admin-routes.js';
import { remittanceAdminRoutes } from '../onlinepay/remittance-admin-routes.js';
import { refreshOperationalGauges, type GatewayMetrics } from '../ops/metrics.js';
import { opsRoutes } from '../ops/routes.js';
import type { AccountService } from '../portal/account-service.js';
import type { LiveStreams } from '../portal/live-stream.js';
import { OrderSearch } from '../portal/order-search.js';
import { registerPortal } from '../portal/portal-app.js';
import type { RequestLog } from '../portal/request-log.js';
import type { OpenedDatabase } from '../store/database.js';
import type { CoreServices } from './core-services.js';

export interface BackOfficeDeps {
  config: GatewayConfig;
  clock: () => number;
  database: OpenedDatabase;
  core: CoreServices;
  accounts: AccountService;
  streams: LiveStreams;
  requestLog: RequestLog;
  channelCalls: ChannelCallRecorder;
  metrics: GatewayMetrics;
  /** The background jobs, whose leases the metrics report. */
  jobs: () => { names(): string[]; held(): string[] };
}

/** The operator's and merchants' back office (portal), the admin API and the ops endpoints. */
export async function backOffice(app: FastifyInstance, d: BackOfficeDeps): Promise<void> {
  const { core, config } = d;
  await registerPortal(app, {
    accounts: d.accounts,
    db: d.database.db,
    orders: core.orderRepository,
    ledger: core.ledger,
    refunds: core.refunds,
    notifications: core.notifications,
    merchants: core.merchants,
    search: new OrderSearch(d.database.db),
    streams: d.streams,
    clock: d.clock,
    secureCookies: config.publicBaseUrl.startsWith('https:'),
    // The merchant back-office pages.
    disputes: core.disputes,
    deliveries: core.deliveries,
    settlements: core.crossBorder.settlements,
    reconciliation: core.crossBorder.reconciliation,
    pricing: core.crossBorder.pricing,
    certificateOverlapMs: config.keyRotationOverlapMs,
    requestLog: d.requestLog,
    operator: { config, secrets: core.secrets, onlinePay: core.onlinePay, crossBorder: core.crossBorder, disputes: core.disputes, orders: core.orders, remittances: core.remittances, channels: core.channels, channelCalls: d.channelCalls },
  });
  // Each feature adds its operator routes here.
  const adminParts: AdminRoutes[] = [
    disputeAdminRoutes({ disputes: core.disputes, orders: core.orders, deliveries: core.deliveries }),
    riskAdminRoutes({ risk: core.risk, reviews: core.reviews, orders: core.orders }),
    ...core.crossBorder.adminRoutes,
    onlinePayAdminRoutes(core.onlinePay, async (id) => (await core.merchants.find(id)) !== undefined),
    remittanceAdminRoutes(core.remittances),
  ];
  await adminApi(app, loadAdminToken(config.adminToken, config.dataDir), adminParts);
  await app.register(async (scope) =>
    opsRoutes(scope, {
      metrics: d.metrics,
      ready: () => d.database.ping(),
      metricsToken: loadOrCreateToken(config.metricsToken, config.dataDir, 'metrics-token'),
      refresh: async () => {
        const byState = await core.orderRepository.countByState();
        d.metrics.ordersByStatus.reset();
        for (const [state, n] of byState) d.metrics.ordersByStatus.set({ state }, n);
        const backlog = await core.notifications.backlog();
        d.metrics.notificationBacklog.set({ state: 'pending' }, backlog.pending);
        d.metrics.notificationBacklog.set({ state: 'failed' }, backlog.failed);
        refreshOperationalGauges(d.metrics, { pool: d.database.poolStats(), jobs: d.jobs(), oldestPendingAtMs: await core.notifications.oldestPendingAtMs(), nowMs: d.clock() });
      },
    }),
  );
}
