import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { BACKGROUND_BATCH_MAX, CHANNEL_RECHECK_INTERVAL_MS, DISPUTE_SWEEP_INTERVAL_MS, EXPIRY_SWEEP_INTERVAL_MS } from '../domain/limits.js';
import { JobScheduler } from '../jobs/job-scheduler.js';
import type { AccountService } from '../portal/account-service.js';
import { PORTAL_SESSION_SWEEP_INTERVAL_MS } from '../portal/limits.js';
import { REQUEST_LOG_PRUNE_INTERVAL_MS, type RequestLog } from '../portal/request-log.js';
import { RISK_PRUNE_INTERVAL_MS } from '../risk/limits.js';
import type { OpenedDatabase } from '../store/database.js';
import { DATABASE_OPTIMIZE_INTERVAL_MS } from '../store/limits.js';
import { JobLeaseRepository } from '../store/job-lease-repository.js';
import type { CoreServices } from './core-services.js';

/** Every background job; each runs in one process at a time across every worker and node (a lease in job_leases). */
export function backgroundJobs(o: { config: GatewayConfig; database: OpenedDatabase; logger: Logger; core: CoreServices; requestLog: RequestLog; accounts: AccountService }): JobScheduler {
  const { core } = o;
  const jobs = new JobScheduler({
    leases: new JobLeaseRepository(o.database.db),
    holderId: `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`,
    leaseMs: o.config.jobLeaseMs,
    logger: o.logger.child({ component: 'jobs' }),
  });
  jobs.register({ name: 'order-expiry', intervalMs: EXPIRY_SWEEP_INTERVAL_MS, run: () => core.orders.expireDue(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'unknown-outcome-resolution', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => core.orders.resolveUnknown(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'stale-payment-recovery', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => core.orders.recoverStale(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'cancelled-in-flight-settlement', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => core.orders.settleCancelledInFlight(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'stale-refund-resumption', intervalMs: CHANNEL_RECHECK_INTERVAL_MS, run: () => core.refunds.resumeStale(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'dispute-deadlines', intervalMs: DISPUTE_SWEEP_INTERVAL_MS, run: () => core.disputes.expireOverdue(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'sandbox-disputes', intervalMs: DISPUTE_SWEEP_INTERVAL_MS, run: () => core.disputes.openDueSandboxDisputes(BACKGROUND_BATCH_MAX) });
  jobs.register({ name: 'risk-counter-pruning', intervalMs: RISK_PRUNE_INTERVAL_MS, run: () => core.risk.engine.pruneCounters() });
  jobs.register({ name: 'unreviewed-held-payment-expiry', intervalMs: RISK_PRUNE_INTERVAL_MS, run: () => core.reviews.expireStale(BACKGROUND_BATCH_MAX) });
  for (const job of core.crossBorder.jobs) jobs.register(job);
  jobs.register({ name: 'merchant-request-log-pruning', intervalMs: REQUEST_LOG_PRUNE_INTERVAL_MS, run: () => o.requestLog.prune() });
  jobs.register({ name: 'database-optimize', intervalMs: DATABASE_OPTIMIZE_INTERVAL_MS, run: () => o.database.optimize() });
  jobs.register({ name: 'portal-session-sweep', intervalMs: PORTAL_SESSION_SWEEP_INTERVAL_MS, run: () => o.accounts.sweepSessions() });
  return jobs;
}
