import { GatewayError, type ErrorCode } from '../../domain/errors.js';
import type { DialectModule } from '../dialect-module.js';
import { describeRefusal } from './answers.js';
import { formGatewayDialect } from './merchant-dialect.js';
import { FORM_GATEWAY_DIALECT } from './order-request.js';
import { formGatewayRoutes } from './routes.js';

/** The browser-posted form gateway: merchant account, MD5 or RSA signed fields, XML answers for server submits. */
export const formGatewayModule: DialectModule = {
  name: FORM_GATEWAY_DIALECT,
  openApiTags: [{ name: 'form-gateway', description: 'Form posts from the payer\'s browser, signed fields, XML server answers' }],
  errorBody: (code: ErrorCode) => {
    const refusal = describeRefusal(new GatewayError(code));
    return { errCode: refusal.errCode, message: refusal.message };
  },
  create(c) {
    return {
      dialect: formGatewayDialect({ secrets: c.secrets, keys: c.keys, clock: c.clock, links: c.links, publicBaseUrl: c.config.publicBaseUrl }),
      routes: (app) =>
        formGatewayRoutes(app, { orders: c.orders, refunds: c.refunds, merchants: c.merchants, secrets: c.secrets, keys: c.keys, links: c.links, notifications: c.notifications, clock: c.clock, merchantLimiter: c.merchantLimiter }),
    };
  },
};
