import type { FastifyReply } from 'fastify';
import { headerValue, type HeaderSource } from '@opencashier/sdk';
import { MERCHANT_ID_PATTERN, REQUEST_ID_LENGTH_MAX } from '../../domain/limits.js';

/**
 * The protocol headers of a PayEase answer, in the case the seeds write
 * them. HTTP calls header names case-insensitive, but merchant clients in
 * the field match `encryptKey:` and `merchantId:` with case-sensitive
 * regexes over the raw header block. Fastify's `reply.header()` lower-cases
 * every name, so these go through Node's `setHeader`, which keeps the case
 * it is given on the wire (Fastify's own headers are merged in afterwards
 * under their lower-case names and do not touch these).
 */
export const PROTOCOL_HEADER_NAMES = ['encryptKey', 'merchantId', 'requestId'] as const;

export type ProtocolHeaderName = (typeof PROTOCOL_HEADER_NAMES)[number];

/** Writes the protocol headers found in `headers` (any case) onto the raw reply, named exactly as the protocol names them. */
export function writeProtocolHeaders(reply: FastifyReply, headers: Readonly<Record<string, string>>): FastifyReply {
  for (const name of PROTOCOL_HEADER_NAMES) {
    const value = headerValue(headers, name);
    if (value !== undefined) reply.raw.setHeader(name, value);
  }
  return reply;
}

/** A requestId header value fit to echo: printable ASCII, no longer than a requestId may be. */
const ECHOABLE_REQUEST_ID = /^[\x21-\x7e]+$/;

/**
 * The headers an answer that cannot be sealed echoes from the request: its
 * `merchantId` and `requestId`, when they are well-formed, so a client that
 * looks an answer up by them finds it. Nothing secret: the caller sent them.
 */
export function echoedHeaders(request: HeaderSource): Record<string, string> {
  const out: Record<string, string> = {};
  const merchantId = headerValue(request, 'merchantId');
  if (merchantId !== undefined && MERCHANT_ID_PATTERN.test(merchantId)) out.merchantId = merchantId;
  const requestId = headerValue(request, 'requestId');
  if (requestId !== undefined && requestId.length <= REQUEST_ID_LENGTH_MAX && ECHOABLE_REQUEST_ID.test(requestId)) out.requestId = requestId;
  return out;
}
