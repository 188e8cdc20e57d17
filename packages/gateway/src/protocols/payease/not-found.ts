import type { FastifyReply, FastifyRequest } from 'fastify';
import { headerValue } from '@opencashier/sdk';
import { PAYEASE_V3_CONTENT_TYPE } from '@opencashier/sdk';
import { sendPlainError } from './routes.js';

/** The first path segments of the PayEase merchant APIs (docs/dialects/payease.md, "Plain errors and unknown paths"). */
const PAYEASE_PATH_ROOTS = new Set(['onlinePay', 'icc', 'foreignExchange', 'serviceprovider', 'settlement', 'reconciliation', 'sandbox']);

/**
 * Whether a request that matched no route was meant for the PayEase API:
 * its path lies under one of the API's roots, or it carries the envelope
 * (an `encryptKey` header or the v3 content type). Such a request gets the
 * PayEase error form, so a client parsing `status`/`code` reads the refusal.
 */
export function isPayEaseRequest(request: FastifyRequest): boolean {
  const root = request.url.split(/[/?#]/)[1] ?? '';
  if (PAYEASE_PATH_ROOTS.has(root)) return true;
  if (headerValue(request.headers, 'encryptKey') !== undefined) return true;
  const type = headerValue(request.headers, 'content-type') ?? '';
  return type.toLowerCase().startsWith(PAYEASE_V3_CONTENT_TYPE);
}

/** An unknown PayEase path or method: `NOT_FOUND` in the PayEase plain error form, with the request's ids echoed. */
export function payEaseNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  request.logFields = { code: 'NOT_FOUND' };
  return sendPlainError(request, reply, 'NOT_FOUND');
}
