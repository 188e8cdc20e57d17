/**
 * Delivers merchant notifications from the outbox: claims due rows under a
 * lease, POSTs them on keep-alive connections with bounded concurrency — in
 * total and per merchant host, so a slow or dead host holds at most a few
 * slots while the others keep flowing — records every attempt and schedules
 * the next one. The outbox hands out only the oldest pending notification of
 * each order, so one order's notifications arrive in commit order. Delivery is at-least-once — a crash between sending
 * and recording means the row is sent again after its lease expires — so
 * merchants must treat notifications idempotently (the protocol expects so).
 */
import { DELIVERY_ERRORS, describeError, type DeliveryError } from './delivery-errors.js';
import { MerchantConnectionPool } from './connection-pool.js';
import { postNotification, type PostNotificationResult } from './http-post.js';
import {
  leaseMsMin,
  NOTIFY_CLAIM_ROWS_MAX,
  NOTIFY_CONNECTIONS_PER_HOST_MAX,
  NOTIFY_HOST_HELD_MAX,
  NOTIFY_BATCH_SIZE_MAX,
  NOTIFY_CONCURRENCY_MAX,
  NOTIFY_REQUEST_TIMEOUT_MS_MAX,
  NOTIFY_RESPONSE_BYTES_MAX,
  NOTIFY_RESPONSE_EXCERPT_CHARS_MAX,
} from './limits.js';
import { notificationHost, type DeliveryAttempt, type NotificationEncoder, type NotificationOutbox, type NotificationRequest, type NotifyAnswer, type OutboxNotification } from './outbox.js';
import { nextAttemptDelayMs } from './retry-schedule.js';

/**
 * The header carrying a notification's stable id on every dialect: the same
 * value on every retry, so a merchant deduplicates on it (at-least-once
 * delivery). Written in this exact case on the wire.
 */
export const NOTIFICATION_ID_HEADER = 'notificationId';

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
  /** Keep-alive connections to merchants; by default the dispatcher's own, closed by stop(). */
  pool?: MerchantConnectionPool;
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
  private readonly pool: MerchantConnectionPool;
  private readonly ownsPool: boolean;
  private readonly runs = new Set<Promise<unknown>>();
  /** Claimed rows not yet finished, per merchant host (origin). */
  private readonly hosts = new Map<string, HostQueue>();
  private held = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopping = false;
  private polling = false;
  /** Due rows are waiting (the last claim was full, left hosts out or had no room): poll again as soon as a delivery ends. */
  private backlog = false;

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
    this.ownsPool = opts.pool === undefined;
    this.pool = opts.pool ?? new MerchantConnectionPool();
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
    if (this.ownsPool) await this.pool.close();
  }

  /** Claims due notifications and delivers them; resolves to the number claimed, once they are all done. */
  async runOnce(): Promise<number> {
    const { claimed, done } = await this.claim();
    await done;
    return claimed;
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.runs.add(p);
    const forget = () => this.runs.delete(p);
    p.then(forget, forget);
    return p;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.poll(), delayMs);
    this.timer.unref();
  }

  /**
   * One poll of the running loop. It does not wait for the deliveries it
   * starts: while a slow host answers, the next poll takes more rows for the
   * others as soon as a delivery slot frees up.
   */
  private poll(): void {
    if (this.stopping || this.polling) return;
    this.polling = true;
    this.claim().then(
      ({ claimed, room, hostsLeftOut }) => {
        this.polling = false;
        const filled = room > 0 && claimed >= room;
        // Rows are waiting (a full claim, hosts left out, no room): release() polls again as soon as a delivery ends.
        this.backlog = filled || hostsLeftOut || room <= 0;
        this.schedule(filled && this.held < this.opts.batchSize ? 0 : this.opts.pollIntervalMs);
      },
      (err: unknown) => {
        this.polling = false;
        this.backlog = false;
        this.opts.logger.error({ err: describeError(err) }, 'notify: polling the outbox failed');
        this.schedule(this.opts.pollIntervalMs);
      },
    );
  }

  /** Claims as many due rows as there is room for; `done` settles when every one of them is finished. */
  private async claim(): Promise<{ claimed: number; room: number; hostsLeftOut: boolean; done: Promise<unknown> }> {
    const { outbox, clock, batchSize, leaseMs } = this.opts;
    const room = Math.min(batchSize - this.held, NOTIFY_CLAIM_ROWS_MAX);
    if (this.stopping || room <= 0) return { claimed: 0, room, hostsLeftOut: false, done: Promise.resolve() };
    // A host with more than this already held could be taken past its share by one claim: leave it out.
    const full = [...this.hosts].filter(([, q]) => q.held > NOTIFY_HOST_HELD_MAX - NOTIFY_CLAIM_ROWS_MAX).map(([host]) => host);
    const claimed = await this.track(outbox.claimDue(clock(), room, leaseMs, full));
    const finished: Promise<void>[] = [];
    for (const n of claimed) {
      const host = notificationHost(n.url);
      const queue = this.hosts.get(host) ?? { waiting: [], inFlight: 0, held: 0 };
      this.hosts.set(host, queue);
      queue.held++;
      this.held++;
      finished.push(new Promise<void>((resolve) => queue.waiting.push({ n, resolve })));
    }
    this.pump();
    return { claimed: claimed.length, room, hostsLeftOut: full.length > 0, done: Promise.all(finished) };
  }

  /** Starts waiting deliveries while there are free slots, at most NOTIFY_CONNECTIONS_PER_HOST_MAX per host. */
  private pump(): void {
    for (const [host, queue] of this.hosts) {
      while (this.inFlight < this.opts.concurrency && queue.inFlight < NOTIFY_CONNECTIONS_PER_HOST_MAX && queue.waiting.length > 0) {
        const next = queue.waiting.shift()!;
        if (this.stopping) {
          // Left to its lease expiry, as before start.
          this.release(host, queue, next.resolve, false);
          continue;
        }
        queue.inFlight++;
        this.inFlight++;
        void this.track(this.deliver(next.n)).finally(() => this.release(host, queue, next.resolve, true));
      }
      if (this.inFlight >= this.opts.concurrency) break;
    }
  }

  private release(host: string, queue: HostQueue, resolve: () => void, started: boolean): void {
    if (started) {
      queue.inFlight--;
      this.inFlight--;
    }
    queue.held--;
    this.held--;
    if (queue.held === 0) this.hosts.delete(host);
    resolve();
    this.pump();
    if (this.backlog && !this.polling && this.started) {
      this.backlog = false;
      this.schedule(0);
    }
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
      // The stable id of this notification, the same on every attempt, on every dialect (docs/notifications.md).
      headers: { ...request.headers, [NOTIFICATION_ID_HEADER]: n.id },
      pool: this.pool,
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

interface HostQueue {
  waiting: { n: OutboxNotification; resolve: () => void }[];
  inFlight: number;
  held: number;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid url)';
  }
}
