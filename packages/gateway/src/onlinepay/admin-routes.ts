import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../domain/errors.js';
import type { AdminRoutes } from '../admin/auth.js';
import { plainErrorBody } from '../protocols/payease/plain-error.js';
import type { OnlinePayService } from './online-pay-service.js';

/**
 * Operator routes for the unified order: which methods a merchant takes.
 * `PUT` with `{"methods": [...]}` replaces the list; an empty list returns
 * the merchant to every method the gateway runs.
 */
export function onlinePayAdminRoutes(onlinePay: OnlinePayService, merchantExists: (merchantId: string) => Promise<boolean>): AdminRoutes {
  return async (scope: FastifyInstance) => {
    scope.get<{ Params: { merchantId: string } }>('/merchants/:merchantId/payment-methods', async (request, reply) => {
      if (!(await merchantExists(request.params.merchantId))) return reply.code(404).send(plainErrorBody('MERCHANT_UNKNOWN'));
      return { merchantId: request.params.merchantId, methods: await onlinePay.enabledMethods(request.params.merchantId) };
    });
    scope.put<{ Params: { merchantId: string }; Body: { methods?: unknown } }>('/merchants/:merchantId/payment-methods', async (request, reply) => {
      if (!(await merchantExists(request.params.merchantId))) return reply.code(404).send(plainErrorBody('MERCHANT_UNKNOWN'));
      const methods = request.body?.methods;
      if (!Array.isArray(methods) || methods.some((m) => typeof m !== 'string')) {
        return reply.code(400).send({ ...plainErrorBody('FIELD_INVALID'), errorMessage: 'methods must be a list of method names.' });
      }
      try {
        return { merchantId: request.params.merchantId, methods: await onlinePay.setEnabledMethods(request.params.merchantId, methods as string[]) };
      } catch (error) {
        if (error instanceof GatewayError) return reply.code(400).send({ status: 'FAILED', code: error.code, errorMessage: error.message });
        throw error;
      }
    });
  };
}
