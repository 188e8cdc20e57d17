import type { FastifyInstance } from 'fastify';
import type { ChannelInbound } from '../domain/channel-inbound.js';
import { GatewayError } from '../domain/errors.js';
import { CALLBACK_BODY_BYTES_MAX } from '../domain/limits.js';
import type { ChannelCallbacks } from './channel-callbacks.js';

/**
 * Serves each channel's inbound routes under `/channels/<name>/`. The body
 * is kept as bytes: the channel verifies its upstream's signature over them.
 * A refusal answers with the gateway's error code as plain JSON; the
 * upstream resends until it hears the channel's acknowledgement.
 */
export async function channelInboundRoutes(app: FastifyInstance, channels: readonly { name: string; inbound: ChannelInbound }[], callbacks: ChannelCallbacks): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: CALLBACK_BODY_BYTES_MAX }, (_request, body, done) => done(null, body));
  for (const { name, inbound } of channels) {
    for (const path of inbound.paths) {
      app.post(`/channels/${name}${path}`, async (request, reply) => {
        const headers: Record<string, string | undefined> = {};
        for (const [key, value] of Object.entries(request.headers)) headers[key] = Array.isArray(value) ? value.join(',') : value;
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        try {
          await callbacks.receive(name, inbound, { path, headers, rawBody });
        } catch (error) {
          if (!(error instanceof GatewayError)) throw error;
          request.logFields = { channel: name, code: error.code };
          return reply.code(error.spec.httpStatus).send({ code: error.code, message: error.message });
        }
        return reply.type(inbound.acknowledgement.contentType).send(inbound.acknowledgement.body);
      });
    }
  }
}
