import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, exposed at /metrics. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'opencashier_http_request_duration_seconds',
    help: 'HTTP request latency by route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly ordersByStatus = new Gauge({
    name: 'opencashier_orders',
    help: 'Orders by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly notificationBacklog = new Gauge({
    name: 'opencashier_notification_backlog',
    help: 'Notifications not yet delivered, by state (pending, failed)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly notificationAttempts = new Counter({
    name: 'opencashier_notification_attempts_total',
    help: 'Notification delivery attempts by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly riskDecisions = new Counter({
    name: 'opencashier_risk_decisions_total',
    help: 'Risk decisions on card payments by action (ALLOW, CHALLENGE, REVIEW, DENY)',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly riskDecisionDuration = new Histogram({
    name: 'opencashier_risk_decision_duration_seconds',
    help: 'Time of one risk decision, counters and lists included',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1],
    registers: [this.registry],
  });

  readonly databasePool = new Gauge({
    name: 'opencashier_db_pool_connections',
    help: 'PostgreSQL connections of this process: total open, idle, and requests waiting for one',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly jobLeasesHeld = new Gauge({
    name: 'opencashier_job_leases_held',
    help: 'Background jobs whose lease this process holds (1) or not (0)',
    labelNames: ['job'] as const,
    registers: [this.registry],
  });
  readonly outboxLag = new Gauge({
    name: 'opencashier_outbox_lag_seconds',
    help: 'Age of the oldest notification not yet delivered (0 when none waits)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'opencashier_' });
  }
}

/** The pool, lease and outbox gauges, from what the process knows just before a scrape. */
export function refreshOperationalGauges(
  metrics: GatewayMetrics,
  now: { pool: { total: number; idle: number; waiting: number } | undefined; jobs: { names(): string[]; held(): string[] }; oldestPendingAtMs: number | undefined; nowMs: number },
): void {
  if (now.pool) for (const [state, n] of Object.entries(now.pool)) metrics.databasePool.set({ state }, n);
  const held = new Set(now.jobs.held());
  for (const job of now.jobs.names()) metrics.jobLeasesHeld.set({ job }, held.has(job) ? 1 : 0);
  metrics.outboxLag.set(now.oldestPendingAtMs === undefined ? 0 : Math.max(0, now.nowMs - now.oldestPendingAtMs) / 1000);
}
