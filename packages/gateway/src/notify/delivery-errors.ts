/**
 * Why a delivery attempt failed, as stable codes: each key is the exact text
 * stored in `DeliveryAttempt.error`, shown to merchants in the dashboard and
 * counted by metrics — never rename or reuse one. `retryable: false` ends the
 * schedule at once because trying again cannot give another outcome.
 */
export const DELIVERY_ERRORS = {
  'invalid url': { retryable: false, why: 'the stored notifyUrl fails checkNotifyUrlSyntax; it will not change by itself' },
  'address not allowed': { retryable: true, why: 'the host resolves to an internal address; the merchant may fix its DNS' },
  'timeout': { retryable: true, why: 'no complete answer within the request timeout' },
  'connection refused': { retryable: true, why: 'nothing listens on the port, typically during a deploy' },
  'connection reset': { retryable: true, why: 'the connection closed before a complete answer' },
  'dns lookup failed': { retryable: true, why: 'the host name did not resolve (yet)' },
  'host unreachable': { retryable: true, why: 'no route to the merchant right now' },
  'tls error': { retryable: true, why: 'handshake or certificate failure; certificates get renewed' },
  'response too large': { retryable: true, why: 'the answer exceeded the read limit, so it cannot be SUCCESS' },
  'encode failed': { retryable: true, why: 'building the signed request failed, e.g. a key was briefly unavailable' },
  'invalid request': { retryable: true, why: 'node refused the request (e.g. a bad header); kept retryable to never drop a notification on our bug' },
  'network error': { retryable: true, why: 'any other transport failure' },
} as const satisfies Record<string, { retryable: boolean; why: string }>;

export type DeliveryError = keyof typeof DELIVERY_ERRORS;

const CODE_TO_ERROR: Readonly<Record<string, DeliveryError>> = {
  ERR_NOTIFY_ADDRESS_NOT_ALLOWED: 'address not allowed',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'dns lookup failed',
  EAI_AGAIN: 'dns lookup failed',
  EAI_FAIL: 'dns lookup failed',
  EAI_NODATA: 'dns lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'host unreachable',
  EHOSTDOWN: 'host unreachable',
  ENETDOWN: 'host unreachable',
  // undici, the keep-alive client: the socket closed mid-exchange, or a timeout of its own.
  UND_ERR_SOCKET: 'connection reset',
  UND_ERR_CLOSED: 'connection reset',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
};

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // Happy-eyeballs connects (autoSelectFamily) fail with an AggregateError of the per-address errors.
  if (err instanceof AggregateError) return codeOf(err.errors[0]);
  return undefined;
}

/** Maps a socket / DNS / TLS error to its stable delivery error code. */
export function classifyNetworkError(err: unknown): DeliveryError {
  const code = codeOf(err);
  if (code === undefined) return 'network error';
  const known = CODE_TO_ERROR[code];
  if (known) return known;
  // OpenSSL and node name TLS failures ERR_TLS_*, ERR_SSL_*, CERT_*, *_CERT_*…
  if (/TLS|SSL|CERT/.test(code)) return 'tls error';
  return 'network error';
}

/** A short technical description for logs (never stored as the error code). */
export function describeError(err: unknown): string {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  return code !== undefined && !message.includes(code) ? `${code}: ${message}` : message;
}
