/**
 * One HTTP POST of a notification to a merchant. Never throws: every outcome,
 * including our own refusals, comes back as data for the attempt record.
 * Redirects are not followed — a 3xx is simply "not SUCCESS" — because a
 * redirect target would bypass the notifyUrl checks, and the protocol expects
 * the answer from the registered URL itself.
 *
 * The host is resolved and vetted before every delivery (SSRF guard), and the
 * request goes out on a keep-alive connection pinned to that vetted address
 * (connection-pool.ts). Header names go on the wire exactly as given: merchant
 * code matches `encryptKey`, `merchantId`, `requestId` case-sensitively.
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkNotifyUrlSyntax, guardedLookup, literalHostError, type ResolveAll } from './address-guard.js';
import { MerchantConnectionPool, type VettedTarget } from './connection-pool.js';
import { classifyNetworkError, describeError, type DeliveryError } from './delivery-errors.js';

export interface PostNotificationRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Total budget: DNS, connect, TLS, sending and reading the answer. */
  timeoutMs: number;
  /** Allow loopback / private / link-local targets (sandbox merchants only). */
  allowPrivate: boolean;
  /** Bytes of the answer read before hanging up. */
  responseBytesMax: number;
  /** Keep-alive connections to reuse; defaults to one shared by the process. */
  pool?: MerchantConnectionPool;
  /** Monotonic clock for latency; injectable, defaults to performance.now. */
  monotonicNowMs?: () => number;
  /** DNS seam for tests; defaults to dns.lookup. */
  resolveAll?: ResolveAll;
}

export interface PostNotificationResult {
  httpStatus: number | null;
  /** At most responseBytesMax bytes of the answer, decoded as UTF-8. */
  responseText: string;
  latencyMs: number;
  error: DeliveryError | null;
  /** Technical detail behind `error`, for logs only. */
  errorDetail: string | null;
}

let sharedPool: MerchantConnectionPool | undefined;
function defaultPool(): MerchantConnectionPool {
  return (sharedPool ??= new MerchantConnectionPool());
}

class DeliveryTimeout extends Error {}

/** Resolves the host once and vets every address it has (literal hosts were vetted by the caller). */
function vet(url: URL, allowPrivate: boolean, resolveAll: ResolveAll | undefined): Promise<VettedTarget> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = net.isIP(host);
  if (literal !== 0) return Promise.resolve({ origin: url.origin, address: host, family: literal });
  return new Promise((resolve, reject) => {
    guardedLookup(allowPrivate, resolveAll)(host, { all: false }, (err, address, family) => {
      if (err) reject(err);
      else resolve({ origin: url.origin, address: address as string, family: family ?? 4 });
    });
  });
}

/** The request headers in the caller's case; the length is computed here, never trusted from the caller. */
function wireHeaders(headers: Record<string, string>, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'content-length') out[name] = value;
  }
  out['content-length'] = String(Buffer.byteLength(body));
  return out;
}

function isInvalidRequest(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN';
}

export async function postNotification(req: PostNotificationRequest): Promise<PostNotificationResult> {
  const nowMs = req.monotonicNowMs ?? (() => performance.now());
  const startedMs = nowMs();
  let httpStatus: number | null = null;
  const chunks: Buffer[] = [];
  const result = (error: DeliveryError | null, errorDetail: string | null): PostNotificationResult => ({
    httpStatus,
    responseText: Buffer.concat(chunks).toString('utf8'),
    latencyMs: Math.max(0, Math.round(nowMs() - startedMs)),
    error,
    errorDetail,
  });

  const checked = checkNotifyUrlSyntax(req.url);
  if (!checked.ok) return result('invalid url', checked.reason);
  const url = checked.url;
  const literalError = literalHostError(url.hostname, req.allowPrivate);
  if (literalError) return result('address not allowed', literalError.message);

  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const timeout = new DeliveryTimeout(`no complete answer within ${req.timeoutMs} ms`);
      abort.abort(timeout);
      reject(timeout);
    }, req.timeoutMs);
  });
  deadline.catch(() => undefined);
  try {
    const target = await Promise.race([vet(url, req.allowPrivate, req.resolveAll), deadline]);
    const pool = (req.pool ?? defaultPool()).for(target);
    const res = await pool.request({
      method: 'POST',
      path: url.pathname + url.search,
      headers: wireHeaders(req.headers, req.body),
      body: req.body,
      signal: abort.signal,
      // Our own deadline above bounds the whole exchange.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    httpStatus = res.statusCode;
    let receivedBytes = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      const roomBytes = req.responseBytesMax - receivedBytes;
      if (chunk.length > roomBytes) {
        chunks.push(chunk.subarray(0, roomBytes));
        // Hang up at once: nothing more from this endpoint can change the outcome.
        res.body.destroy();
        return result('response too large', `answer exceeds ${req.responseBytesMax} bytes`);
      }
      chunks.push(chunk);
      receivedBytes += chunk.length;
    }
    return result(null, null);
  } catch (err) {
    if (err instanceof DeliveryTimeout || abort.signal.aborted) return result('timeout', `no complete answer within ${req.timeoutMs} ms`);
    if (isInvalidRequest(err)) return result('invalid request', describeError(err));
    return result(classifyNetworkError(err), describeError(err));
  } finally {
    clearTimeout(timer);
  }
}
