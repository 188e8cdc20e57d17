import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../domain/errors.js';
import { isBusinessDate } from '../domain/business-day.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { SettlementService } from '../settlement/settlement-service.js';
import { settlementFields } from '../protocols/payease/settlement-fields.js';
import { statementCsv } from '../settlement/statement-csv.js';
import { adminAction } from './admin-reply.js';

/** Operator settlement API: a merchant's batch for a day (built on demand once the day closed), and its statement. */
export function settlementAdminRoutes(deps: { merchants: MerchantRepository; settlements: SettlementService }) {
  const batchOf = async (merchantId: string, date: string) => {
    if (!(await deps.merchants.find(merchantId))) throw new GatewayError('MERCHANT_UNKNOWN');
    if (!isBusinessDate(date)) throw new GatewayError('FIELD_INVALID', { field: 'date', reason: 'a date YYYY-MM-DD' });
    const batch = await deps.settlements.settleDay(merchantId, date);
    if (!batch) throw new GatewayError('SETTLEMENT_NOT_FOUND', { date });
    return batch;
  };
  return async (scope: FastifyInstance) => {
    scope.get<{ Params: { id: string; date: string } }>('/merchants/:id/settlements/:date', (request, reply) =>
      adminAction(reply, async () => {
        const batch = await batchOf(request.params.id, request.params.date);
        return settlementFields(batch, await deps.settlements.lines(batch));
      }),
    );
    scope.get<{ Params: { id: string; date: string } }>('/merchants/:id/settlements/:date/statement.csv', (request, reply) =>
      adminAction(reply, async () => {
        const batch = await batchOf(request.params.id, request.params.date);
        return reply.type('text/csv; charset=utf-8').send(statementCsv(batch, await deps.settlements.lines(batch)));
      }),
    );
  };
}
