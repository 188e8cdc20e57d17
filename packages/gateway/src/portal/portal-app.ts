import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';
import helmet from '@fastify/helmet';
import { ERRORS, GatewayError } from '../domain/errors.js';
import type { AccountService } from './account-service.js';
import { accountRoutes } from './account-routes.js';
import { orderRoutes, type OrderRoutesDeps } from './merchant-routes.js';
import type { PortalContext, PortalRoute } from './route-table.js';
import { bodyOf, requiredText } from './request-fields.js';
import { can, permissionsOf } from './roles.js';
import { userRoutes } from './user-routes.js';
import { merchantBackOfficeRoutes, type MerchantBackOfficeDeps } from './merchant-back-office.js';
import { publicUser } from './user-repository.js';
import { SESSION_ABSOLUTE_MS } from './limits.js';
// Operator console (merchants, FX, disputes, money, channels).
import type { OperatorConsoleDeps } from './operator-deps.js';
import { operatorMerchantRoutes } from './operator-merchant-routes.js';
import { operatorFxRoutes } from './operator-fx-routes.js';
import { operatorMoneyRoutes } from './operator-money-routes.js';
import { operatorChannelRoutes } from './operator-channel-routes.js';

export const PORTAL_COOKIE = 'oc_portal';
/** Where the built web app is: `packages/portal-web/dist`, the same distance from `src/portal` and `dist/portal`. */
export const PORTAL_WEB_DIR = fileURLToPath(new URL('../../../portal-web/dist/', import.meta.url));

export interface PortalOptions extends OrderRoutesDeps, Omit<MerchantBackOfficeDeps, keyof OrderRoutesDeps> {
  accounts: AccountService;
  /** Cookies get `Secure` when the gateway is reached over https. */
  secureCookies: boolean;
  /** Another folder for the web app (tests); PORTAL_WEB_DIR otherwise. */
  webDir?: string;
  /** The services the operator console's pages act through. */
  operator?: Omit<OperatorConsoleDeps, 'audit' | 'clock' | 'db' | 'merchants'>;
}

/** Every route of `/portal/api` except log-in itself: the table the access matrix test walks. */
export function portalRoutes(options: PortalOptions, clearCookie: (reply: FastifyReply) => void, setCookie: (reply: FastifyReply, token: string) => void = () => undefined): PortalRoute[] {
  const operator = (): OperatorConsoleDeps => {
    if (!options.operator) throw new Error('the operator console is not configured');
    return { ...options.operator, audit: options.accounts.audit, clock: options.clock, db: options.db, merchants: options.merchants };
  };
  return [
    ...accountRoutes(options.accounts, options.clock, { set: setCookie, clear: clearCookie }),
    ...orderRoutes(options),
    ...userRoutes(options.accounts, options.clock),
    ...operatorMerchantRoutes(operator),
    ...operatorFxRoutes(operator),
    ...operatorMoneyRoutes(operator),
    ...operatorChannelRoutes(operator),
    ...merchantBackOfficeRoutes(options),
  ];
}

function sendError(reply: FastifyReply, code: keyof typeof ERRORS, message?: string, field?: string) {
  // `field` names the form field at fault, so the page shows the error next to it.
  return reply.code(ERRORS[code].httpStatus).send({ code, message: message ?? ERRORS[code].message, ...(field ? { field } : {}) });
}

function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return a.length > 0 && timingSafeEqual(x, y);
}

/**
 * The back office: the JSON API under `/portal/api` and the web app under
 * `/portal/`. Every API route runs behind the session check, the role
 * check, and, when it changes state, the CSRF check, in that order.
 */
export async function registerPortal(app: FastifyInstance, options: PortalOptions): Promise<{ routes: PortalRoute[] }> {
  const cookieOptions = { path: '/portal', httpOnly: true, sameSite: 'strict' as const, secure: options.secureCookies };
  const setCookie = (reply: FastifyReply, token: string) => reply.setCookie(PORTAL_COOKIE, token, { ...cookieOptions, maxAge: SESSION_ABSOLUTE_MS / 1000 });
  const clearCookie = (reply: FastifyReply) => void reply.clearCookie(PORTAL_COOKIE, cookieOptions);
  const routes = portalRoutes(options, clearCookie, setCookie);
  const { accounts } = options;

  await app.register(
    async (api) => {
      api.setErrorHandler((error, request, reply) => {
        if (error instanceof GatewayError) {
          // A refusal that says when to come back says it in the header too (RFC 9110 §10.2.3).
          if (error.params.retryAfterSeconds) reply.header('retry-after', error.params.retryAfterSeconds);
          return sendError(reply, error.code, error.message, error.params.field);
        }
        const e = error as { statusCode?: number };
        if (e.statusCode === 429) return sendError(reply, 'RATE_LIMITED');
        if (e.statusCode === 413) return sendError(reply, 'BODY_TOO_LARGE');
        if (e.statusCode && e.statusCode < 500) return sendError(reply, 'FIELD_INVALID', 'The request could not be read.');
        request.log.error({ err: error }, 'portal error');
        return sendError(reply, 'INTERNAL_ERROR');
      });
      api.setNotFoundHandler((_request, reply) => sendError(reply, 'NOT_FOUND'));
      api.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store');
        return payload;
      });
      // Only JSON bodies: a cross-site form cannot send one without a CORS preflight the gateway never grants.
      api.removeContentTypeParser(['text/plain']);

      api.post('/login', async (request, reply) => {
        const body = bodyOf(request);
        const result = await accounts.login(requiredText(body, 'email'), requiredText(body, 'password'), request.ip);
        setCookie(reply, result.token);
        if (result.session.secondFactorPending) return { secondFactorRequired: true };
        return { secondFactorRequired: false, user: publicUser(result.user, options.clock()), permissions: permissionsOf(result.user.kind, result.user.role), csrfToken: result.session.csrfToken };
      });
      api.post('/login/second-factor', async (request, reply) => {
        const token = request.cookies[PORTAL_COOKIE] ?? '';
        const result = await accounts.secondFactor(token, requiredText(bodyOf(request), 'code', 16), request.ip);
        setCookie(reply, result.token);
        return { secondFactorRequired: false, user: publicUser(result.user, options.clock()), permissions: permissionsOf(result.user.kind, result.user.role), csrfToken: result.session.csrfToken };
      });

      for (const route of routes) {
        api.route({
          method: route.method,
          url: route.url,
          ...(route.bodyLimitBytes !== undefined ? { bodyLimit: route.bodyLimitBytes } : {}),
          handler: async (request, reply) => {
            const ctx = await authorize(request, reply, route);
            if (!ctx) return reply;
            return route.handler(ctx, request, reply);
          },
        });
      }
    },
    { prefix: '/portal/api' },
  );

  async function authorize(request: FastifyRequest, reply: FastifyReply, route: PortalRoute): Promise<PortalContext | undefined> {
    const token = request.cookies[PORTAL_COOKIE];
    const resolved = token ? await accounts.resolve(token) : undefined;
    if (!resolved) {
      sendError(reply, 'PORTAL_UNAUTHENTICATED');
      return undefined;
    }
    const { user, session } = resolved;
    // A temporary password allows nothing but choosing a new one (and leaving).
    const own = route.permission === null;
    if (user.mustChangePassword && !own) {
      sendError(reply, 'PORTAL_FORBIDDEN', 'Choose a new password first.');
      return undefined;
    }
    if (route.permission !== null && !can(user.kind, user.role, route.permission)) {
      sendError(reply, 'PORTAL_FORBIDDEN');
      return undefined;
    }
    if (route.method !== 'GET') {
      const presented = request.headers['x-csrf-token'];
      if (typeof presented !== 'string' || !sameSecret(presented, session.csrfToken)) {
        sendError(reply, 'PORTAL_CSRF_INVALID');
        return undefined;
      }
    }
    return { user, session, merchantId: user.kind === 'merchant' ? user.merchantId : null, actor: { userId: user.userId, email: user.email, clientIp: request.ip } };
  }

  const webDir = options.webDir ?? PORTAL_WEB_DIR;
  await app.register(async (web) => {
    await web.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
        },
      },
      referrerPolicy: { policy: 'no-referrer' },
    });
    if (existsSync(webDir)) {
      await web.register(fastifyStatic, { root: webDir, prefix: '/portal/', index: ['index.html'], wildcard: false });
      // Client-side routes (/portal/orders/…) all load the same page.
      web.get('/portal/*', async (request, reply) => {
        if (request.url.startsWith('/portal/api/')) return sendError(reply, 'NOT_FOUND');
        return reply.header('cache-control', 'no-cache').sendFile('index.html');
      });
      web.get('/portal', async (_request, reply) => reply.redirect('/portal/'));
    } else {
      web.get('/portal*', async (_request, reply) => reply.code(503).type('text/plain').send('The back office web app is not built: run `npm run build`.'));
    }
  });
  return { routes };
}
