import { GatewayError, type ErrorCode } from '../../domain/errors.js';
import type { DialectModule } from '../dialect-module.js';
import { errorAnswer } from './answers.js';
import { globalJsonDialect } from './merchant-dialect.js';
import { GLOBAL_JSON_DIALECT } from './pay-credit-request.js';
import { globalRefundHandler } from './refund.js';
import { globalJsonRoutes } from './routes.js';

/** The flat-JSON MD5 API (`/global/…`): app id, shared secret, snake_case fields. */
export const globalJsonModule: DialectModule = {
  name: GLOBAL_JSON_DIALECT,
  openApiTags: [{ name: 'global-json', description: 'Flat JSON signed with a shared MD5 secret: card and recurring payments, refunds, queries' }],
  errorBody: (code: ErrorCode) => errorAnswer(new GatewayError(code)).answer,
  create(c) {
    return {
      dialect: globalJsonDialect({ secrets: c.secrets, clock: c.clock }),
      routes: (app) =>
        globalJsonRoutes(app, { orders: c.orders, merchants: c.merchants, secrets: c.secrets, consents: c.consents, links: c.links, clock: c.clock, merchantLimiter: c.merchantLimiter }, { '/global/refund': globalRefundHandler(c.orders, c.refunds) }),
    };
  },
};
