import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../domain/errors.js';
import type { MerchantRepository } from '../store/merchant-repository.js';
import type { ReconciliationFiles } from '../reconciliation/reconciliation-files.js';
import { adminAction } from './admin-reply.js';

/** Operator downloads of a merchant's reconciliation file and its detached signature. */
export function reconciliationAdminRoutes(deps: { merchants: MerchantRepository; files: ReconciliationFiles }) {
  return async (scope: FastifyInstance) => {
    for (const [suffix, signature] of [
      ['csv', false],
      ['csv.sig', true],
    ] as const) {
      scope.get<{ Params: { id: string; date: string } }>(`/merchants/:id/reconciliation/:date.${suffix}`, (request, reply) =>
        adminAction(reply, async () => {
          if (!(await deps.merchants.find(request.params.id))) throw new GatewayError('MERCHANT_UNKNOWN');
          deps.files.checkReady(request.params.date);
          return deps.files.send(reply, request.params.id, request.params.date, signature);
        }),
      );
    }
  };
}
