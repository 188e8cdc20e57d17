import type { FastifyReply, FastifyRequest } from 'fastify';
import { isAmountMinorString } from '@opencashier/sdk';
import { DISPUTE_OUTCOMES, DISPUTE_STAGES, DISPUTE_STATUSES, type DisputeActor, type DisputeOutcome, type DisputeStage, type DisputeStatus } from '../domain/dispute.js';
import { ERRORS, GatewayError } from '../domain/errors.js';
import { DISPUTE_LIST_PAGE_MAX } from '../domain/limits.js';
import type { AmountMinor } from '../domain/money.js';
import type { DisputeService, OpenDispute } from '../orders/dispute-service.js';
import type { OrderService } from '../orders/order-service.js';
import type { DeliveryService } from '../orders/delivery-service.js';
import type { AdminRoutes } from './auth.js';
import { disputeEventJson, disputeJson, evidenceJson } from './dispute-json.js';

type Body = Record<string, unknown>;

/** Refusals as the rest of the admin API answers them: the code's HTTP status and plain JSON. */
async function answering(reply: FastifyReply, task: () => Promise<unknown>, successStatus = 200): Promise<FastifyReply> {
  try {
    return reply.code(successStatus).send(await task());
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return reply.code(ERRORS[error.code].httpStatus).send({ status: ERRORS[error.code].wireStatus, code: error.code, errorMessage: error.message });
  }
}

function body(request: FastifyRequest): Body {
  const b = request.body;
  if (b === null || b === undefined) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw new GatewayError('FIELD_INVALID', { field: 'body', reason: 'a JSON object' });
  return b as Body;
}

function optionalString(b: Body, field: string): string | undefined {
  const v = b[field];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new GatewayError('FIELD_INVALID', { field, reason: 'must be a string' });
  return v;
}

function oneOf<T extends string>(b: Body, field: string, allowed: readonly T[], required: boolean): T | undefined {
  const v = optionalString(b, field);
  if (v === undefined) {
    if (required) throw new GatewayError('FIELD_MISSING', { field });
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(v)) throw new GatewayError('FIELD_INVALID', { field, reason: allowed.join(', ') });
  return v as T;
}

function amountOf(b: Body): AmountMinor | undefined {
  const v = b.amount;
  if (v === undefined || v === null || v === '') return undefined;
  if (!isAmountMinorString(v) || v === '0') throw new GatewayError('AMOUNT_INVALID', { field: 'amount' });
  return BigInt(v) as AmountMinor;
}

function daysOf(b: Body): number | undefined {
  const v = b.respondByDays;
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isSafeInteger(n)) throw new GatewayError('FIELD_INVALID', { field: 'respondByDays', reason: 'a whole number of days' });
  return n;
}

function operator(b: Body): DisputeActor {
  const name = optionalString(b, 'operator');
  return { kind: 'OPERATOR', ...(name ? { name: name.slice(0, 64) } : {}) };
}

/**
 * Operator routes for disputes, for acquirers that report cases by file or
 * e-mail: open, escalate and decide cases, read them with their history
 * and evidence (attachments too), and set a merchant's dispute URL.
 */
export function disputeAdminRoutes(deps: { disputes: DisputeService; orders: OrderService; deliveries: DeliveryService }): AdminRoutes {
  const { disputes, orders } = deps;
  const own = async (disputeId: string) => {
    const d = await disputes.find(disputeId);
    if (!d) throw new GatewayError('DISPUTE_NOT_FOUND');
    return d;
  };
  return async (scope) => {
    scope.get('/disputes', async (request, reply) =>
      answering(reply, async () => {
        const q = request.query as Body;
        const limit = Math.min(Number(q.limit ?? DISPUTE_LIST_PAGE_MAX) || DISPUTE_LIST_PAGE_MAX, DISPUTE_LIST_PAGE_MAX);
        const status = oneOf<DisputeStatus>(q, 'status', DISPUTE_STATUSES, false);
        const stage = oneOf<DisputeStage>(q, 'stage', DISPUTE_STAGES, false);
        const merchantId = optionalString(q, 'merchantId');
        const orderId = optionalString(q, 'orderId');
        const list = await disputes.list({ limit, ...(status ? { status } : {}), ...(stage ? { stage } : {}), ...(merchantId ? { merchantId } : {}), ...(orderId ? { orderId } : {}) });
        return { disputes: list.map(disputeJson) };
      }),
    );

    /** `{orderId | merchantId + requestId, stage, reasonCode?, reasonText?, amount?, respondByDays?, acquirerReference?, note?, operator?}` */
    scope.post('/disputes', async (request, reply) =>
      answering(
        reply,
        async () => {
          const b = body(request);
          let orderId = optionalString(b, 'orderId');
          if (orderId === undefined) {
            const merchantId = optionalString(b, 'merchantId');
            const requestId = optionalString(b, 'requestId');
            if (!merchantId || !requestId) throw new GatewayError('FIELD_MISSING', { field: 'orderId' });
            orderId = (await orders.findByRequest(merchantId, requestId))?.orderId;
            if (!orderId) throw new GatewayError('ORDER_NOT_FOUND');
          }
          const input: OpenDispute = { orderId, stage: oneOf<DisputeStage>(b, 'stage', ['RETRIEVAL', 'CHARGEBACK'], true)! };
          const optional = { reasonCode: optionalString(b, 'reasonCode'), reasonText: optionalString(b, 'reasonText'), acquirerReference: optionalString(b, 'acquirerReference'), note: optionalString(b, 'note'), amountMinor: amountOf(b), respondByDays: daysOf(b) };
          for (const [k, v] of Object.entries(optional)) if (v !== undefined) (input as unknown as Body)[k] = v;
          return disputeJson(await disputes.open(input, operator(b)));
        },
        201,
      ),
    );

    scope.get('/disputes/:disputeId', async (request, reply) =>
      answering(reply, async () => {
        const { disputeId } = request.params as { disputeId: string };
        const d = await own(disputeId);
        return { ...disputeJson(d), history: (await disputes.history(disputeId)).map(disputeEventJson), evidence: (await disputes.evidence(disputeId)).map(evidenceJson) };
      }),
    );

    /** `{stage?, amount?, reasonCode?, reasonText?, respondByDays?, note?, operator?}` */
    scope.post('/disputes/:disputeId/escalate', async (request, reply) =>
      answering(reply, async () => {
        const { disputeId } = request.params as { disputeId: string };
        const b = body(request);
        await own(disputeId);
        const stage = oneOf<DisputeStage>(b, 'stage', DISPUTE_STAGES, false);
        const optional = { stage, amountMinor: amountOf(b), reasonCode: optionalString(b, 'reasonCode'), reasonText: optionalString(b, 'reasonText'), respondByDays: daysOf(b), note: optionalString(b, 'note') };
        const input: Body = {};
        for (const [k, v] of Object.entries(optional)) if (v !== undefined) input[k] = v;
        return disputeJson(await disputes.escalate(disputeId, input, operator(b)));
      }),
    );

    /** `{outcome: WON | LOST | ACCEPTED | REVERSED, note?, operator?}` */
    scope.post('/disputes/:disputeId/decide', async (request, reply) =>
      answering(reply, async () => {
        const { disputeId } = request.params as { disputeId: string };
        const b = body(request);
        const outcome = oneOf<DisputeOutcome>(b, 'outcome', DISPUTE_OUTCOMES, true)!;
        return disputeJson(await disputes.decide(disputeId, outcome, operator(b), optionalString(b, 'note')));
      }),
    );

    /** An evidence file, to forward to the acquirer. */
    scope.get('/disputes/:disputeId/attachments/:sha256', async (request, reply) => {
      const { disputeId, sha256 } = request.params as { disputeId: string; sha256: string };
      const file = /^[0-9a-f]{64}$/.test(sha256) ? await disputes.attachment(disputeId, sha256) : undefined;
      if (!file) return reply.code(ERRORS.NOT_FOUND.httpStatus).send({ status: 'FAILED', code: 'NOT_FOUND', errorMessage: ERRORS.NOT_FOUND.message });
      return reply
        .code(200)
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .send(file.content);
    });

    /** `{url: string | null}`: where the merchant's dispute notifications go (null: each order's notifyUrl). */
    scope.put('/merchants/:merchantId/dispute-notify-url', async (request, reply) =>
      answering(reply, async () => {
        const { merchantId } = request.params as { merchantId: string };
        const url = optionalString(body(request), 'url') ?? null;
        await disputes.setNotifyUrl(merchantId, url);
        return { merchantId, disputeNotifyUrl: url };
      }),
    );

    /** The order's delivery status and every confirmation the merchant sent. */
    scope.get('/orders/:orderId/deliveries', async (request, reply) =>
      answering(reply, async () => {
        const { orderId } = request.params as { orderId: string };
        const order = await orders.find(orderId);
        if (!order) throw new GatewayError('ORDER_NOT_FOUND');
        const list = await deps.deliveries.forOrder(orderId);
        return {
          orderId,
          deliveryStatus: order.deliveryStatus,
          deliveries: list.map((d) => ({ status: d.status, logisticsCompany: d.logisticsCompany, trackingNumbers: d.trackingNumbers, at: new Date(d.eventAtMs).toISOString(), receivedAt: new Date(d.createdAtMs).toISOString() })),
        };
      }),
    );
  };
}
