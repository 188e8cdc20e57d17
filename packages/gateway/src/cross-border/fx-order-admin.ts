import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../domain/errors.js';
import type { FxOrderService } from '../fx/fx-order-service.js';
import type { OrderService } from '../orders/order-service.js';
import type { FxOrderRepository } from '../store/fx-order-repository.js';
import { fxOrderFields } from '../protocols/payease/foreign-exchange-fields.js';
import { TEXT_LENGTH_MAX } from '../domain/limits.js';
import { adminAction } from './admin-reply.js';

/** Operator review of FX orders: look at one (with its declaration), approve or refuse its proof. */
export function fxOrderAdminRoutes(deps: { fxOrders: () => FxOrderService; fxRows: FxOrderRepository; orders: () => OrderService }) {
  return async (scope: FastifyInstance) => {
    scope.get<{ Params: { serialNumber: string } }>('/fx-orders/:serialNumber', (request, reply) =>
      adminAction(reply, async () => {
        const fx = await deps.fxRows.find(request.params.serialNumber);
        const order = fx ? await deps.orders().find(fx.orderId) : undefined;
        if (!fx || !order) throw new GatewayError('ORDER_NOT_FOUND');
        return { ...fxOrderFields(order, fx), forUse: fx.forUse, fileName: fx.fileName, declaration: fx.declaration };
      }),
    );
    scope.post<{ Params: { serialNumber: string }; Body: { decision?: unknown; remark?: unknown } }>('/fx-orders/:serialNumber/review', (request, reply) =>
      adminAction(reply, async () => {
        const { decision, remark } = request.body ?? {};
        if (decision !== 'SUCCESS' && decision !== 'REFUSE') throw new GatewayError('FIELD_INVALID', { field: 'decision', reason: 'SUCCESS or REFUSE' });
        if (remark !== undefined && (typeof remark !== 'string' || remark.length > TEXT_LENGTH_MAX)) throw new GatewayError('FIELD_INVALID', { field: 'remark', reason: `text of at most ${TEXT_LENGTH_MAX} characters` });
        if (decision === 'REFUSE' && !remark) throw new GatewayError('FIELD_MISSING', { field: 'remark' });
        const fx = await deps.fxOrders().review(request.params.serialNumber, decision, (remark as string | undefined) ?? null);
        return { serialNumber: fx.orderId, reviewStatus: fx.reviewStatus, purchaseStatus: fx.purchaseStatus };
      }),
    );
  };
}
