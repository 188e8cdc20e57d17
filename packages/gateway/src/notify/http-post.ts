/**
 * One HTTP POST of a notification to a merchant. Never throws: every outcome,
 * including our own refusals, comes back as data for the attempt record.
 * Redirects are not followed — a 3xx is simply "not SUCCESS" — because a
 * redirect target would bypass the notifyUrl checks, and the protocol expects
 * the answer from the registered URL itself.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { checkNotifyUrlSyntax, guardedLookup, literalHostError, type ResolveAll } from './address-guard.js';
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

export function postNotification(req: PostNotificationRequest): Promise<PostNotificationResult> {
  const nowMs = req.monotonicNowMs ?? (() => performance.now());
  const startedMs = nowMs();
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let request: http.ClientRequest | undefined;
    let httpStatus: number | null = null;
    const chunks: Buffer[] = [];
    let receivedBytes = 0;

    const finish = (error: DeliveryError | null, errorDetail: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Hang up at once: nothing more from this endpoint can change the outcome.
      request?.destroy();
      resolve({
        httpStatus,
        responseText: Buffer.concat(chunks).toString('utf8'),
        latencyMs: Math.max(0, Math.round(nowMs() - startedMs)),
        error,
        errorDetail,
      });
    };

    const checked = checkNotifyUrlSyntax(req.url);
    if (!checked.ok) return finish('invalid url', checked.reason);
    const url = checked.url;
    // Node skips `lookup` for IP-literal hosts, so the guard must look at them here.
    const literalError = literalHostError(url.hostname, req.allowPrivate);
    if (literalError) return finish('address not allowed', literalError.message);

    timer = setTimeout(() => finish('timeout', `no complete answer within ${req.timeoutMs} ms`), req.timeoutMs);
    try {
      const headers: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (name.toLowerCase() !== 'content-length') headers[name] = value;
      }
      headers['content-length'] = Buffer.byteLength(req.body);
      const transport = url.protocol === 'https:' ? https : http;
      request = transport.request(
        {
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
          port: url.port === '' ? undefined : Number(url.port),
          path: url.pathname + url.search,
          headers,
          // No pooling: every delivery resolves and vets its own address, and
          // merchants are too many and too rarely hit for keep-alive to pay off.
          agent: false,
          lookup: guardedLookup(req.allowPrivate, req.resolveAll),
        },
        (res) => {
          httpStatus = res.statusCode ?? null;
          res.on('data', (chunk: Buffer) => {
            const roomBytes = req.responseBytesMax - receivedBytes;
            if (chunk.length > roomBytes) {
              chunks.push(chunk.subarray(0, roomBytes));
              receivedBytes = req.responseBytesMax;
              finish('response too large', `answer exceeds ${req.responseBytesMax} bytes`);
              return;
            }
            chunks.push(chunk);
            receivedBytes += chunk.length;
          });
          res.on('end', () => finish(null, null));
          res.on('error', (err) => finish(classifyNetworkError(err), describeError(err)));
          // 'close' without 'end': the merchant hung up in the middle of its answer.
          res.on('close', () => finish('connection reset', 'answer cut short'));
        },
      );
      request.on('error', (err) => finish(classifyNetworkError(err), describeError(err)));
      request.end(req.body);
    } catch (err) {
      // http.request throws synchronously on e.g. a header value containing a newline.
      finish('invalid request', describeError(err));
    }
  });
}
