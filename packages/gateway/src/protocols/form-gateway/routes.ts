import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FORM_RESULT_FIELDS, decodeForm, renderFlatXml } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import { FORM_ORDER_TIMESTAMP_WINDOW_MS, REQUEST_BODY_BYTES_MAX } from '../../domain/limits.js';
import { isFinal } from '../../domain/order-state.js';
import type { OrderService } from '../../orders/order-service.js';
import type { RefundService } from '../../orders/refund-service.js';
import { formServerCalls } from './server-calls.js';
import type { CashierLinks } from '../../cashier/links.js';
import { checkMerchantUrl } from '../../orders/merchant-urls.js';
import type { NotificationRepository } from '../../store/notification-repository.js';
import { authenticateForm, type FormAuthDeps } from './authenticate.js';
import { describeRefusal, refusalPage, remittanceXml } from './answers.js';
import { formTime } from './form-time.js';
import { merchantIdOfAcct } from './merchant-account.js';
import { redirectUrlOf } from './merchant-dialect.js';
import { FORM_GATEWAY_DIALECT, FORM_SERVER_SUBMIT, parseFormOrder } from './order-request.js';
import { formResultFields, signedFields, type FormSigningDeps } from './result-fields.js';
import { MerchantRateLimitedError, type MerchantRateLimiter } from '../../ops/merchant-rate-limit.js';
import { asSystemBusy, busyReply } from '../../ops/system-busy.js';

export interface FormGatewayRouteDeps extends FormAuthDeps, FormSigningDeps {
  orders: OrderService;
  refunds: RefundService;
  links: CashierLinks;
  notifications: NotificationRepository;
  /** Counts each authenticated request against its merchant's per-minute budget. */
  merchantLimiter?: MerchantRateLimiter;
}

/** The entry a shop's order form posts to; the second path is the one 快钱 merchants already have in their forms. */
export const FORM_ENTRY_PATHS = ['/form-gateway/pay', '/gateway/recvMerchantInfoAction.htm'] as const;

/** The path prefixes this dialect answers under, known routes or not. */
const FORM_PATH_PREFIXES = ['/form-gateway', '/gateway'] as const;

const PAGE_SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/**
 * The classic RMB form gateway (seed 004): a browser form POST in the
 * shop's charset, verified with signMsg, redirected into the hosted cashier;
 * offline remittance orders submitted from the shop's server and answered in
 * XML; the anti-phishing time stamp; and the payer's way back to the shop.
 */
export async function formGatewayRoutes(app: FastifyInstance, deps: FormGatewayRouteDeps): Promise<void> {
  // The bytes are kept raw: their charset is only known from the form's own inputCharset.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: REQUEST_BODY_BYTES_MAX }, (_request, body, done) => done(null, body));

  const page = (reply: FastifyReply, status: number, body: string) => reply.code(status).headers(PAGE_SECURITY_HEADERS).type('text/html; charset=utf-8').send(body);
  const xml = (reply: FastifyReply, body: string) => reply.code(200).type('text/xml; charset=utf-8').send(body);

  app.setErrorHandler((error, request, reply) => {
    const status = (error as { statusCode?: number }).statusCode;
    const busy = asSystemBusy(error);
    if (busy) {
      const refusal = describeRefusal(busy);
      return page(busyReply(reply), 503, refusalPage(refusal.errCode, refusal.message, 'zh'));
    }
    const known = status === 413 ? new GatewayError('BODY_TOO_LARGE') : status === 429 ? new GatewayError('RATE_LIMITED') : undefined;
    const refusal = describeRefusal(known ?? (status !== undefined && status < 500 ? new GatewayError('FIELD_INVALID', { field: 'form', reason: 'unreadable' }) : error));
    if (!refusal.known) request.log.error({ err: error }, 'form gateway request failed');
    return page(reply, status === 413 || status === 429 ? status : 400, refusalPage(refusal.errCode, refusal.message, 'zh'));
  });

  // An unknown path or method under the dialect's prefixes is refused in its own terms: the payer's page (or XML for a server submit).
  for (const prefix of FORM_PATH_PREFIXES) {
    await app.register(async (scope) => {
      scope.setNotFoundHandler(async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : undefined;
        const decoded = raw ? decodeForm(raw) : undefined;
        const fields = decoded?.ok ? decoded.fields : {};
        const refusal = describeRefusal(new GatewayError('NOT_FOUND'));
        request.logFields = { ...request.logFields, code: refusal.code, errCode: refusal.errCode };
        if (fields.submitType === FORM_SERVER_SUBMIT) return reply.code(404).type('text/xml; charset=utf-8').send(renderFlatXml('res', [['errCode', refusal.errCode]]));
        return page(reply, 404, refusalPage(refusal.errCode, refusal.message, fields.language === '2' ? 'en' : 'zh'));
      });
    }, { prefix });
  }

  const submit = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const decoded = decodeForm(raw);
    const fields = decoded.ok ? decoded.fields : {};
    const serverSubmit = fields.submitType === FORM_SERVER_SUBMIT;
    const lang = fields.language === '2' ? 'en' : 'zh';
    let merchantId: string | undefined;
    try {
      if (!decoded.ok) {
        if (decoded.problem === 'charset-unknown') throw new GatewayError('FIELD_INVALID', { field: 'inputCharset', reason: 'must be 1 (UTF-8), 2 (GBK) or 3 (GB2312)' });
        throw new GatewayError('CHARSET_INVALID', { reason: decoded.problem === 'field-repeated' ? 'a field is repeated' : 'bytes that are not text in that charset' });
      }
      const { merchant } = await authenticateForm(fields, deps);
      merchantId = merchant.merchantId;
      request.logFields = { merchantId, requestId: fields.orderId };
      deps.merchantLimiter?.take(merchantId);
      const command = parseFormOrder(fields, deps.clock(), { required: merchant.formAntiReplay === true, windowMs: FORM_ORDER_TIMESTAMP_WINDOW_MS });
      if (command.noResubmit && (await deps.orders.findByRequest(merchant.merchantId, command.order.requestId))) {
        throw new GatewayError('ORDER_RESUBMITTED', { requestId: command.order.requestId });
      }
      // A resubmission of the same form (redoFlag 0) is a replay: it leads to the same order.
      const { order } = await deps.orders.create(merchant, command.order);
      request.logFields = { ...request.logFields, code: 'OK' };
      if (command.remittance) return xml(reply, await remittanceXml(fields, { order }, merchantId, deps));
      return reply.redirect(deps.links.url(order.orderId), 303);
    } catch (error) {
      const busy = asSystemBusy(error);
      const refusal = describeRefusal(busy ?? error);
      if (!refusal.known) request.log.error({ err: error }, 'form gateway request failed');
      request.logFields = { ...request.logFields, code: refusal.code, errCode: refusal.errCode };
      if (error instanceof MerchantRateLimitedError) {
        reply.header('retry-after', String(error.retryAfterSeconds));
        if (serverSubmit) return reply.code(429).type('text/xml; charset=utf-8').send(await remittanceXml(fields, { errCode: refusal.errCode }, merchantId, deps));
        return page(reply, 429, refusalPage(refusal.errCode, refusal.message, lang));
      }
      if (busy) {
        request.log.warn({ err: error }, 'dependency unavailable; answered SYSTEM_BUSY');
        busyReply(reply);
        // The XML answer is signed with keys the database holds: unavailable now, so it goes unsigned.
        if (serverSubmit) return reply.type('text/xml; charset=utf-8').send(await remittanceXml(fields, { errCode: refusal.errCode }, undefined, deps));
        return page(reply, 503, refusalPage(refusal.errCode, refusal.message, lang));
      }
      if (serverSubmit) return xml(reply, await remittanceXml(fields, { errCode: refusal.errCode }, merchantId, deps));
      return page(reply, 400, refusalPage(refusal.errCode, refusal.message, lang));
    }
  };
  for (const path of FORM_ENTRY_PATHS) app.post(path, submit);
  formServerCalls(app, deps);

  // 商户查询交易时间戳: the stamp a shop puts in orderTimestamp when it builds the order form.
  app.route({
    method: ['GET', 'POST'],
    url: '/form-gateway/timestamp',
    handler: async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const decoded = Buffer.isBuffer(request.body) ? decodeForm(request.body) : undefined;
      const acct = String(query.merchantAcctId ?? (decoded?.ok ? decoded.fields.merchantAcctId : '') ?? '');
      const merchantId = merchantIdOfAcct(acct);
      const merchant = merchantId ? await deps.merchants.find(merchantId) : undefined;
      if (!merchant) return xml(reply, renderFlatXml('res', [['merchantAcctId', acct], ['errCode', describeRefusal(new GatewayError('MERCHANT_UNKNOWN')).errCode]]));
      return xml(reply, renderFlatXml('res', [['merchantAcctId', acct], ['timestamp', formTime(deps.clock())]]));
    },
  });

  // The payer's way back: the merchant's redirecturl from its bgUrl answer, else pageUrl with the signed result.
  app.get<{ Params: { token: string } }>('/form-gateway/return/:token', async (request, reply) => {
    const orderId = deps.links.verify(request.params.token);
    const order = orderId ? await deps.orders.find(orderId) : undefined;
    if (!order || order.dialect !== FORM_GATEWAY_DIALECT) return page(reply, 404, refusalPage(describeRefusal(new GatewayError('ORDER_NOT_FOUND')).errCode, 'No such order.', 'zh'));
    const cashier = `/cashier/${request.params.token}`;
    if (!isFinal(order.state)) return reply.redirect(cashier, 303);
    const merchant = await deps.merchants.find(order.merchantId);
    for (const n of await deps.notifications.forOrder(order.orderId)) {
      for (const attempt of await deps.notifications.attempts(n.id)) {
        const target = attempt.delivered ? redirectUrlOf(attempt.responseExcerpt) : undefined;
        if (!target || !merchant) continue;
        try {
          // Only to a host the merchant registered, like every other URL it gives.
          return reply.redirect(checkMerchantUrl(merchant, 'redirecturl', target).toString(), 303);
        } catch {
          request.log.warn({ merchantId: order.merchantId, orderId: order.orderId }, 'form gateway: redirecturl not allowed; using pageUrl');
        }
      }
    }
    const pageUrl = order.dialectContext.pageUrl;
    if (!pageUrl) return reply.redirect(cashier, 303);
    const url = new URL(pageUrl);
    for (const [k, v] of Object.entries(await signedFields(formResultFields(order), FORM_RESULT_FIELDS, order.merchantId, deps))) url.searchParams.set(k, v);
    return reply.redirect(url.toString(), 303);
  });
}
