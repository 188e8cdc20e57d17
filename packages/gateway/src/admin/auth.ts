import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS } from '../domain/errors.js';
import { plainErrorBody } from '../protocols/payease/plain-error.js';

/** Bytes of a generated operator token (base64url-encoded into 43 characters). */
const ADMIN_TOKEN_BYTES = 32;

/**
 * The operator token from config, or (development only) one generated into
 * `<dataDir>/admin-token` on first start, readable only by its owner.
 */
export function loadAdminToken(configured: string | undefined, dataDir: string): string {
  return loadOrCreateToken(configured, dataDir, 'admin-token');
}

/** A bearer token from config, or one generated into `<dataDir>/<fileName>` on first start, readable only by its owner. */
export function loadOrCreateToken(configured: string | undefined, dataDir: string, fileName: string): string {
  if (configured) return configured;
  const path = join(dataDir, fileName);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(ADMIN_TOKEN_BYTES).toString('base64url');
  writeFileSync(path, token, { mode: 0o600, flag: 'wx' });
  return token;
}

/**
 * Checks `Authorization: Bearer <token>` on every request of the scope it is
 * added to. Both sides are hashed first so the comparison is constant-time
 * whatever the presented length.
 */
export function requireAdminToken(token: string) {
  return requireBearerToken(token, 'ADMIN_UNAUTHORIZED');
}

/** The bearer-token check itself, answering `code` when the token is missing or wrong. */
export function requireBearerToken(token: string, code: 'ADMIN_UNAUTHORIZED' | 'METRICS_UNAUTHORIZED') {
  const expected = createHash('sha256').update(token).digest();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const digest = createHash('sha256').update(presented).digest();
    if (presented === '' || !timingSafeEqual(digest, expected)) {
      request.logFields = { code };
      return reply.code(ERRORS[code].httpStatus).header('www-authenticate', 'Bearer').send(plainErrorBody(code));
    }
  };
}

/** A part of the operator admin API: its routes, registered under `/admin/v1`. */
export type AdminRoutes = (scope: FastifyInstance) => Promise<void>;

/**
 * The operator admin API (`/admin/v1/*`, JSON, bearer token). Each feature
 * contributes its routes; the scope checks the token before any of them run.
 */
export async function adminApi(app: FastifyInstance, token: string, parts: readonly AdminRoutes[]): Promise<void> {
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', requireAdminToken(token));
      // A 404 of its own, behind the token check too: without a token nothing is learned about which admin paths exist.
      scope.setNotFoundHandler((_request, reply) => reply.code(ERRORS.NOT_FOUND.httpStatus).send(plainErrorBody('NOT_FOUND')));
      scope.get('/whoami', async () => ({ role: 'operator' }));
      for (const part of parts) await part(scope);
    },
    { prefix: '/admin/v1' },
  );
}
