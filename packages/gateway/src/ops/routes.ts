import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from './metrics.js';
import { requireBearerToken } from '../admin/auth.js';

export interface OpsDeps {
  metrics: GatewayMetrics;
  /** Resolves when the database answers. */
  ready: () => Promise<void>;
  /** Refreshes gauges read from the database, just before a scrape. */
  refresh: () => Promise<void>;
  /** Bearer token a scrape must present: counts of orders, routes and backlogs are nobody else's business. */
  metricsToken: string;
}

/** Liveness and readiness for load balancers (open), and Prometheus metrics for operators (bearer token). */
export async function opsRoutes(app: FastifyInstance, deps: OpsDeps): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.ready();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });
  app.get('/metrics', { onRequest: requireBearerToken(deps.metricsToken, 'METRICS_UNAUTHORIZED') }, async (_request, reply) => {
    await deps.refresh();
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}
