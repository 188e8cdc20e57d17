import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationDispatcher, type NotificationDispatcherOptions } from './dispatcher.js';
import { startFakeMerchant, type FakeMerchant } from '../test-support/fake-merchant.js';
import { NOTIFY_CONNECTIONS_PER_HOST_MAX, NOTIFY_HOST_HELD_MAX, NOTIFY_RESPONSE_EXCERPT_CHARS_MAX } from './limits.js';
import { notificationHost, type DeliveryAttempt, type NotificationEncoder, type NotificationOutbox, type OutboxNotification } from './outbox.js';
import { NOTIFY_ATTEMPT_COUNT_MAX, NOTIFY_RETRY_DELAYS_MS } from './retry-schedule.js';

interface Row {
  n: OutboxNotification;
  status: 'pending' | 'delivered' | 'failed';
  nextAttemptAtMs: number;
  leaseUntilMs: number;
}

/** The outbox contract in memory: due rows, leases, attempt bookkeeping. */
class MemoryOutbox implements NotificationOutbox {
  readonly rows = new Map<string, Row>();
  readonly recorded: { attempt: DeliveryAttempt; nextAttemptAtMs: number | null }[] = [];
  failRecording = false;

  add(n: Partial<OutboxNotification> & { id: string; url: string }, dueAtMs = 0): void {
    const full = { merchantId: '890000001', orderId: `order-${n.id}`, sandbox: true, attemptCount: 0, createdAtMs: 0, payloadJson: '{}', dialect: 'payease', ...n };
    this.rows.set(n.id, { n: full, status: 'pending', nextAttemptAtMs: dueAtMs, leaseUntilMs: 0 });
  }

  readonly excludedSeen: string[][] = [];

  async claimDue(nowMs: number, limit: number, leaseMs: number, excludedHosts: readonly string[] = []): Promise<OutboxNotification[]> {
    this.excludedSeen.push([...excludedHosts]);
    const due = [...this.rows.values()]
      .filter((r) => r.status === 'pending' && r.nextAttemptAtMs <= nowMs && r.leaseUntilMs <= nowMs && !excludedHosts.includes(notificationHost(r.n.url)))
      .sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs)
      .slice(0, limit);
    for (const r of due) r.leaseUntilMs = nowMs + leaseMs;
    return due.map((r) => ({ ...r.n }));
  }

  async recordAttempt(attempt: DeliveryAttempt, nextAttemptAtMs: number | null): Promise<void> {
    if (this.failRecording) throw new Error('database is down');
    const row = this.rows.get(attempt.notificationId)!;
    this.recorded.push({ attempt, nextAttemptAtMs });
    row.n.attemptCount = attempt.attemptNo;
    row.leaseUntilMs = 0;
    if (nextAttemptAtMs === null) row.status = attempt.delivered ? 'delivered' : 'failed';
    else row.nextAttemptAtMs = nextAttemptAtMs;
  }
}

function recordingLogger() {
  const lines: { level: 'info' | 'warn' | 'error'; obj: object; msg?: string }[] = [];
  const at = (level: 'info' | 'warn' | 'error') => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const encode: NotificationEncoder = async (n) => ({
  headers: { 'content-type': 'application/json', merchantId: n.merchantId, requestId: n.id },
  body: JSON.stringify({ data: Buffer.from(n.orderId).toString('base64') }),
});

let merchant: FakeMerchant;
beforeAll(async () => (merchant = await startFakeMerchant()));
afterAll(() => merchant.close());

function setup(overrides: Partial<NotificationDispatcherOptions> = {}) {
  const outbox = new MemoryOutbox();
  const clock = { nowMs: 1_700_000_000_000 };
  const logger = recordingLogger();
  const attempts: DeliveryAttempt[] = [];
  const options: NotificationDispatcherOptions = {
    outbox, encode, logger, clock: () => clock.nowMs, random: () => 0.5,
    batchSize: 10, concurrency: 4, requestTimeoutMs: 300, leaseMs: 60_000, pollIntervalMs: 10,
    onAttempt: (a) => attempts.push(a),
    ...overrides,
  };
  return { outbox, clock, logger, attempts, dispatcher: new NotificationDispatcher(options) };
}

const requestsFor = (id: string) => merchant.received.filter((r) => r.headers.requestid === id);
let nextId = 0;
const freshId = (label: string) => `${label}-${nextId++}`;

describe('NotificationDispatcher', () => {
  it('delivers on SUCCESS, records and logs the attempt, and never sends it again', async () => {
    const { outbox, clock, logger, attempts, dispatcher } = setup();
    const id = freshId('ok');
    outbox.add({ id, url: merchant.urlFor('/success') });
    expect(await dispatcher.runOnce()).toBe(1);
    expect(outbox.recorded).toEqual([
      {
        attempt: { notificationId: id, attemptNo: 1, startedAtMs: clock.nowMs, latencyMs: expect.any(Number), httpStatus: 200, responseExcerpt: 'SUCCESS', error: null, delivered: true },
        nextAttemptAtMs: null,
      },
    ]);
    expect(attempts).toHaveLength(1);
    expect(logger.lines).toMatchObject([{ level: 'info', obj: { notificationId: id, httpStatus: 200, responseExcerpt: 'SUCCESS', origin: `http://127.0.0.1:${merchant.port}` } }]);
    clock.nowMs += 48 * 3600_000;
    expect(await dispatcher.runOnce()).toBe(0);
    expect(requestsFor(id)).toHaveLength(1);
  });

  it.each([
    ['/fail', 200, null],
    ['/error500', 500, null],
    ['/error500-success', 500, null],
    ['/lowercase', 200, null],
    ['/redirect', 302, null],
    ['/hang', null, 'timeout'],
    ['/huge', 200, 'response too large'],
  ])('retries after %s per the schedule', async (path, httpStatus, error) => {
    const { outbox, clock, dispatcher } = setup();
    const id = freshId('retry');
    outbox.add({ id, url: merchant.urlFor(path) });
    await dispatcher.runOnce();
    const [{ attempt, nextAttemptAtMs }] = outbox.recorded as [(typeof outbox.recorded)[0]];
    expect(attempt).toMatchObject({ attemptNo: 1, httpStatus, error, delivered: false });
    expect(attempt.responseExcerpt.length).toBeLessThanOrEqual(NOTIFY_RESPONSE_EXCERPT_CHARS_MAX);
    expect(nextAttemptAtMs).toBe(clock.nowMs + NOTIFY_RETRY_DELAYS_MS[1]!); // random 0.5 ⇒ no jitter
    expect(requestsFor(id)).toHaveLength(1);
  });

  it('accepts SUCCESS surrounded by a BOM and CR/LF', async () => {
    const { outbox, dispatcher } = setup();
    outbox.add({ id: freshId('crlf'), url: merchant.urlFor('/success-crlf') });
    await dispatcher.runOnce();
    expect(outbox.recorded[0]!.attempt.delivered).toBe(true);
  });

  it('points out a lowercase success to the operator', async () => {
    const { outbox, logger, dispatcher } = setup();
    outbox.add({ id: freshId('lower'), url: merchant.urlFor('/lowercase') });
    await dispatcher.runOnce();
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg?.includes('variant of SUCCESS'))).toBe(true);
  });

  it('sends the next attempt once it is due, and stops when delivered', async () => {
    const { outbox, clock, dispatcher } = setup();
    const id = freshId('later');
    outbox.add({ id, url: merchant.urlFor('/fail') });
    await dispatcher.runOnce();
    expect(await dispatcher.runOnce()).toBe(0); // not due yet
    outbox.rows.get(id)!.n.url = merchant.urlFor('/success'); // the merchant fixed its endpoint
    clock.nowMs = outbox.recorded[0]!.nextAttemptAtMs!;
    expect(await dispatcher.runOnce()).toBe(1);
    expect(outbox.recorded.map((r) => [r.attempt.attemptNo, r.attempt.delivered])).toEqual([[1, false], [2, true]]);
    expect(outbox.rows.get(id)!.status).toBe('delivered');
    // Both attempts carry the notification's stable id, so the merchant can tell the retry from a new notification.
    expect(requestsFor(id).map((r) => r.headers.notificationid)).toEqual([id, id]);
  });

  it('gives up after the last scheduled attempt', async () => {
    const { outbox, logger, dispatcher } = setup();
    const id = freshId('last');
    outbox.add({ id, url: merchant.urlFor('/fail'), attemptCount: NOTIFY_ATTEMPT_COUNT_MAX - 1 });
    await dispatcher.runOnce();
    expect(outbox.recorded[0]).toMatchObject({ attempt: { attemptNo: NOTIFY_ATTEMPT_COUNT_MAX }, nextAttemptAtMs: null });
    expect(outbox.rows.get(id)!.status).toBe('failed');
    expect(logger.lines.map((l) => l.level)).toEqual(['error']);
  });

  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['localhost', 'localhost'],
  ])('refuses a live merchant on %s unless it is a sandbox merchant', async (_label, host) => {
    const { outbox, dispatcher } = setup();
    const [prod, sandbox] = [freshId('prod'), freshId('sandbox')];
    outbox.add({ id: prod, url: merchant.urlFor('/success', host), sandbox: false });
    outbox.add({ id: sandbox, url: merchant.urlFor('/success', host), sandbox: true });
    await dispatcher.runOnce();
    const byId = new Map(outbox.recorded.map((r) => [r.attempt.notificationId, r]));
    expect(byId.get(prod)).toMatchObject({ attempt: { error: 'address not allowed', httpStatus: null, delivered: false }, nextAttemptAtMs: expect.any(Number) });
    expect(requestsFor(prod)).toEqual([]);
    expect(byId.get(sandbox)!.attempt.delivered).toBe(true);
  });

  it('gives up at once on a URL that can never work', async () => {
    const { outbox, dispatcher } = setup();
    outbox.add({ id: freshId('badurl'), url: 'ftp://merchant.example/' });
    await dispatcher.runOnce();
    expect(outbox.recorded[0]).toMatchObject({ attempt: { error: 'invalid url' }, nextAttemptAtMs: null });
  });

  it('records an encoder failure as a failed attempt without sending', async () => {
    const { outbox, clock, logger, dispatcher } = setup({ encode: async () => Promise.reject(new Error('key unavailable')) });
    const id = freshId('enc');
    outbox.add({ id, url: merchant.urlFor('/success') });
    await expect(dispatcher.runOnce()).resolves.toBe(1);
    expect(outbox.recorded[0]).toMatchObject({ attempt: { error: 'encode failed', delivered: false }, nextAttemptAtMs: clock.nowMs + NOTIFY_RETRY_DELAYS_MS[1]! });
    expect(logger.lines[0]!.obj).toMatchObject({ errorDetail: 'key unavailable' });
    expect(requestsFor(id)).toEqual([]);
  });

  it('survives a store that cannot record and a metrics hook that throws', async () => {
    const { outbox, logger, dispatcher } = setup({ onAttempt: () => { throw new Error('metrics broke'); } });
    outbox.failRecording = true;
    outbox.add({ id: freshId('store'), url: merchant.urlFor('/success') });
    await expect(dispatcher.runOnce()).resolves.toBe(1);
    expect(logger.lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['notify: recording the attempt failed', 'notify: onAttempt hook threw']));
  });

  it('two dispatchers sharing a leasing outbox never send the same notification twice', async () => {
    const { outbox, clock, dispatcher: a } = setup({ batchSize: 7, concurrency: 3 });
    const b = new NotificationDispatcher({ outbox, encode, clock: () => clock.nowMs, random: () => 0.5, logger: recordingLogger(), batchSize: 5, concurrency: 2, requestTimeoutMs: 300, leaseMs: 60_000, pollIntervalMs: 10 });
    const ids = Array.from({ length: 40 }, () => freshId('shared'));
    for (const id of ids) outbox.add({ id, url: merchant.urlFor('/success') });
    let claimed: number[];
    do claimed = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce()]);
    while (claimed.some((c) => c > 0));
    for (const id of ids) expect(requestsFor(id)).toHaveLength(1);
    expect(outbox.recorded).toHaveLength(ids.length);
  });

  it('polls by itself after start() and stop() waits for the delivery in flight', async () => {
    const { outbox, dispatcher } = setup();
    const id = freshId('held');
    outbox.add({ id, url: merchant.urlFor('/held') });
    const seenBefore = merchant.received.length;
    dispatcher.start();
    await merchant.waitForRequests(seenBefore + 1);
    let stopped = false;
    const stopping = dispatcher.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    merchant.release();
    await stopping;
    expect(outbox.recorded.map((r) => r.attempt.delivered)).toEqual([true]);
    expect(await dispatcher.runOnce()).toBe(0); // stopped dispatchers claim nothing
  });

  it('a slow host holds at most its share of slots while the other hosts are delivered', async () => {
    const slow = await startFakeMerchant();
    try {
      const { outbox, dispatcher } = setup({ batchSize: 40, concurrency: 6, requestTimeoutMs: 5000, leaseMs: 120_000 });
      // The slow host's notifications are due first: a dispatcher serving in due order alone would stall behind them.
      const slowIds = Array.from({ length: 3 * NOTIFY_HOST_HELD_MAX }, () => freshId('slow'));
      for (const id of slowIds) outbox.add({ id, url: slow.urlFor('/held') }, 0);
      const healthyIds = Array.from({ length: 3 * NOTIFY_HOST_HELD_MAX }, () => freshId('healthy'));
      for (const id of healthyIds) outbox.add({ id, url: merchant.urlFor('/success') }, 1);
      const healthyBefore = merchant.received.length;
      dispatcher.start();
      await merchant.waitForRequests(healthyBefore + healthyIds.length);
      for (const id of healthyIds) expect(requestsFor(id)).toHaveLength(1);
      // Meanwhile the slow host had no more than its connections' worth in flight and nothing was recorded for it.
      expect(slow.received.length).toBeLessThanOrEqual(NOTIFY_CONNECTIONS_PER_HOST_MAX);
      expect(outbox.recorded.filter((r) => slowIds.includes(r.attempt.notificationId))).toEqual([]);
      // Once it held its share, it was left out of the claims.
      expect(outbox.excludedSeen.some((hosts) => hosts.includes(notificationHost(slow.urlFor('/held'))))).toBe(true);
      slow.release();
      await slow.waitForRequests(slowIds.length);
      await dispatcher.stop();
      for (const id of slowIds) expect(outbox.rows.get(id)!.status).toBe('delivered');
    } finally {
      await slow.close();
    }
  });

  it('refuses a lease too short for a batch to finish under it', () => {
    expect(() => setup({ batchSize: 10, concurrency: 2, requestTimeoutMs: 10_000, leaseMs: 60_000 })).toThrow(/leaseMs/);
    expect(() => setup({ concurrency: 0 })).toThrow(RangeError);
  });
});
