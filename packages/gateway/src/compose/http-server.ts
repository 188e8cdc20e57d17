import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { ERRORS, type ErrorCode } from '../domain/errors.js';
import { REQUEST_BODY_BYTES_MAX } from '../domain/limits.js';
import type { GatewayMetrics } from '../ops/metrics.js';
import type { RequestLog } from '../portal/request-log.js';
import { requestLogger } from '../ops/request-logger.js';
import '../ops/fastify-types.js';

export interface HttpServerOptions {
  config: GatewayConfig;
  logger: Logger;
  metrics: GatewayMetrics;
  clock: () => number;
  requestLog: RequestLog;
  /** The default dialect's answer for a refusal no route of any dialect gave. */
  errorBody: (code: ErrorCode) => unknown;
  /** A dialect's own answer for a request meant for it that matched no route. */
  notFound: (request: FastifyRequest, reply: FastifyReply) => FastifyReply | false;
}

/**
 * The HTTP server every route is registered on: limits and timeouts, the
 * one log line and metric per request, the merchant request log, the
 * answers for no route, a body too large, rate limiting and a crash.
 */
export async function createHttpServer(o: HttpServerOptions): Promise<{ app: FastifyInstance; routes: { method: string; url: string }[] }> {
  const { config } = o;
  const app = Fastify({
    loggerInstance: o.logger as unknown as FastifyBaseLogger,
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
    childLoggerFactory: (root, bindings, options) => requestLogger(root as unknown as Logger, bindings, options) as unknown as FastifyBaseLogger,
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
      errorResponseBuilder: () => ({ statusCode: 429, ...(o.errorBody('RATE_LIMITED') as object) }),
    });
  }
  app.setErrorHandler((error, request, reply) => {
    const e = error as { code?: string; statusCode?: number };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(ERRORS.BODY_TOO_LARGE.httpStatus).send(o.errorBody('BODY_TOO_LARGE'));
    }
    if (e.statusCode === 429) return reply.code(429).send(error);
    if (e.statusCode && e.statusCode < 500) {
      return reply.code(e.statusCode).send({ status: 'FAILED', code: 'FIELD_INVALID', errorMessage: 'The request could not be read.' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(ERRORS.INTERNAL_ERROR.httpStatus).send(o.errorBody('INTERNAL_ERROR'));
  });
  app.setNotFoundHandler((request, reply) => o.notFound(request, reply) || reply.code(ERRORS.NOT_FOUND.httpStatus).send(o.errorBody('NOT_FOUND')));
  app.decorateRequest('logFields', undefined);
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      { method: request.method, route: request.routeOptions.url, status: reply.statusCode, elapsedMs: Math.round(reply.elapsedTime * 10) / 10, ...request.logFields },
      'request',
    );
    o.metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  // The merchant's recent API calls for the back office's integration page: route and result only, after the answer is sent.
  app.addHook('onResponse', async (request, reply) => {
    const merchantId = request.logFields?.merchantId;
    if (typeof merchantId !== 'string' || merchantId === '') return;
    // The refusal code, or else the answer's status word (PayEase answers SUCCESS without a code).
    const code = request.logFields?.code ?? request.logFields?.answer;
    o.requestLog.enqueue(
      { merchantId, atMs: o.clock(), method: request.method, path: request.routeOptions.url ?? 'unmatched', httpStatus: reply.statusCode, resultCode: code === undefined || code === null ? null : String(code), elapsedMs: reply.elapsedTime },
      (error) => o.logger.warn({ err: error }, 'request log write failed'),
    );
  });
  return { app, routes };
}
