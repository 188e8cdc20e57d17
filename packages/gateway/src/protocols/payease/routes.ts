import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, GatewayError, renderMessage, type ErrorCode } from '../../domain/errors.js';
import { REQUEST_BODY_BYTES_MAX } from '../../domain/limits.js';
import type { OrderService } from '../../orders/order-service.js';
import type { DisputeService } from '../../orders/dispute-service.js';
import type { RefundService } from '../../orders/refund-service.js';
import { afterPaymentHandlers } from './after-payment-handlers.js';
import type { CashierLinks } from '../../cashier/links.js';
import { parseIccOrderRequest } from './icc-order-request.js';
import { plainErrorBody } from './plain-error.js';
import { echoedHeaders, writeProtocolHeaders } from './wire-headers.js';
import { DiagnosedEnvelopeError } from './envelope-diagnosis.js';
import { iccOrderFields } from './order-fields.js';
import type { GatewayEnvelope, OpenedRequest } from './gateway-envelope.js';
import { sandboxHandlers } from './sandbox-helpers.js';
import { onlinePayHandlers } from './online-pay-handlers.js';
import type { OnlinePayService } from '../../onlinepay/online-pay-service.js';
import type { CardBindingService } from '../../onlinepay/card-binding-service.js';
import { DISPUTE_ROUTE_BODY_BYTES_MAX, disputeHandlers } from './dispute-handlers.js';
import { deliveryHandlers } from './delivery-handlers.js';
import { MerchantRateLimitedError, type MerchantRateLimiter } from '../../ops/merchant-rate-limit.js';
import type { DeliveryService } from '../../orders/delivery-service.js';
import { asSystemBusy, busyReply } from '../../ops/system-busy.js';

export interface PayEaseRouteDeps {
  envelope: GatewayEnvelope;
  orders: OrderService;
  refunds: RefundService;
  disputes: DisputeService;
  deliveries: DeliveryService;
  links: CashierLinks;
  clock: () => number;
  /** More envelope APIs, by path (foreign exchange, settlement, reconciliation). */
  moreHandlers?: Record<string, Handler>;
  onlinePay: OnlinePayService;
  bindings: CardBindingService;
  /** Counts each authenticated request against its merchant's per-minute budget. */
  merchantLimiter?: MerchantRateLimiter;
}

export type Handler = (opened: OpenedRequest) => Promise<Record<string, unknown>>;

/**
 * Envelope failures that cannot be sealed: the merchant is unknown or the
 * envelope unreadable. They still echo the request's `merchantId` and
 * `requestId` headers, in the protocol's case, like every PayEase answer.
 */
export function sendPlainError(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, extra: Record<string, unknown> = {}): FastifyReply {
  writeProtocolHeaders(reply, echoedHeaders(request.headers));
  return reply.code(ERRORS[code].httpStatus).type('application/json').send({ ...plainErrorBody(code), ...extra });
}

/** A dependency is unavailable: HTTP 503 with Retry-After, plain (the status is what makes clients retry). */
function sendSystemBusy(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  request.log.warn({ err: error }, 'dependency unavailable; answered SYSTEM_BUSY');
  request.logFields = { ...request.logFields, code: 'SYSTEM_BUSY' };
  return sendPlainError(request, busyReply(reply), 'SYSTEM_BUSY');
}

function errorFields(error: unknown, requestId: unknown, log: FastifyRequest['log']): Record<string, unknown> {
  const known = error instanceof GatewayError ? error : undefined;
  if (!known) log.error({ err: error }, 'request failed');
  const code: ErrorCode = known?.code ?? 'INTERNAL_ERROR';
  return {
    ...(typeof requestId === 'string' && requestId !== '' ? { requestId } : {}),
    status: ERRORS[code].wireStatus,
    code,
    errorMessage: known ? known.message : renderMessage(code, {}),
  };
}

/**
 * PayEase v3 merchant API. Requests arrive as a raw base64 body (or
 * `{"data": …}`) under `application/vnd.5upay-v3.0+json`, but any content
 * type is read as text: clients differ, and the envelope is the real check.
 */
export async function payEaseRoutes(app: FastifyInstance, deps: PayEaseRouteDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: REQUEST_BODY_BYTES_MAX }, (_req, body, done) => done(null, body));
  // A body that cannot even be read (a malformed content type, a length that
  // disagrees with the bytes, a bad charset) is one more unreadable envelope:
  // the same uniform answer, so the transport tells an attacker nothing either.
  app.setErrorHandler((error, request, reply) => {
    const e = error as { code?: string; statusCode?: number };
    if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendPlainError(request, reply, 'BODY_TOO_LARGE');
    if (e.statusCode === 429) return writeProtocolHeaders(reply, echoedHeaders(request.headers)).code(429).send(error);
    if (e.statusCode !== undefined && e.statusCode < 500) {
      request.logFields = { code: 'ENVELOPE_INVALID' };
      return sendPlainError(request, reply, 'ENVELOPE_INVALID');
    }
    if (asSystemBusy(error)) return sendSystemBusy(request, reply, error);
    request.log.error({ err: error }, 'unhandled error');
    return sendPlainError(request, reply, 'INTERNAL_ERROR');
  });

  const handle = (handler: Handler) => async (request: FastifyRequest, reply: FastifyReply) => {
    let opened: OpenedRequest;
    try {
      opened = await deps.envelope.openRequest(request.headers, request.body);
    } catch (error) {
      if (asSystemBusy(error)) return sendSystemBusy(request, reply, error);
      if (error instanceof GatewayError) {
        request.logFields = { code: error.code };
        // A sandbox merchant is told which check failed (docs/dialects/payease.md § Sandbox diagnostics).
        return sendPlainError(request, reply, error.code, error instanceof DiagnosedEnvelopeError ? { diagnostic: error.diagnostic } : {});
      }
      request.log.error({ err: error }, 'envelope handling failed');
      return sendPlainError(request, reply, 'ENVELOPE_INVALID');
    }
    try {
      deps.merchantLimiter?.take(opened.merchant.merchantId);
    } catch (error) {
      if (!(error instanceof MerchantRateLimitedError)) throw error;
      request.logFields = { merchantId: opened.merchant.merchantId, code: 'RATE_LIMITED' };
      return sendPlainError(request, reply.header('retry-after', String(error.retryAfterSeconds)), 'RATE_LIMITED');
    }
    const requestId = opened.payload.requestId;
    let fields: Record<string, unknown>;
    try {
      deps.envelope.admit(opened);
      fields = await handler(opened);
    } catch (error) {
      if (asSystemBusy(error)) {
        request.logFields = { merchantId: opened.merchant.merchantId, requestId: typeof requestId === 'string' ? requestId : undefined };
        return sendSystemBusy(request, reply, error);
      }
      fields = errorFields(error, requestId, request.log);
    }
    const merchantId = opened.merchant.merchantId;
    // For the request's log line: who asked, about what, and with which outcome.
    request.logFields = { merchantId, requestId: typeof requestId === 'string' ? requestId : undefined, answer: fields.status, code: fields.code };
    const sealed = await deps.envelope.seal(merchantId, { key: opened.recipient, pem: opened.recipientPem }, { merchantId, ...fields });
    writeProtocolHeaders(reply, { ...echoedHeaders(request.headers), ...sealed.headers, merchantId });
    return reply.code(200).type('application/json').send(sealed.body);
  };

  app.post('/icc/order', handle(async ({ merchant, payload }) => {
    const input = parseIccOrderRequest(payload);
    const { order } = await deps.orders.create(merchant, input);
    return {
      requestId: order.requestId,
      status: 'SUCCESS',
      paymentOrderId: order.orderId,
      redirectUrl: deps.links.url(order.orderId),
    };
  }));

  app.post('/icc/query', handle(async ({ merchant, payload }) => {
    const requestId = payload.requestId;
    if (typeof requestId !== 'string' || requestId === '') throw new GatewayError('FIELD_MISSING', { field: 'requestId' });
    const order = await deps.orders.findByRequest(merchant.merchantId, requestId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    return iccOrderFields(order);
  }));

  const handlers = {
    ...afterPaymentHandlers(deps.orders, deps.refunds),
    ...disputeHandlers(deps.orders, deps.disputes, deps.clock),
    ...deliveryHandlers(deps.deliveries),
    ...sandboxHandlers(deps.orders, deps.disputes),
    ...deps.moreHandlers,
    ...onlinePayHandlers(deps.orders, deps.onlinePay, deps.links, deps.bindings),
  };
  for (const [path, handler] of Object.entries(handlers)) {
    app.post(path, { bodyLimit: DISPUTE_ROUTE_BODY_BYTES_MAX[path] ?? REQUEST_BODY_BYTES_MAX }, handle(handler));
  }
}
