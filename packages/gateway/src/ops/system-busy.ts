import type { FastifyReply } from 'fastify';
import { GatewayError } from '../domain/errors.js';
import { DEPENDENCY_RETRY_AFTER_SECONDS } from '../domain/limits.js';
import { isDatabaseUnavailable } from '../store/connection-errors.js';

/**
 * The refusal for an error that means a dependency is unavailable (the
 * database lost, restarting, locked or full), or undefined for any other
 * error. Every dialect answers it with HTTP 503 and `Retry-After`: the caller
 * did nothing wrong, and the status alone makes proxies and clients retry.
 */
export function asSystemBusy(error: unknown): GatewayError | undefined {
  if (error instanceof GatewayError) return error.code === 'SYSTEM_BUSY' ? error : undefined;
  return isDatabaseUnavailable(error) ? new GatewayError('SYSTEM_BUSY') : undefined;
}

/** Sets the status and `Retry-After` of a SYSTEM_BUSY answer; the dialect writes the body. */
export function busyReply(reply: FastifyReply): FastifyReply {
  return reply.code(503).header('retry-after', String(DEPENDENCY_RETRY_AFTER_SECONDS));
}
