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

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'opencashier_' });
  }
}
