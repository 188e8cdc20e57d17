import type { FastifyRequest } from 'fastify';
import { portalError } from './portal-error.js';

export type Body = Record<string, unknown>;

export function bodyOf(request: FastifyRequest): Body {
  const b = request.body;
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Body) : {};
}

/** A required string field of a JSON body; refused with the field named when missing or not a short string. */
export function requiredText(body: Body, name: string, maxLength = 256): string {
  const v = optionalText(body, name, maxLength);
  if (v === undefined) throw portalError('FIELD_MISSING', { field: name });
  return v;
}

export function optionalText(body: Body, name: string, maxLength = 256): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw portalError('FIELD_INVALID', { field: name, reason: 'must be a string' });
  if (v.length > maxLength) throw portalError('FIELD_INVALID', { field: name, reason: `at most ${maxLength} characters` });
  return v;
}

export function paramOf(request: FastifyRequest, name: string): string {
  return (request.params as Record<string, string>)[name] ?? '';
}

export function queryOf(request: FastifyRequest): Record<string, string | undefined> {
  const q = request.query as Record<string, unknown>;
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(q ?? {})) out[k] = typeof v === 'string' ? v : undefined;
  return out;
}
