import { createHash } from 'node:crypto';

/**
 * SHA-256 over a key-sorted JSON of a request without its top-level `hmac`:
 * equal content gives an equal digest whatever the key order or the
 * signature, which is how a requestId replay is told from a conflict.
 * A JSON integer (an exact bigint from the PayEase reader) counts as its
 * digits: `"orderAmount": 10000` and `"orderAmount": "10000"` are the same order.
 */
export function requestDigest(payload: Record<string, unknown>): string {
  const { hmac: _signature, ...content } = payload;
  return createHash('sha256').update(JSON.stringify(sorted(content), bigintAsDigits)).digest('hex');
}

function bigintAsDigits(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
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
