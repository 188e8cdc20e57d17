declare module 'fastify' {
  interface FastifyRequest {
    /** Fields a route adds to the request's single log line (merchantId, requestId, outcome code). */
    logFields: Record<string, unknown> | undefined;
  }
}

export {};
