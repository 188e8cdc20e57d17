import type { FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, GatewayError, type ErrorCode } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { OrderService } from '../orders/order-service.js';
import { isRiskAction } from '../risk/decision.js';
import { isListKind, isListName } from '../risk/lists.js';
import { RISK_LISTING_MAX, RISK_RULE_FILE_BYTES_MAX } from '../risk/limits.js';
import { formatRuleErrors, type RiskControl } from '../risk/risk-control.js';
import type { RiskAttempt, ReviewStatus } from '../risk/risk-repository.js';
import type { ReviewQueue } from '../risk/review-queue.js';
import type { AdminRoutes } from './auth.js';

const REVIEW_STATUSES: readonly (string | undefined)[] = ['PENDING', 'APPROVED', 'REJECTED', 'LAPSED'] satisfies ReviewStatus[];

export interface RiskRouteDeps {
  risk: RiskControl;
  reviews: ReviewQueue;
  orders: OrderService;
}

/** An attempt as JSON: amounts as strings of minor units, like everywhere on the wire. */
export function attemptJson(a: RiskAttempt): Record<string, unknown> {
  return { ...a, amountMinor: a.amountMinor.toString() };
}

function orderSummary(o: Order): Record<string, unknown> {
  return { orderId: o.orderId, merchantId: o.merchantId, requestId: o.requestId, state: o.state, amountMinor: o.amountMinor.toString(), currency: o.currency, declineCode: o.declineCode, card: o.card && { brand: o.card.brand, bin: o.card.bin, last4: o.card.last4 } };
}

function refuse(reply: FastifyReply, code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
  return reply.code(ERRORS[code].httpStatus).send({ status: ERRORS[code].wireStatus, code, errorMessage: message, ...extra });
}

/**
 * Risk control under `/admin/v1/risk`: the rules in force (read, replace,
 * reload the rule file), block and allow lists, every decided attempt, the
 * review queue, and confirmed fraud.
 */
export function riskAdminRoutes(deps: RiskRouteDeps): AdminRoutes {
  return async (admin) =>
    admin.register(async (scope: FastifyInstance) => {
      // Rule files are read as text, so their mistakes are reported by line.
      scope.removeContentTypeParser('application/json');
      scope.addContentTypeParser(['application/json', 'text/plain'], { parseAs: 'string', bodyLimit: RISK_RULE_FILE_BYTES_MAX }, (_request, body, done) => done(null, body));
      scope.setErrorHandler((error, _request, reply) => {
        if (error instanceof GatewayError) return refuse(reply, error.code, error.message);
        throw error;
      });
      const jsonBody = (body: unknown): Record<string, unknown> => {
        if (typeof body !== 'string' || body.trim() === '') return {};
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          throw new GatewayError('FIELD_INVALID', { field: 'body', reason: 'not JSON' });
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GatewayError('FIELD_INVALID', { field: 'body', reason: 'must be a JSON object' });
        return parsed as Record<string, unknown>;
      };
      const limitOf = (q: Record<string, string | undefined>) => Math.min(RISK_LISTING_MAX, Math.max(1, Number(q.limit ?? 100) || 100));

      scope.get('/risk/rules', async () => {
        const current = await deps.risk.engine.rulesInForce();
        return current ? { version: current.version, source: current.source, loadedAtMs: current.loadedAtMs, document: current.document } : { version: 0, source: 'built-in', document: null };
      });

      scope.put('/risk/rules', async (request, reply) => {
        const text = typeof request.body === 'string' ? request.body : '';
        const result = await deps.risk.engine.loadRules(text, 'admin API');
        if (!result.ok) return refuse(reply, 'RISK_RULES_INVALID', `The risk rules were refused; the rules in force are unchanged: ${formatRuleErrors(result.errors).join('; ')}.`, { errors: result.errors });
        return { version: result.version };
      });

      scope.post('/risk/rules/reload', async (_request, reply) => {
        const result = await deps.risk.reloadRuleFile();
        if (!result.ok) return refuse(reply, 'RISK_RULES_INVALID', `The risk rules were refused; the rules in force are unchanged: ${formatRuleErrors(result.errors).join('; ')}.`, { errors: result.errors, file: result.file });
        return { version: result.version, file: result.file };
      });

      scope.get<{ Querystring: Record<string, string | undefined> }>('/risk/lists', async (request) => {
        const q = request.query;
        const filter = {
          ...(q.scope ? { scope: q.scope } : {}),
          ...(isListName(q.list) ? { list: q.list } : {}),
          ...(isListKind(q.kind) ? { kind: q.kind } : {}),
        };
        return { entries: await deps.risk.repository.listEntries(filter, limitOf(q)) };
      });

      scope.post('/risk/lists', async (request, reply) => reply.code(201).send(await deps.risk.lists.add(jsonBody(request.body))));

      scope.delete<{ Params: { entryId: string } }>('/risk/lists/:entryId', async (request, reply) => {
        if (!(await deps.risk.repository.removeListEntry(request.params.entryId))) return refuse(reply, 'NOT_FOUND', 'No such list entry.');
        return { removed: request.params.entryId };
      });

      scope.get<{ Querystring: Record<string, string | undefined> }>('/risk/attempts', async (request) => {
        const q = request.query;
        const filter = {
          ...(q.orderId ? { orderId: q.orderId } : {}),
          ...(q.merchantId ? { merchantId: q.merchantId } : {}),
          ...(isRiskAction(q.action) ? { action: q.action } : {}),
          ...(REVIEW_STATUSES.includes(q.reviewStatus as ReviewStatus) ? { reviewStatus: q.reviewStatus as ReviewStatus } : {}),
        };
        return { attempts: (await deps.risk.engine.attempts(filter, limitOf(q))).map(attemptJson) };
      });

      scope.get<{ Querystring: Record<string, string | undefined> }>('/risk/reviews', async (request) => ({
        reviews: (await deps.reviews.pending(limitOf(request.query))).map((h) => ({ order: orderSummary(h.order), attempt: attemptJson(h.attempt) })),
      }));

      scope.post<{ Params: { orderId: string } }>('/risk/reviews/:orderId/approve', async (request) => {
        const note = noteOf(jsonBody(request.body));
        return { order: orderSummary(await deps.reviews.approve(request.params.orderId, note)) };
      });

      scope.post<{ Params: { orderId: string } }>('/risk/reviews/:orderId/reject', async (request) => {
        const body = jsonBody(request.body);
        return { order: orderSummary(await deps.reviews.reject(request.params.orderId, noteOf(body), body.fraud === true)) };
      });

      scope.post<{ Params: { orderId: string } }>('/risk/orders/:orderId/fraud', async (request) => {
        const order = await deps.orders.find(request.params.orderId);
        if (!order) throw new GatewayError('ORDER_NOT_FOUND');
        return { blocked: await deps.risk.engine.onFraud(order) };
      });
    });
}

function noteOf(body: Record<string, unknown>): string {
  const note = body.note ?? '';
  if (typeof note !== 'string' || note.length > 255) throw new GatewayError('FIELD_INVALID', { field: 'note', reason: 'text of at most 255 characters' });
  return note;
}
