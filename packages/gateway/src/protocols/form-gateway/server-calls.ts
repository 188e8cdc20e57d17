import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  FORM_ORDER_QUERY_ANSWER_FIELDS, FORM_ORDER_QUERY_FIELDS, FORM_REFUND_ANSWER_FIELDS, FORM_REFUND_FIELDS, FORM_REFUND_QUERY_FIELDS,
  FORM_RESEND_ANSWER_FIELDS, FORM_RESEND_FIELDS, FORM_RESULT_FAILURE, FORM_RESULT_SUCCESS, decodeForm, isAmountMinorString,
} from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { AmountMinor } from '../../domain/money.js';
import { REQUEST_ID_LENGTH_MAX } from '../../domain/limits.js';
import { isFinal } from '../../domain/order-state.js';
import type { Order } from '../../domain/order.js';
import type { Merchant } from '../../store/merchant-repository.js';
import type { OrderService } from '../../orders/order-service.js';
import type { RefundService } from '../../orders/refund-service.js';
import { requestDigest } from '../../orders/request-digest.js';
import type { NotificationRepository } from '../../store/notification-repository.js';
import type { MerchantRateLimiter } from '../../ops/merchant-rate-limit.js';
import { MerchantRateLimitedError } from '../../ops/merchant-rate-limit.js';
import { authenticateForm, type FormAuthDeps } from './authenticate.js';
import { describeRefusal } from './answers.js';
import { FORM_GATEWAY_DIALECT } from './order-request.js';
import { orderQueryFields, refundFields, signedXml } from './server-answers.js';
import type { FormSigningDeps } from './result-fields.js';

export interface FormServerCallDeps extends FormAuthDeps, FormSigningDeps {
  orders: OrderService;
  refunds: RefundService;
  notifications: NotificationRepository;
  merchantLimiter?: MerchantRateLimiter;
}

type Fields = Readonly<Record<string, string>>;

/** One server call: the fields it signs, the fields it answers, and what it does for an authenticated merchant. */
interface ServerCall {
  path: string;
  signed: readonly string[];
  answer: readonly string[];
  run(merchant: Merchant, f: Fields, deps: FormServerCallDeps): Promise<Record<string, string>>;
}

function required(f: Fields, name: string, pattern: RegExp, reason: string): string {
  const v = f[name];
  if (v === undefined || v === '') throw new GatewayError('FIELD_MISSING', { field: name });
  if (!pattern.test(v)) throw new GatewayError('FIELD_INVALID', { field: name, reason });
  return v;
}

const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The merchant's form-gateway order named by `orderId`; another merchant's, or another dialect's, is answered as missing. */
async function formOrder(merchant: Merchant, f: Fields, orders: OrderService): Promise<Order> {
  const orderId = required(f, 'orderId', ORDER_ID, 'letters, digits, _ and -');
  const order = await orders.findByRequest(merchant.merchantId, orderId);
  if (!order || order.dialect !== FORM_GATEWAY_DIALECT) throw new GatewayError('ORDER_NOT_FOUND');
  return order;
}

const CALLS: readonly ServerCall[] = [
  {
    path: '/form-gateway/query',
    signed: FORM_ORDER_QUERY_FIELDS,
    answer: FORM_ORDER_QUERY_ANSWER_FIELDS,
    async run(merchant, f, deps) {
      const order = await formOrder(merchant, f, deps.orders);
      return orderQueryFields(order, isFinal(order.state));
    },
  },
  {
    // Over the core's refund service: refundId is the idempotency key, refundAmount (fen) optional: all that is still refundable.
    path: '/form-gateway/refund',
    signed: FORM_REFUND_FIELDS,
    answer: FORM_REFUND_ANSWER_FIELDS,
    async run(merchant, f, deps) {
      const refundId = required(f, 'refundId', /^[A-Za-z0-9_-]+$/, 'letters, digits, _ and -');
      if (refundId.length > REQUEST_ID_LENGTH_MAX) throw new GatewayError('FIELD_INVALID', { field: 'refundId', reason: `longer than ${REQUEST_ID_LENGTH_MAX} characters` });
      const amountText = f.refundAmount;
      if (amountText !== undefined && amountText !== '' && (!isAmountMinorString(amountText) || amountText === '0')) {
        throw new GatewayError('FIELD_INVALID', { field: 'refundAmount', reason: 'a positive whole number of fen' });
      }
      const order = await formOrder(merchant, f, deps.orders);
      const { signMsg: _signMsg, ...content } = f;
      const { refund } = await deps.refunds.request(merchant, {
        requestId: refundId,
        requestDigest: requestDigest(content),
        orderId: order.orderId,
        amountMinor: amountText ? (BigInt(amountText) as AmountMinor) : null,
        remark: null,
        notifyUrl: null,
      });
      return refundFields(refund, order);
    },
  },
  {
    path: '/form-gateway/refundQuery',
    signed: FORM_REFUND_QUERY_FIELDS,
    answer: FORM_REFUND_ANSWER_FIELDS,
    async run(merchant, f, deps) {
      const refundId = required(f, 'refundId', /^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -');
      const refund = await deps.refunds.findByRequest(merchant.merchantId, refundId);
      const order = refund ? await deps.orders.find(refund.orderId) : undefined;
      if (!refund || !order || order.dialect !== FORM_GATEWAY_DIALECT) throw new GatewayError('REFUND_NOT_FOUND');
      return refundFields(refund, order);
    },
  },
  {
    // 自助补发: the order's result goes to bgUrl again, now, whatever became of the earlier deliveries.
    path: '/form-gateway/resend',
    signed: FORM_RESEND_FIELDS,
    answer: FORM_RESEND_ANSWER_FIELDS,
    async run(merchant, f, deps) {
      const order = await formOrder(merchant, f, deps.orders);
      const results = (await deps.notifications.forOrder(order.orderId)).filter((n) => n.dialect === FORM_GATEWAY_DIALECT && 'payResult' in (JSON.parse(n.payloadJson) as object));
      const latest = results.at(-1);
      if (!latest || !(await deps.notifications.resend(latest.id, deps.clock()))) throw new GatewayError('NOTIFICATION_NOT_FOUND');
      return { orderId: order.requestId, dealId: order.orderId };
    },
  },
];

/**
 * The form gateway's server-to-server calls (order query, refund, refund
 * query, re-send of a result): UTF-8 or GBK forms from the shop's server,
 * each verified over its own field order, answered in signed XML with
 * `requestResult` 10 or, refused, 11 and the `errCode`. Nothing is written
 * for a refused call.
 */
export function formServerCalls(app: FastifyInstance, deps: FormServerCallDeps): void {
  const xml = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/xml; charset=utf-8').send(body);
  for (const call of CALLS) {
    app.post(call.path, async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const decoded = decodeForm(raw);
      const f: Fields = decoded.ok ? decoded.fields : {};
      const echo = { merchantAcctId: f.merchantAcctId ?? '', version: f.version ?? '', signType: f.signType ?? '' };
      let merchantId: string | undefined;
      try {
        if (!decoded.ok) throw new GatewayError('CHARSET_INVALID', { reason: decoded.problem });
        const { merchant } = await authenticateForm(f, deps, call.signed);
        merchantId = merchant.merchantId;
        request.logFields = { merchantId };
        deps.merchantLimiter?.take(merchantId);
        required(f, 'version', /^v2\.0$/, 'must be v2.0');
        const fields = await call.run(merchant, f, deps);
        request.logFields = { ...request.logFields, code: 'OK' };
        return xml(reply, 200, await signedXml({ ...fields, ...echo, requestResult: FORM_RESULT_SUCCESS, errCode: '' }, call.answer, merchantId, deps));
      } catch (error) {
        const refusal = describeRefusal(error);
        if (!refusal.known) request.log.error({ err: error }, 'form gateway server call failed');
        request.logFields = { ...request.logFields, code: refusal.code, errCode: refusal.errCode };
        const answer = { ...echo, requestResult: FORM_RESULT_FAILURE, errCode: refusal.errCode, orderId: f.orderId ?? '', refundId: f.refundId ?? '' };
        if (error instanceof MerchantRateLimitedError) reply.header('retry-after', String(error.retryAfterSeconds));
        // Signed only once the request itself verified: signing echoed text for anyone would lend the merchant's key to forgers.
        return xml(reply, error instanceof MerchantRateLimitedError ? 429 : 200, await signedXml(answer, call.answer, merchantId, deps));
      }
    });
  }
}
