/**
 * Delivers merchant notifications from the outbox: claims due rows under a
 * lease, POSTs them with bounded concurrency, records every attempt and
 * schedules the next one. Delivery is at-least-once — a crash between sending
 * and recording means the row is sent again after its lease expires — so
 * merchants must treat notifications idempotently (the protocol expects so).
 */
import { DELIVERY_ERRORS, describeError, type DeliveryError } from './delivery-errors.js';
import { postNotification, type PostNotificationResult } from './http-post.js';
import {
  leaseMsMin,
  NOTIFY_BATCH_SIZE_MAX,
  NOTIFY_CONCURRENCY_MAX,
  NOTIFY_REQUEST_TIMEOUT_MS_MAX,
  NOTIFY_RESPONSE_BYTES_MAX,
  NOTIFY_RESPONSE_EXCERPT_CHARS_MAX,
} from './limits.js';
import type { DeliveryAttempt, NotificationEncoder, NotificationOutbox, NotificationRequest, NotifyAnswer, OutboxNotification } from './outbox.js';
import { nextAttemptDelayMs } from './retry-schedule.js';

/** The merchant's acknowledgement (protocol §4). */
export const NOTIFY_ACK = 'SUCCESS';

export interface DispatcherLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface NotificationDispatcherOptions {
  outbox: NotificationOutbox;
  encode: NotificationEncoder;
  /** Wall clock (ms since epoch) for scheduling and attempt timestamps. */
  clock: () => number;
  /** Source in [0, 1) for retry jitter; defaults to Math.random. */
  random?: () => number;
  logger: DispatcherLogger;
  batchSize: number;
  /** Slack of the lease over the worst-case batch time (default NOTIFY_LEASE_MARGIN_MS). */
  leaseMarginMs?: number;
  /** Must be ≥ leaseMsMin(batchSize, concurrency, requestTimeoutMs, leaseMarginMs). */
  leaseMs: number;
  requestTimeoutMs: number;
  concurrency: number;
  pollIntervalMs: number;
  /** Called after every recorded attempt, for metrics. */
  onAttempt?: (a: DeliveryAttempt) => void;
}

/**
 * Delivered means: a 2xx status and a body that is exactly `SUCCESS` once
 * trimmed (trim also drops a UTF-8 BOM and the CR/LF that PHP and Windows
 * stacks append). Case-sensitive on purpose: the protocol says `SUCCESS`,
 * PayEase itself compares it so, and the costs are lopsided — wrongly
 * treating an answer as an acknowledgement loses a notification forever,
 * whereas wrongly retrying costs a duplicate the merchant must tolerate anyway.
 */
export function isAcknowledged(result: NotifyAnswer): boolean {
  const { httpStatus, responseText, error } = result;
  return error === null && httpStatus !== null && httpStatus >= 200 && httpStatus < 300 && responseText.trim() === NOTIFY_ACK;
}

function assertIntegerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

export class NotificationDispatcher {
  private readonly opts: NotificationDispatcherOptions;
  private readonly random: () => number;
  private readonly runs = new Set<Promise<number>>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;

  constructor(opts: NotificationDispatcherOptions) {
    // Misconfiguration is found at boot, not as duplicate sends in production.
    assertIntegerIn('batchSize', opts.batchSize, 1, NOTIFY_BATCH_SIZE_MAX);
    assertIntegerIn('concurrency', opts.concurrency, 1, NOTIFY_CONCURRENCY_MAX);
    assertIntegerIn('requestTimeoutMs', opts.requestTimeoutMs, 1, NOTIFY_REQUEST_TIMEOUT_MS_MAX);
    assertIntegerIn('pollIntervalMs', opts.pollIntervalMs, 1, Number.MAX_SAFE_INTEGER);
    const leaseMsLeast = leaseMsMin(opts);
    if (!(opts.leaseMs >= leaseMsLeast)) {
      throw new RangeError(`leaseMs ${opts.leaseMs} is shorter than a claimed batch may take (${leaseMsLeast} ms); leases would expire mid-delivery and cause duplicate sends`);
    }
    this.opts = opts;
    this.random = opts.random ?? Math.random;
  }

  /** Polls the outbox until `stop()`. The timer is unref'd: it never keeps the process alive by itself. */
  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.schedule(0);
  }

  /** Stops polling and waits for deliveries in flight. Claimed rows not yet started are left to their lease expiry. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
  }

  /** Claims due notifications and delivers them; resolves to the number claimed. */
  runOnce(): Promise<number> {
    if (this.stopping) return Promise.resolve(0);
    const run = this.claimAndDeliver();
    this.runs.add(run);
    const forget = () => this.runs.delete(run);
    run.then(forget, forget);
    return run;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => {
      this.runOnce().then(
        // A full batch means a backlog: poll again at once instead of idling.
        (claimed) => this.schedule(claimed >= this.opts.batchSize ? 0 : this.opts.pollIntervalMs),
        (err: unknown) => {
          this.opts.logger.error({ err: describeError(err) }, 'notify: polling the outbox failed');
          this.schedule(this.opts.pollIntervalMs);
        },
      );
    }, delayMs);
    this.timer.unref();
  }

  private async claimAndDeliver(): Promise<number> {
    const { outbox, clock, batchSize, leaseMs, concurrency } = this.opts;
    const claimed = await outbox.claimDue(clock(), batchSize, leaseMs);
    const queue = [...claimed];
    const worker = async (): Promise<void> => {
      for (let n = queue.shift(); n !== undefined && !this.stopping; n = queue.shift()) {
        await this.deliver(n);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
    return claimed.length;
  }

  private async deliver(n: OutboxNotification): Promise<void> {
    const { clock, logger } = this.opts;
    const attemptNo = n.attemptCount + 1;
    const startedAtMs = clock();
    const { result, acknowledged } = await this.send(n);
    const delivered = acknowledged(result);
    const attempt: DeliveryAttempt = {
      notificationId: n.id,
      attemptNo,
      startedAtMs,
      latencyMs: result.latencyMs,
      httpStatus: result.httpStatus,
      responseExcerpt: result.responseText.slice(0, NOTIFY_RESPONSE_EXCERPT_CHARS_MAX),
      error: result.error,
      delivered,
    };
    const nextAttemptAtMs = delivered ? null : this.nextAttemptAtMs(attemptNo, result.error);

    // The URL's query string may carry a merchant token, so only its origin is logged.
    const logObj = { ...attempt, merchantId: n.merchantId, orderId: n.orderId, origin: originOf(n.url), errorDetail: result.errorDetail, nextAttemptAtMs };
    if (delivered) logger.info(logObj, 'notify: delivered');
    else if (nextAttemptAtMs === null) logger.error(logObj, 'notify: giving up, no attempts left');
    else logger.warn(logObj, 'notify: attempt failed, will retry');
    if (!delivered && acknowledged === isAcknowledged && result.responseText.trim().toUpperCase() === NOTIFY_ACK) {
      logger.warn({ notificationId: n.id, merchantId: n.merchantId }, `notify: merchant answered a variant of ${NOTIFY_ACK}; the protocol requires exactly ${NOTIFY_ACK} with a 2xx status`);
    }

    try {
      await this.opts.outbox.recordAttempt(attempt, nextAttemptAtMs);
    } catch (err) {
      // The lease will expire and the row will be claimed again: at worst one duplicate send.
      logger.error({ notificationId: n.id, err: describeError(err) }, 'notify: recording the attempt failed');
    }
    try {
      this.opts.onAttempt?.(attempt);
    } catch (err) {
      logger.warn({ err: describeError(err) }, 'notify: onAttempt hook threw');
    }
  }

  private async send(n: OutboxNotification): Promise<{ result: PostNotificationResult; acknowledged: (answer: NotifyAnswer) => boolean }> {
    let request: NotificationRequest;
    try {
      request = await this.opts.encode(n);
    } catch (err) {
      return { result: { httpStatus: null, responseText: '', latencyMs: 0, error: 'encode failed', errorDetail: describeError(err) }, acknowledged: isAcknowledged };
    }
    // Each merchant protocol has its own acknowledgement; PayEase's is the default.
    const acknowledged = request.acknowledged ?? isAcknowledged;
    const result = await postNotification({
      url: n.url,
      headers: request.headers,
      body: request.body,
      timeoutMs: this.opts.requestTimeoutMs,
      allowPrivate: n.sandbox,
      responseBytesMax: NOTIFY_RESPONSE_BYTES_MAX,
    });
    return { result, acknowledged };
  }

  private nextAttemptAtMs(attemptNo: number, error: DeliveryError | null): number | null {
    if (error !== null && !DELIVERY_ERRORS[error].retryable) return null;
    const delayMs = nextAttemptDelayMs(attemptNo, this.random);
    return delayMs === null ? null : this.opts.clock() + delayMs;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
