import type { FastifyReply } from 'fastify';
import { GatewayError } from '../domain/errors.js';

/** Runs an admin action; a GatewayError becomes its documented status and `{status, code, errorMessage}`. */
export async function adminAction<T>(reply: FastifyReply, action: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return reply.code(error.spec.httpStatus).send({ status: error.spec.wireStatus, code: error.code, errorMessage: error.message });
  }
}
