import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEFAULT_DIALECT } from '../domain/order.js';
import type { ErrorCode } from '../domain/errors.js';
import { DialectRegistry } from '../protocols/dialect-registry.js';
import type { BuiltDialect, DialectContext, DialectModule } from '../protocols/dialect-module.js';

export interface DialectSet {
  registry: DialectRegistry;
  /** The default dialect's error answer, for refusals outside every dialect's routes. */
  errorBody(code: ErrorCode): unknown;
  /** The first dialect that claims a request no route matched answers it in its own form. */
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply | false;
  /** Registers each dialect's routes in a scope of its own (its parsers and error handler stay its own). */
  register(app: FastifyInstance): Promise<void>;
  close(): Promise<void>;
}

/** Builds every dialect module of the list. */
export function buildDialects(modules: readonly DialectModule[], context: DialectContext): DialectSet {
  const fallback = modules.find((m) => m.name === DEFAULT_DIALECT);
  if (!fallback) throw new Error(`the default dialect ${DEFAULT_DIALECT} is not in the list`);
  const built: BuiltDialect[] = modules.map((m) => {
    const b = m.create(context);
    if (b.dialect.name !== m.name) throw new Error(`dialect module ${m.name} built a dialect named ${b.dialect.name}`);
    return b;
  });
  return {
    registry: new DialectRegistry(built.map((b) => b.dialect)),
    errorBody: (code) => fallback.errorBody(code),
    notFound(request, reply) {
      for (const m of modules) {
        const answered = m.notFound?.(request, reply);
        if (answered) return answered;
      }
      return false;
    },
    async register(app) {
      for (const b of built) await app.register(async (scope) => b.routes(scope));
    },
    async close() {
      for (const b of built) await b.close?.();
    },
  };
}
