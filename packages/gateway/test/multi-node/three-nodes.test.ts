/**
 * Three gateway nodes — separate OS processes on separate ports, each with
 * its own data directory holding copies of the same gateway keys and the
 * same key-encryption key — share one database (PostgreSQL in the
 * PostgreSQL run; one SQLite file in the SQLite run). Orders are created on
 * one node, paid on another, queried on the third and (when paid) partly
 * refunded on the first, the refund queried on the second; a load balancer's
 * behaviour is imitated by trying the next node when one does not answer.
 * In the middle of payments and of notification deliveries (the merchant
 * holds every answer, so deliveries are in flight) the node holding the
 * background jobs' leases is killed with SIGKILL. Then:
 *
 * - every acknowledged order reads the same on every surviving node;
 * - every final answer stands; late (unknown) outcomes are resolved by the
 *   background job, now run by a survivor;
 * - every refund reaches a final state, read the same on every node;
 * - every order and refund in a final state is notified, at least once (a delivery the
 *   dead node made but never recorded is made again once its lease runs
 *   out), and no notification is ever delivered twice at the same time;
 * - the dead node's job leases are taken over, and only once they ran out.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, ConnectionError, HttpError, PayEaseClient, type IccOrderResponse } from '@opencashier/sdk';
import { STALE_PROCESSING_MS, CHANNEL_RECHECK_INTERVAL_MS } from '../../src/domain/limits.js';
import { isFinal, type OrderState } from '../../src/domain/order-state.js';
import { openDatabase, type OpenedDatabase } from '../../src/store/database.js';
import { OrderRepository } from '../../src/store/order-repository.js';
import { JobLeaseRepository, type JobLease } from '../../src/store/job-lease-repository.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';
import { freePort } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { GatewayProcess } from '../restart/gateway-process.js';
import { startRecordingMerchant, type RecordingMerchant } from './recording-merchant.js';

const NODE_COUNT = 3;
const ORDER_COUNT = 45;
const WORKER_COUNT = 6;
/** The kill lands after this many answered calls plus a random share of the rest (the stream makes ~130). */
const KILL_AFTER_CALLS_MIN = 25;
const KILL_AFTER_CALLS_SPREAD = 40;
/** The merchant holds each answer this long, so deliveries are in flight when the node dies. */
const MERCHANT_HOLD_MS = 700;
/**
 * Notification lease = timeout × ⌈batch / concurrency⌉ + 30 s; with a
 * concurrency of 50 that is 32 s, the wait for a delivery the dead node had
 * claimed.
 */
const NOTIFY_REQUEST_TIMEOUT_MS = 2_000;
const NOTIFY_CONCURRENCY = 50;
/** Longer than the jobs' 5 s interval, so a live holder keeps its jobs and the killed node holds some. */
const JOB_LEASE_MS = 8_000;
/**
 * Settling: a claimed notification waits out its 32 s lease; a payment the
 * kill interrupted after PROCESSING waits STALE_PROCESSING_MS for recovery.
 */
const SETTLE_WAIT_MS_MAX = STALE_PROCESSING_MS + CHANNEL_RECHECK_INTERVAL_MS + 60_000;

/** Jobs that run every few seconds (at most FREQUENT_JOB_INTERVAL_MS_MAX apart): their takeover is checked. */
const FREQUENT_JOBS = new Set([
  'order-expiry',
  'unknown-outcome-resolution',
  'stale-payment-recovery',
  'cancelled-in-flight-settlement',
  'stale-refund-resumption',
  'dispute-deadlines',
  'sandbox-disputes',
  'fx-purchases-due',
  'fx-sell-backs-due',
  'proof-inbox-scan',
  'portal-session-sweep',
]);
const FREQUENT_JOB_INTERVAL_MS_MAX = 10_000;

const APPROVE = '4242424242424242';
const DECLINE = '4000000000000002';
const UNKNOWN_APPROVE = '4000000000000101';
const UNKNOWN_DECLINE = '4000000000002016';
const CARDS = [APPROVE, DECLINE, APPROVE, UNKNOWN_APPROVE, '5555555555554444', UNKNOWN_DECLINE, 'expire', 'none'] as const;

interface Tracked {
  requestId: string;
  action: (typeof CARDS)[number];
  paymentOrderId?: string;
  finalAnswer?: string;
  mustResolveTo?: 'SUCCESS' | 'FAILED';
  payUnanswered?: boolean;
  /** A paid order is partly refunded on yet another node: the refund's requestId, and its answer when one came. */
  refundRequestId?: string;
  refundAnswer?: string;
}

/** Part of a paid order refunded; the rest stays with the merchant. */
const REFUND_AMOUNT_MINOR = '40';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isNoAnswer = (error: unknown) => error instanceof ConnectionError || (error instanceof HttpError && error.status === 503);

describe(`three gateway nodes on one database (${testDatabaseKind()})`, () => {
  const dirs: string[] = [];
  const nodes: GatewayProcess[] = [];
  const clients: PayEaseClient[] = [];
  let database: FreshDatabase;
  let store: OpenedDatabase;
  let merchant: RecordingMerchant;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'opencashier-nodes-'));
    dirs.push(root);
    database = await freshTestDatabase(root);
    const shared = {
      OPENCASHIER_DATABASE_URL: database.url,
      OPENCASHIER_KEK: randomBytes(32).toString('base64'),
      HOST: '127.0.0.1',
      OPENCASHIER_LOG_LEVEL: 'warn',
      OPENCASHIER_NOTIFY_POLL_INTERVAL_MS: '100',
      OPENCASHIER_NOTIFY_REQUEST_TIMEOUT_MS: String(NOTIFY_REQUEST_TIMEOUT_MS),
      OPENCASHIER_NOTIFY_CONCURRENCY: String(NOTIFY_CONCURRENCY),
      OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: '200',
      OPENCASHIER_JOB_LEASE_MS: String(JOB_LEASE_MS),
      OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0',
    };
    for (let i = 0; i < NODE_COUNT; i++) {
      const dataDir = join(root, `node-${i}`);
      mkdirSync(dataDir);
      // The first node creates the gateway keys and the demo merchant; the
      // others get copies of the keys, as an operator deploys them.
      if (i > 0) cpSync(join(root, 'node-0', 'keys'), join(dataDir, 'keys'), { recursive: true });
      const port = await freePort();
      const node = new GatewayProcess(
        { ...shared, OPENCASHIER_DATA_DIR: dataDir, PORT: String(port), OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, OPENCASHIER_DEMO_MERCHANT: i === 0 ? 'true' : 'false' },
        dataDir,
      );
      await node.start();
      nodes.push(node);
    }
    const info = JSON.parse(readFileSync(join(root, 'node-0', 'demo-merchant', 'merchant.json'), 'utf8'));
    for (const node of nodes) clients.push(PayEaseClient.fromFiles({ ...info, baseUrl: node.baseUrl }, { timeoutMs: 15_000 }));
    merchant = await startRecordingMerchant(clients[0]!, { holdMs: MERCHANT_HOLD_MS });
    store = await openDatabase(database.url, { migrate: false });
  });

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await merchant?.close();
    await store?.close();
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('serves any order from any node, loses nothing when a node is killed, and never overlaps a notification', { timeout: 420_000 }, async () => {
    const seed = randomBytes(2).readUInt16BE(0);
    const killAfterCalls = KILL_AFTER_CALLS_MIN + (seed % KILL_AFTER_CALLS_SPREAD);
    const runTag = randomBytes(3).toString('hex');
    const orders: Tracked[] = Array.from({ length: ORDER_COUNT }, (_, i) => ({ requestId: `mn-${runTag}-${String(i).padStart(3, '0')}`, action: CARDS[i % CARDS.length]! }));
    const leases = new JobLeaseRepository(store.db);
    const repository = new OrderRepository(store.db);
    const dead = new Set<number>();
    let answered = 0;
    let killed: { node: number; leases: JobLease[] } | undefined;

    const killLeaseHolder = async () => {
      const held = await leases.list();
      const byNode = nodes.map((n) => held.filter((l) => l.holderId.split('/')[1] === String(n.pid)));
      const victim = byNode.reduce((best, l, i) => (l.length > byNode[best]!.length ? i : best), 1);
      killed = { node: victim, leases: byNode[victim]! };
      dead.add(victim);
      await nodes[victim]!.kill();
    };
    const counted = <T>(answer: T) => {
      answered += 1;
      if (answered === killAfterCalls && !killed) void killLeaseHolder();
      return answer;
    };

    /** Like a load balancer: the node asked first, then the next live one when it does not answer. */
    const onAnyNode = async <T>(first: number, call: (client: PayEaseClient) => Promise<T>): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        const index = (first + attempt) % NODE_COUNT;
        if (dead.has(index)) continue;
        try {
          return counted(await call(clients[index]!));
        } catch (error) {
          if (!isNoAnswer(error) || attempt >= NODE_COUNT * 3) throw error;
          await sleep(50);
        }
      }
    };

    const run = async (o: Tracked, i: number) => {
      const created: IccOrderResponse = await onAnyNode(i, (c) =>
        c.createIccOrder({ requestId: o.requestId, orderAmount: String(100 + i), orderCurrency: 'USD', notifyUrl: merchant.notifyUrl, callbackUrl: merchant.callbackUrl }),
      );
      o.paymentOrderId = created.paymentOrderId;
      if (o.action === 'none') return;
      const payNode = (i + 1) % NODE_COUNT;
      if (dead.has(payNode)) return void (o.action = 'none');
      let answer: Record<string, unknown>;
      try {
        answer =
          o.action === 'expire'
            ? counted(await clients[payNode]!.call('sandbox/expire', { requestId: o.requestId }))
            : counted(await clients[payNode]!.call('sandbox/pay', { requestId: o.requestId, cardNumber: o.action }));
      } catch (error) {
        if (!isNoAnswer(error)) throw error;
        o.payUnanswered = true;
        return;
      }
      const status = String(answer.status);
      if (status === 'INIT') o.mustResolveTo = o.action === UNKNOWN_APPROVE ? 'SUCCESS' : 'FAILED';
      else o.finalAnswer = status;
      // Read back on the third node (or the next live one).
      const read = await onAnyNode(i + 2, (c) => c.queryIccOrder({ requestId: o.requestId }));
      expect(read.serialNumber).toBe(o.paymentOrderId);
      if (o.finalAnswer) expect(read.status).toBe(o.finalAnswer);
      if (o.finalAnswer !== 'SUCCESS') return;
      // Refund part of it on the node that created it, and read the refund on the next.
      o.refundRequestId = `${o.requestId}-r`;
      const refundNode = i % NODE_COUNT;
      if (dead.has(refundNode)) return void (o.refundRequestId = undefined);
      try {
        const refund = counted(await clients[refundNode]!.refund({ requestId: o.refundRequestId, orderId: o.paymentOrderId!, amount: REFUND_AMOUNT_MINOR }));
        o.refundAnswer = refund.status;
      } catch (error) {
        if (!isNoAnswer(error)) throw error;
        return;
      }
      const refundRead = await onAnyNode(i + 1, (c) => c.queryRefund({ requestId: o.refundRequestId! }));
      expect(refundRead.orderId).toBe(o.paymentOrderId);
      if (o.refundAnswer !== 'PROCESSING') expect(refundRead.status).toBe(o.refundAnswer);
    };

    let next = 0;
    await Promise.all(
      Array.from({ length: WORKER_COUNT }, async () => {
        for (let i = next++; i < ORDER_COUNT; i = next++) await run(orders[i]!, i);
      }),
    );
    if (!killed) await killLeaseHolder();
    expect(killed, 'a node was killed mid-stream').toBeDefined();
    const survivors = nodes.map((_, i) => i).filter((i) => !dead.has(i));

    // Everything settles: no order left in flight, every final order notified with its status.
    const expected = new Map<string, OrderState>();
    const refundStates = new Map<string, string>();
    await waitUntil(
      async () => {
        for (const o of orders) {
          const order = await repository.findByRequest(clients[0]!.merchantId, o.requestId);
          if (!order || order.state === 'PROCESSING' || order.state === 'UNKNOWN') return undefined;
          if (isFinal(order.state) && !merchant.deliveries(`order:${o.requestId}`).some((n) => n.status === order.state)) return undefined;
          expected.set(o.requestId, order.state);
        }
        // Refunds: none left PROCESSING, every final one notified with its state.
        const refunds = await store.db.selectFrom('refunds').select(['request_id', 'state']).execute();
        for (const r of refunds) {
          if (r.state === 'PROCESSING') return undefined;
          if (!merchant.deliveries(`refund:${r.request_id}`).some((n) => n.status === r.state)) return undefined;
          refundStates.set(r.request_id, r.state);
        }
        // Recorded as delivered too: a delivery the dead node made but never recorded is sent again once its lease runs out.
        const undelivered = await store.db.selectFrom('notifications').select('notification_id').where('state', '!=', 'delivered').execute();
        return undelivered.length === 0 ? true : undefined;
      },
      { timeoutMs: SETTLE_WAIT_MS_MAX, intervalMs: 250, what: 'every order settled and notified', lastSeen: () => ({ inFlight: merchant.inFlight(), killed }) },
    );

    for (const o of orders) {
      const state = expected.get(o.requestId)!;
      if (o.finalAnswer) expect(state, o.requestId).toBe(o.finalAnswer);
      if (o.mustResolveTo) expect(state, o.requestId).toBe(o.mustResolveTo);
      if (o.action === 'none') expect(state, o.requestId).toBe('INIT');
      // Every surviving node reads the order the same way.
      for (const i of survivors) {
        const read = await clients[i]!.queryIccOrder({ requestId: o.requestId });
        expect(read.serialNumber).toBe(o.paymentOrderId);
        expect(read.status).toBe(state === 'CHALLENGE' ? 'INIT' : state);
      }
      // A notification, for final orders only, and never a different status.
      for (const n of merchant.deliveries(`order:${o.requestId}`)) expect(n.status).toBe(state);
      if (!isFinal(state)) expect(merchant.deliveries(`order:${o.requestId}`)).toEqual([]);
      // A refund that was answered exists, ends as answered (or settles from PROCESSING), and reads the same everywhere.
      if (o.refundAnswer) {
        const refundState = refundStates.get(o.refundRequestId!);
        expect(refundState, o.refundRequestId).toBeDefined();
        if (o.refundAnswer !== 'PROCESSING') expect(refundState).toBe(o.refundAnswer);
        for (const i of survivors) expect((await clients[i]!.queryRefund({ requestId: o.refundRequestId! })).status).toBe(refundState);
        for (const n of merchant.deliveries(`refund:${o.refundRequestId}`)) expect(n.status).toBe(refundState);
      }
    }
    expect(orders.filter((o) => o.refundAnswer === 'SUCCESS').length, 'some refunds succeeded').toBeGreaterThan(0);
    expect(merchant.rejected).toEqual([]);
    expect(merchant.overlaps).toEqual([]);

    // The dead node's jobs went to survivors, and only after its leases ran out. A survivor
    // tries a job when its interval comes round, so the check covers the jobs that run every
    // few seconds; the hourly kind (settlement, pruning) is taken over the same way, later.
    const deadHolders = new Set(killed!.leases.map((l) => l.holderId));
    const watched = killed!.leases.filter((l) => FREQUENT_JOBS.has(l.jobName));
    expect(watched.length, 'the killed node held frequent jobs').toBeGreaterThan(0);
    await waitUntil(
      async () => {
        const now = await leases.list();
        return watched.every((old) => now.some((l) => l.jobName === old.jobName && !deadHolders.has(l.holderId))) ? now : undefined;
      },
      { timeoutMs: JOB_LEASE_MS + 2 * FREQUENT_JOB_INTERVAL_MS_MAX + 30_000, what: 'the dead node’s jobs taken over' },
    ).then((now) => {
      for (const old of watched) {
        const taken = now.find((l) => l.jobName === old.jobName)!;
        expect(taken.acquiredAtMs).toBeGreaterThanOrEqual(old.leaseUntilMs);
        expect(survivors.map((i) => String(nodes[i]!.pid))).toContain(taken.holderId.split('/')[1]);
      }
    });

    // A payment after the kill with a late outcome is resolved by the survivors' background job.
    const late = `mn-${runTag}-late`;
    await clients[survivors[0]!]!.createIccOrder({ requestId: late, orderAmount: '999', orderCurrency: 'USD', notifyUrl: merchant.notifyUrl, callbackUrl: merchant.callbackUrl });
    const pending = await clients[survivors[1]!]!.call('sandbox/pay', { requestId: late, cardNumber: UNKNOWN_APPROVE });
    expect(pending.status).toBe('INIT');
    await waitUntil(() => (merchant.deliveries(`order:${late}`).some((n) => n.status === 'SUCCESS') ? true : undefined), { timeoutMs: 60_000, what: 'the late outcome resolved and notified' });
    expect(merchant.overlaps).toEqual([]);
    await expect(clients[survivors[0]!]!.call('sandbox/pay', { requestId: late, cardNumber: APPROVE })).rejects.toBeInstanceOf(BusinessError);
  });
});
