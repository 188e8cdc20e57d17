/**
 * Crash safety: the built gateway runs as a child process, a stream of
 * concurrent orders and sandbox payments runs against it, and at a random
 * point it is SIGKILLed and started again on the same data directory. Then:
 *
 * - every order whose creation was acknowledged exists, unchanged;
 * - every payment that got a final answer keeps that answer;
 * - every order that is final reaches the merchant's notify endpoint, verified
 *   (at least once: duplicates are allowed, a wrong status is not);
 * - no order is left in limbo: one the gateway cannot be sure about is
 *   resolved, one it never touched can still be paid;
 * - replaying an acknowledged creation returns the same paymentOrderId.
 *
 * The kill point comes from a seeded generator; a failure message names the
 * seed, and OPENCASHIER_RESTART_SEED=<seed> replays the same plan.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, ConnectionError, HttpError, PayEaseClient, type IccOrderRequest, type IccOrderState } from '@opencashier/sdk';
import { MAGIC_CARDS, type MagicCard } from '../../src/channels/sandbox-card/magic-cards.js';
import { STALE_PROCESSING_MS, CHANNEL_RECHECK_INTERVAL_MS } from '../../src/domain/limits.js';
import { openDatabase } from '../../src/store/database.js';
import { OrderRepository } from '../../src/store/order-repository.js';
import { freePort } from '../harness.js';
import { startMerchantEndpoint, type MerchantEndpoint } from '../e2e/merchant-endpoint.js';
import { waitUntil } from '../e2e/wait-until.js';
import { GatewayProcess } from './gateway-process.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

/** Orders in the stream, and how many are in flight at once. */
const ORDER_COUNT = 60;
const WORKER_COUNT = 6;
/** The kill lands after this many answered calls, plus a random share of the rest (the stream makes ~110). */
const KILL_AFTER_CALLS_MIN = 8;
const KILL_AFTER_CALLS_SPREAD = 50;
/** How long a worker keeps retrying an order creation that found the gateway down (restart takes ~1 s). */
const RETRY_WINDOW_MS_MAX = 45_000;
const RETRY_PAUSE_MS = 100;
/**
 * Settling: unknown outcomes are resolved by a sweep every 5 s, notifications
 * by a poll every 100 ms, and a notification the killed process had claimed
 * comes back when its lease runs out (37 s with the 1 s request timeout set
 * below). 60 s covers all of it.
 */
const SETTLE_WAIT_MS_MAX = 60_000;
/**
 * A payment the kill interrupted between committing PROCESSING and hearing
 * the channel is only recovered once it is STALE_PROCESSING_MS old (the
 * channel might still answer before that), by the same 5 s sweep; when the
 * kill left one, settling may take that long plus the usual minute.
 */
const SETTLE_AFTER_INTERRUPTED_PAYMENT_WAIT_MS_MAX = STALE_PROCESSING_MS + CHANNEL_RECHECK_INTERVAL_MS + SETTLE_WAIT_MS_MAX;
const SETTLE_POLL_INTERVAL_MS = 250;
/**
 * The merchant endpoint is on loopback and answers at once, so a 1 s request
 * timeout is ample; it matters because the notification lease is derived
 * from it (timeout × ⌈batch / concurrency⌉ + 30 s). With the 10 s default a
 * notification claimed at the instant of the kill waits 100 s to be retried.
 */
const NOTIFY_REQUEST_TIMEOUT_MS = 1_000;

type FinalStatus = 'SUCCESS' | 'FAILED' | 'CANCEL';
const FINAL: ReadonlySet<string> = new Set<FinalStatus>(['SUCCESS', 'FAILED', 'CANCEL']);

type Action = { kind: 'pay'; card: MagicCard } | { kind: 'expire' } | { kind: 'none' };

function card(pan: string): MagicCard {
  const found = MAGIC_CARDS.find((c) => c.pan === pan);
  if (!found) throw new Error(`no magic card ${pan}`);
  return found;
}

/** Mostly payments, approved and declined about equally, some with a late outcome; a few expire or stay unpaid. */
const ACTIONS: readonly Action[] = [
  { kind: 'pay', card: card('4242424242424242') },
  { kind: 'pay', card: card('5555555555554444') },
  { kind: 'pay', card: card('378282246310005') },
  { kind: 'pay', card: card('4000000000000002') },
  { kind: 'pay', card: card('4000000000009995') },
  { kind: 'pay', card: card('4000000000009979') },
  { kind: 'pay', card: card('4000000000000101') },
  { kind: 'pay', card: card('4000000000002016') },
  { kind: 'expire' },
  { kind: 'none' },
];
const CURRENCIES = ['USD', 'EUR', 'JPY', 'CNY', 'GBP'] as const;

/** What the test knows about one order, filled in as answers arrive. */
interface Tracked {
  request: IccOrderRequest;
  action: Action;
  paymentOrderId?: string;
  /** The creation was answered by the process that was later killed. */
  ackedBeforeKill?: boolean;
  /** A final status the gateway answered to `sandbox/pay` or `sandbox/expire`. */
  finalAnswer?: { status: FinalStatus; code: string | undefined };
  /** The gateway answered the payment as still pending (an unknown outcome): it must resolve to this. */
  mustResolveTo?: FinalStatus;
  /** The action got no answer (the gateway died under it): its effect is unknown. */
  unanswered?: boolean;
  /** Must reach some final state (the gateway said the order cannot be paid: it has started a payment). */
  mustFinish?: boolean;
}

/** mulberry32: small, seedable, good enough to pick a kill point and a mix of cards. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The gateway did not answer (connection refused or reset while it was down): try again or record the gap. */
function isNoAnswer(error: unknown): boolean {
  return error instanceof ConnectionError || (error instanceof HttpError && error.status === 503);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** For a failure message: what the store says happened to the orders named in `reasons` (read-only, beside the running gateway). */
async function storedHistory(databaseUrl: string, merchantId: string, reasons: readonly string[]): Promise<string> {
  const database = await openDatabase(databaseUrl, { migrate: false });
  try {
    const repository = new OrderRepository(database.db);
    const lines: string[] = [];
    for (const reason of reasons) {
      const requestId = reason.slice(0, reason.indexOf(':'));
      const order = await repository.findByRequest(merchantId, requestId);
      const events = order ? await repository.events(order.orderId) : [];
      lines.push(`${requestId}: state ${order?.state}; ${events.map((e) => `${e.from ?? '∅'}→${e.to} (${e.reason})`).join(', ')}`);
    }
    return lines.join('\n');
  } catch (error) {
    return `could not read the store: ${String(error)}`;
  } finally {
    await database.close();
  }
}

describe(`gateway killed with SIGKILL mid-stream and restarted on the same data (${testDatabaseKind()})`, () => {
  const seed = Number(process.env.OPENCASHIER_RESTART_SEED ?? randomBytes(4).readUInt32BE(0));
  const random = seededRandom(seed);
  const why = (text: string) => `${text} (seed ${seed}; OPENCASHIER_RESTART_SEED=${seed} replays the plan)`;

  let dataDir: string;
  let database: FreshDatabase | undefined;
  let gateway: GatewayProcess;
  let client: PayEaseClient;
  let merchant: MerchantEndpoint;
  let merchantId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'opencashier-restart-'));
    database = await freshTestDatabase(dataDir);
    const port = await freePort();
    gateway = new GatewayProcess(
      {
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_DATABASE_URL: database.url,
        OPENCASHIER_KEK: randomBytes(32).toString('base64'),
        PORT: String(port),
        HOST: '127.0.0.1',
        OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        OPENCASHIER_LOG_LEVEL: 'warn',
        OPENCASHIER_NOTIFY_POLL_INTERVAL_MS: '100',
        OPENCASHIER_NOTIFY_REQUEST_TIMEOUT_MS: String(NOTIFY_REQUEST_TIMEOUT_MS),
        OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: '200',
      },
      dataDir,
    );
    await gateway.start();
    const info = JSON.parse(readFileSync(join(dataDir, 'demo-merchant', 'merchant.json'), 'utf8')) as {
      merchantId: string;
      pfxPath: string;
      pfxPassword: string;
      gatewayCertPath: string;
      baseUrl: string;
    };
    merchantId = info.merchantId;
    client = new PayEaseClient({
      merchantId: info.merchantId,
      pfx: readFileSync(info.pfxPath),
      pfxPassword: info.pfxPassword,
      gatewayCertificate: readFileSync(info.gatewayCertPath),
      baseUrl: info.baseUrl,
      timeoutMs: 10_000,
    });
    merchant = await startMerchantEndpoint(client);
  });

  afterAll(async () => {
    await gateway?.stop();
    await merchant?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no acknowledged order, final answer or notification', { timeout: 360_000 }, async () => {
    const runTag = randomBytes(3).toString('hex');
    const orders: Tracked[] = Array.from({ length: ORDER_COUNT }, (_, i) => {
      const currency = CURRENCIES[Math.floor(random() * CURRENCIES.length)]!;
      return {
        request: {
          requestId: `rs-${runTag}-${String(i).padStart(3, '0')}`,
          orderAmount: String(1 + Math.floor(random() * 9_999_999)),
          orderCurrency: currency,
          notifyUrl: merchant.notifyUrl,
          callbackUrl: merchant.callbackUrl,
          productDetails: [{ name: `Item ${i}`, quantity: '1', amount: '1' }],
        },
        action: ACTIONS[Math.floor(random() * ACTIONS.length)]!,
      };
    });
    const killAfterCalls = KILL_AFTER_CALLS_MIN + Math.floor(random() * KILL_AFTER_CALLS_SPREAD);

    // --- The stream, with a crash in the middle of it. ---
    let answeredCalls = 0;
    let killed = false;
    let restarted = false;

    const createUntilAnswered = async (o: Tracked) => {
      const deadline = Date.now() + RETRY_WINDOW_MS_MAX;
      for (;;) {
        try {
          const answer = await client.createIccOrder(o.request);
          o.ackedBeforeKill = !killed;
          return answer;
        } catch (error) {
          if (!isNoAnswer(error) || Date.now() > deadline) throw error;
          await sleep(RETRY_PAUSE_MS);
        }
      }
    };

    const act = async (o: Tracked) => {
      const { action } = o;
      if (action.kind === 'none') return;
      let answer: Record<string, unknown>;
      try {
        answer =
          action.kind === 'pay'
            ? await client.call('sandbox/pay', { requestId: o.request.requestId, cardNumber: action.card.pan })
            : await client.call('sandbox/expire', { requestId: o.request.requestId });
      } catch (error) {
        if (!isNoAnswer(error)) throw error;
        o.unanswered = true;
        return;
      }
      const status = String(answer.status);
      if (FINAL.has(status)) {
        o.finalAnswer = { status: status as FinalStatus, code: typeof answer.code === 'string' ? answer.code : undefined };
      } else if (action.kind === 'pay' && action.card.scenario.kind === 'unknown') {
        expect(status, why(`pending answer for ${o.request.requestId}`)).toBe('INIT');
        o.mustResolveTo = action.card.scenario.resolvesTo === 'approve' ? 'SUCCESS' : 'FAILED';
      } else {
        throw new Error(why(`unexpected answer ${JSON.stringify(answer)} to ${action.kind} of ${o.request.requestId}`));
      }
    };

    let next = 0;
    const worker = async () => {
      for (let i = next++; i < orders.length; i = next++) {
        const o = orders[i]!;
        const created = await createUntilAnswered(o);
        expect(created.status, why(`creation of ${o.request.requestId}`)).toBe('SUCCESS');
        o.paymentOrderId = created.paymentOrderId;
        answeredCalls += 1;
        await act(o);
        answeredCalls += 1;
      }
    };
    const chaos = async () => {
      await waitUntil(() => (answeredCalls >= killAfterCalls ? true : undefined), { timeoutMs: 60_000, intervalMs: 1, what: `${killAfterCalls} answered calls` });
      killed = true;
      await gateway.kill();
      await gateway.start();
      restarted = true;
    };
    await Promise.all([chaos(), ...Array.from({ length: WORKER_COUNT }, worker)]);
    expect(restarted).toBe(true);
    expect(gateway.generation).toBe(2);
    const ackedBefore = orders.filter((o) => o.ackedBeforeKill);
    expect(ackedBefore.length, why('orders acknowledged before the kill')).toBeGreaterThan(0);
    expect(orders.filter((o) => o.ackedBeforeKill === false).length, why('orders acknowledged after the restart')).toBeGreaterThan(0);

    // --- Acknowledged orders and final answers survived. ---
    const query = (o: Tracked) => client.queryIccOrder({ requestId: o.request.requestId });
    for (const o of orders) {
      const state = await query(o);
      expect(state, why(`order ${o.request.requestId} after the restart`)).toMatchObject({
        requestId: o.request.requestId,
        serialNumber: o.paymentOrderId,
        orderAmount: o.request.orderAmount,
        orderCurrency: o.request.orderCurrency,
      });
      if (o.finalAnswer) {
        expect({ status: state.status, code: state.code }, why(`final answer of ${o.request.requestId}`)).toEqual(o.finalAnswer);
      }
    }

    // --- Nothing in limbo: an action that got no answer either never happened (the order can still be paid) or must finish. ---
    for (const o of orders.filter((x) => x.unanswered)) {
      if (FINAL.has((await query(o)).status)) continue;
      const retry: Tracked = { ...o, unanswered: false };
      try {
        await act(retry);
      } catch (error) {
        if (!(error instanceof BusinessError && error.code === 'ORDER_NOT_PAYABLE')) throw error;
        // The first attempt got as far as starting a payment: the gateway owes an outcome.
        o.mustFinish = true;
        continue;
      }
      expect(retry.unanswered, why(`repeat of the ${o.action.kind} of ${o.request.requestId}`)).toBe(false);
      o.finalAnswer = retry.finalAnswer;
      o.mustResolveTo = retry.mustResolveTo;
    }

    // --- Every final state is notified; pending outcomes resolve. ---
    // A settled order (final and notified, or unpaid by design) stays settled, so each round
    // queries only the rest: polling all of them would run into the per-client rate limit.
    const unsettled = new Set(orders);
    const pendingReasons = async (): Promise<string[]> => {
      const reasons: string[] = [];
      for (const o of unsettled) {
        const state: IccOrderState = await query(o);
        const id = o.request.requestId;
        const wanted = o.finalAnswer?.status ?? o.mustResolveTo;
        if (wanted !== undefined && state.status !== wanted) {
          reasons.push(`${id}: ${state.status}, expected ${wanted}`);
          continue;
        }
        if (o.mustFinish && !FINAL.has(state.status)) {
          reasons.push(`${id}: still ${state.status} after a payment the gateway refused to repeat (stuck mid-authorisation?)`);
          continue;
        }
        if (FINAL.has(state.status)) {
          const heard = merchant.notificationsFor(id).map((n) => n.notification.status);
          if (!heard.includes(state.status)) {
            reasons.push(`${id}: ${state.status} but notified ${JSON.stringify(heard)}`);
            continue;
          }
        }
        unsettled.delete(o);
      }
      return reasons;
    };
    let lastReasons: string[] = [];
    await waitUntil(
      async () => {
        lastReasons = await pendingReasons();
        return lastReasons.length === 0 ? true : undefined;
      },
      {
        timeoutMs: orders.some((o) => o.mustFinish) ? SETTLE_AFTER_INTERRUPTED_PAYMENT_WAIT_MS_MAX : SETTLE_WAIT_MS_MAX,
        intervalMs: SETTLE_POLL_INTERVAL_MS,
        what: why('every order to settle and be notified'),
        lastSeen: () => lastReasons,
      },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n--- stored history of those orders ---\n${await storedHistory(database!.url, merchantId, lastReasons)}\n--- gateway output ---\n${gateway.output}`);
    });

    // Notifications verified, consistent and about the right order.
    expect(merchant.rejected, why('notifications the merchant refused')).toEqual([]);
    for (const o of orders) {
      const state = await query(o);
      for (const { notification, requestIdHeader } of merchant.notificationsFor(o.request.requestId)) {
        expect(notification, why(`notification of ${o.request.requestId}`)).toMatchObject({
          requestId: o.request.requestId,
          serialNumber: o.paymentOrderId,
          status: state.status,
          orderAmount: o.request.orderAmount,
          orderCurrency: o.request.orderCurrency,
        });
        expect(notification.code).toBe(state.code);
        expect(requestIdHeader).toBe(o.request.requestId);
      }
    }
    const notifiedIds = new Set(merchant.all().map((n) => n.notification.requestId));
    for (const id of notifiedIds) expect(orders.some((o) => o.request.requestId === id), why(`notification for unknown order ${id}`)).toBe(true);

    // --- Replaying an acknowledged creation returns the order created first. ---
    for (const o of ackedBefore) {
      const replayed = await client.createIccOrder(o.request);
      expect({ status: replayed.status, paymentOrderId: replayed.paymentOrderId }, why(`replay of ${o.request.requestId}`)).toEqual({
        status: 'SUCCESS',
        paymentOrderId: o.paymentOrderId,
      });
    }
  });
});
