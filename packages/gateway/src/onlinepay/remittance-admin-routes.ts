import type { FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, GatewayError } from '../domain/errors.js';
import type { AdminRoutes } from '../admin/auth.js';
import { TRANSFER_OUTCOMES, isTransferOutcome, type IncomingTransfer } from '../domain/incoming-transfer.js';
import { parsePositiveWireAmount } from '../protocols/payease/wire-amount.js';
import { wireStatus } from '../protocols/payease/status-map.js';
import type { RemittanceService } from './remittance-service.js';

/** Most transfers one list answers. */
const TRANSFER_LIST_MAX = 500;

/** A transfer as JSON: amounts as strings of minor units, like every API of the gateway. */
export function transferJson(t: IncomingTransfer): Record<string, unknown> {
  return { ...t, amountMinor: t.amountMinor.toString() };
}

/**
 * Operator routes of offline remittance: `POST /remittances` records an
 * incoming transfer `{bankReference, postscript, amount, currency,
 * payerName?, payerAccount?}`; `GET /remittances?outcome=HELD_SHORT,UNMATCHED`
 * reports them.
 */
export function remittanceAdminRoutes(remittances: RemittanceService): AdminRoutes {
  return async (scope: FastifyInstance) => {
    const refuse = (reply: FastifyReply, error: GatewayError) => reply.code(ERRORS[error.code].httpStatus).send({ status: 'FAILED', code: error.code, errorMessage: error.message });
    scope.post<{ Body: Record<string, unknown> | undefined }>('/remittances', async (request, reply) => {
      const b = request.body ?? {};
      const s = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
      try {
        const amountMinor = parsePositiveWireAmount(b.amount);
        if (amountMinor === undefined) throw new GatewayError('AMOUNT_INVALID', { field: 'amount' });
        const recorded = await remittances.record({
          bankReference: s('bankReference') ?? '',
          postscript: s('postscript') ?? '',
          amountMinor,
          currency: s('currency') ?? '',
          ...(s('payerName') ? { payerName: s('payerName')! } : {}),
          ...(s('payerAccount') ? { payerAccount: s('payerAccount')! } : {}),
        });
        return reply.code(recorded.replayed ? 200 : 201).send({
          ...transferJson(recorded.transfer),
          replayed: recorded.replayed,
          ...(recorded.order ? { order: { requestId: recorded.order.requestId, merchantId: recorded.order.merchantId, status: wireStatus(recorded.order.state) } } : {}),
        });
      } catch (error) {
        if (error instanceof GatewayError) return refuse(reply, error);
        throw error;
      }
    });
    scope.get<{ Querystring: { outcome?: string } }>('/remittances', async (request, reply) => {
      const outcomes = request.query.outcome ? request.query.outcome.split(',') : undefined;
      if (outcomes?.some((o) => !isTransferOutcome(o))) {
        return refuse(reply, new GatewayError('FIELD_INVALID', { field: 'outcome', reason: `one or more of ${TRANSFER_OUTCOMES.join(', ')}` }));
      }
      return { transfers: (await remittances.list(outcomes?.filter(isTransferOutcome), TRANSFER_LIST_MAX)).map(transferJson) };
    });
  };
}
