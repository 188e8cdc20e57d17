import { createHash } from 'node:crypto';

/**
 * SHA-256 over a key-sorted JSON of a request without its top-level `hmac`:
 * equal content gives an equal digest whatever the key order or the
 * signature, which is how a requestId replay is told from a conflict.
 */
export function requestDigest(payload: Record<string, unknown>): string {
  const { hmac: _signature, ...content } = payload;
  return createHash('sha256').update(JSON.stringify(sorted(content))).digest('hex');
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((k) => [k, sorted(object[k])]),
  );
}
