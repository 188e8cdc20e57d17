import { DEFAULT_DIALECT } from '../../domain/order.js';
import type { DialectModule } from '../dialect-module.js';
import { EnvelopePool } from './envelope-pool.js';
import { GatewayEnvelope } from './gateway-envelope.js';
import { payEaseDialect } from './merchant-dialect.js';
import { plainErrorBody } from './plain-error.js';
import { payEaseRoutes } from './routes.js';
import { isPayEaseRequest, payEaseNotFound } from './not-found.js';

/** PayEase v3: the sealed envelope (SM2/SM4 or RSA) over JSON, and the APIs it carries. */
export const payEaseModule: DialectModule = {
  name: DEFAULT_DIALECT,
  openApiTags: [{ name: 'payease', description: 'PayEase v3: sealed-envelope orders, refunds, unified orders, FX, settlement, disputes' }],
  errorBody: plainErrorBody,
  notFound: (request, reply) => (isPayEaseRequest(request) ? payEaseNotFound(request, reply) : false),
  create(c) {
    const rejectionSecret = c.kek.subkey('envelope-rejection');
    const pool = c.config.cryptoThreads > 0 ? new EnvelopePool(c.config.cryptoThreads, c.keys, rejectionSecret) : undefined;
    const envelope = new GatewayEnvelope(c.keys, c.merchants, rejectionSecret, c.clock, pool);
    return {
      dialect: payEaseDialect({ envelope }),
      routes: (app) =>
        payEaseRoutes(app, {
          envelope,
          orders: c.orders,
          refunds: c.refunds,
          disputes: c.disputes,
          deliveries: c.deliveries,
          links: c.links,
          clock: c.clock,
          onlinePay: c.onlinePay,
          bindings: c.bindings,
          moreHandlers: c.crossBorder.handlers,
          merchantLimiter: c.merchantLimiter,
        }),
      close: async () => pool?.close(),
    };
  },
};
