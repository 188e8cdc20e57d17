import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, GatewayError } from '../../domain/errors.js';
import type { OrderService } from '../../orders/order-service.js';
import type { CashierLinks } from '../../cashier/links.js';
import type { MerchantRepository } from '../../store/merchant-repository.js';
import type { MerchantSecretRepository } from '../../store/merchant-secret-repository.js';
import type { RecurringConsentRepository, UsableConsent } from '../../store/recurring-consent-repository.js';
import type { Order } from '../../domain/order.js';
import { authenticate, type Authenticated } from './authenticate.js';
import { errorAnswer, successAnswer } from './answers.js';
import { text, type Wire } from './fields.js';
import { globalAmount, globalQueryFields } from './order-result.js';
import { GLOBAL_PAY_TYPE, parsePayCredit } from './pay-credit-request.js';
import { globalQueryStatus } from './status-map.js';
import { MerchantRateLimitedError, type MerchantRateLimiter } from '../../ops/merchant-rate-limit.js';
import { asSystemBusy, busyReply } from '../../ops/system-busy.js';

export interface GlobalJsonRouteDeps {
  orders: OrderService;
  merchants: MerchantRepository;
  secrets: MerchantSecretRepository;
  consents: RecurringConsentRepository;
  links: CashierLinks;
  clock: () => number;
  /** Counts each authenticated request against its merchant's per-minute budget. */
  merchantLimiter?: MerchantRateLimiter;
}

/** An extra route a feature adds to this dialect (refunds): authenticated like the others, answered in the same shape. */
export type GlobalJsonHandler = (auth: Authenticated, body: Wire) => Promise<Record<string, string>>;

/**
 * The flat-JSON international card API (seed 003): `/global/pay/credit`,
 * `/global/order/query`. Requests and answers are JSON; every answer is HTTP
 * 200 with `code` "0" and a signed `result`, or the dialect's error code.
 */
export async function globalJsonRoutes(app: FastifyInstance, deps: GlobalJsonRouteDeps, extra: Readonly<Record<string, GlobalJsonHandler>> = {}): Promise<void> {
  const refuse = (request: FastifyRequest, reply: FastifyReply, error: unknown, httpStatus = 200) => {
    const busy = asSystemBusy(error);
    if (busy) {
      request.log.warn({ err: error }, 'dependency unavailable; answered SYSTEM_BUSY');
      request.logFields = { ...request.logFields, code: busy.code };
      return busyReply(reply).send(errorAnswer(busy).answer);
    }
    const { answer, code, known } = errorAnswer(error);
    if (!known) request.log.error({ err: error }, 'request failed');
    request.logFields = { ...request.logFields, code };
    if (error instanceof MerchantRateLimitedError) return reply.code(429).header('retry-after', String(error.retryAfterSeconds)).send(answer);
    return reply.code(httpStatus).send(answer);
  };
  // Unreadable JSON is answered in this dialect's shape, not the PayEase one.
  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    // Refused before the body was read: the status says so to proxies and clients alike.
    if (status === 413) return refuse(request, reply, new GatewayError('BODY_TOO_LARGE'), 413);
    // The per-address limit (its Retry-After header is already set): in this dialect's shape, with its status.
    if (status === 429) return refuse(request, reply, new GatewayError('RATE_LIMITED'), 429);
    if (status !== undefined && status < 500) return refuse(request, reply, new GatewayError('FIELD_INVALID', { field: 'body', reason: 'not a JSON object' }));
    return refuse(request, reply, error);
  });

  // An unknown path or method under /global/ is refused in this dialect's shape, not with the framework's 404 body.
  await app.register(async (scope) => {
    scope.setNotFoundHandler((request, reply) => refuse(request, reply, new GatewayError('NOT_FOUND'), ERRORS.NOT_FOUND.httpStatus));
  }, { prefix: '/global' });

  const handle = (handler: GlobalJsonHandler) => async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    try {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('FIELD_INVALID', { field: 'body', reason: 'not a JSON object' });
      const auth = await authenticate(body as Wire, deps);
      request.logFields = { merchantId: auth.merchant.merchantId, appId: auth.appId };
      deps.merchantLimiter?.take(auth.merchant.merchantId);
      const result = await handler(auth, body as Wire);
      request.logFields = { ...request.logFields, code: '0' };
      return reply.code(200).send(successAnswer(result, auth.secret));
    } catch (error) {
      return refuse(request, reply, error);
    }
  };

  app.post('/global/pay/credit', handle(async ({ merchant, appId }, body) => {
    const command = parsePayCredit(body, new Date(deps.clock()));
    let consent: UsableConsent | undefined;
    let consentId: string | undefined;
    if (command.payment === 'stored-card') {
      // Checked before anything is written: a refused request changes nothing.
      consent = await deps.consents.findUsable(merchant.merchantId, appId, command.userId);
      if (!consent) throw new GatewayError('STORED_CARD_NOT_FOUND', { userId: command.userId });
      consentId = consent.consentId;
    } else if (command.payment === 'card' && command.keepCard) {
      consentId = `cs_${randomBytes(12).toString('hex')}`;
    }
    const input = consentId ? { ...command.order, dialectContext: { ...command.order.dialectContext, consent_id: consentId } } : command.order;
    const { kind, order } = await deps.orders.create(merchant, input);
    let current: Order = order;
    // A replay (same mch_order_no and content) answers the order as it stands and never pays twice.
    if (kind === 'created') {
      if (command.payment === 'card') {
        if (command.keepCard && consentId) {
          await deps.consents.insert({
            consentId,
            merchantId: merchant.merchantId,
            appId,
            userId: command.userId,
            originOrderId: order.orderId,
            expiryMonth: command.card.expiryMonth,
            expiryYear: command.card.expiryYear,
            holder: command.card.holder,
            createdAtMs: deps.clock(),
          });
        }
        current = await deps.orders.pay(order.orderId, command.card, { keepCard: command.keepCard });
      } else if (command.payment === 'stored-card' && consent) {
        current = await deps.orders.payWithStoredCard(order.orderId, consent);
      }
    }
    return {
      appid: appId,
      mchid: merchant.merchantId,
      amount: globalAmount(current),
      order_id: current.orderId,
      mch_order_no: current.requestId,
      pay_type: GLOBAL_PAY_TYPE,
      user_id: command.userId,
      pay_info: deps.links.url(current.orderId),
      status: globalQueryStatus(current.state),
    };
  }));

  app.post('/global/order/query', handle(async ({ merchant }, body) => {
    const orderId = text(body, 'order_id', false, 64);
    const mchOrderNo = text(body, 'mch_order_no', false, 64);
    if (!orderId && !mchOrderNo) throw new GatewayError('FIELD_MISSING', { field: 'order_id or mch_order_no' });
    const order = orderId ? await deps.orders.find(orderId) : await deps.orders.findByRequest(merchant.merchantId, mchOrderNo!);
    // Another merchant's order is answered exactly like a missing one.
    if (!order || order.merchantId !== merchant.merchantId || (mchOrderNo && order.requestId !== mchOrderNo)) throw new GatewayError('ORDER_NOT_FOUND');
    return globalQueryFields(order);
  }));

  for (const [path, handler] of Object.entries(extra)) app.post(path, handle(handler));
}
