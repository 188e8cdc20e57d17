/**
 * Slow or dead channel: authorisations whose answer is lost after the
 * acquirer charged, authorisations that never reach it, unknown outcomes,
 * a channel whose queries time out for minutes, one reference whose queries
 * never succeed, and refunds whose answer is lost. The background jobs
 * (`unknown-outcome-resolution`, `stale-payment-recovery`,
 * `cancelled-in-flight-settlement`, `stale-refund-resumption`) run on a
 * simulated clock at their interval, as the job scheduler runs them (an
 * error in a run is logged and the next run comes at the next interval).
 *
 * Every order must reach the final state the acquirer's answer implies, no
 * later than the schedule allows (the channel's own delay or outage, plus
 * the recovery threshold, plus one interval); nothing is charged twice or
 * left unaccounted for; one order the channel can never answer about stays
 * open without holding up the others.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCardChannel } from '../../src/channels/sandbox-card/index.js';
import { BACKGROUND_BATCH_MAX, CHANNEL_RECHECK_INTERVAL_MS, REFUND_STALE_MS, STALE_PROCESSING_MS } from '../../src/domain/limits.js';
import type { AmountMinor } from '../../src/domain/money.js';
import type { Merchant } from '../../src/store/merchant-repository.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { FaultyChannel, type AuthorizeFault } from './faulty-channel.js';
import { JournalIndex, orderViolations } from './race-checks.js';
import { reportFigure, VERIFY_LONG } from './reliability-doc.js';
import { between, pick, seededRandom } from './seeded.js';

const ORDER_COUNT = VERIFY_LONG ? 1_000 : 60;
const SEED = 777;
const START_MS = Date.UTC(2026, 3, 1, 12, 0, 0);
/** How long the sandbox keeps an outcome unknown. */
const UNKNOWN_MS = 60_000;
/** The channel's queries time out for the first ten minutes (three in the short run: fewer job intervals to simulate). */
const DEAD_MS = (VERIFY_LONG ? 10 : 3) * 60_000;
const HORIZON_MS = DEAD_MS + STALE_PROCESSING_MS + UNKNOWN_MS + REFUND_STALE_MS + 10 * CHANNEL_RECHECK_INTERVAL_MS;
const FINAL: ReadonlySet<string> = new Set(['SUCCESS', 'FAILED', 'CANCEL']);

const CARDS = {
  approve: { pan: '4242424242424242', outcome: 'SUCCESS', unknown: false },
  decline: { pan: '4000000000000002', outcome: 'FAILED', unknown: false },
  unknownThenApproved: { pan: '4000000000000101', outcome: 'SUCCESS', unknown: true },
  unknownThenDeclined: { pan: '4000000000002016', outcome: 'FAILED', unknown: true },
} as const;
type CardName = keyof typeof CARDS;

interface Planned {
  orderId: string;
  card: CardName;
  fault: AuthorizeFault;
  paidAtMs: number;
  expected: string;
  /** When the schedule lets the gateway know the outcome. */
  knowableAtMs: number;
  /** Latest simulated time by which the schedule says it must be final. */
  dueByMs: number;
  finalAtMs?: number;
  refundLost: boolean;
}

describe.each(testDatabases())('slow or dead channel (%s)', (database, databaseEnv) => {
  let nowMs = START_MS;
  let t: TestGateway;
  let channel: FaultyChannel;
  let merchant: Merchant;
  let journalDir: string;
  let journalFile: string;

  beforeAll(async () => {
    journalDir = mkdtempSync(join(tmpdir(), 'opencashier-channel-'));
    journalFile = join(journalDir, 'sandbox-acquirer.ndjson');
    const clock = () => nowMs;
    channel = new FaultyChannel(new SandboxCardChannel({ clock, unknownResolveDelayMs: UNKNOWN_MS, journalFile }), clock);
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0' }, { background: false, clock, channel });
    merchant = (await t.gateway.merchants.find(t.merchant.merchantId))!;
  });
  afterAll(async () => {
    await t?.close();
    if (journalDir) rmSync(journalDir, { recursive: true, force: true });
  });

  const newOrder = async (i: number) =>
    (await t.client.createIccOrder({ requestId: `dc-${i}`, orderAmount: String(2_000 + i), orderCurrency: 'EUR', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' })).paymentOrderId!;
  const cardInput = (name: CardName) => ({ holder: 'DEAD CHANNEL', pan: CARDS[name].pan, expiryMonth: 11, expiryYear: 2041, cvv: '321', brand: 'Visa' });

  /** One interval of the scheduler: each job runs; a failed run waits for the next interval. */
  async function runJobs(): Promise<number> {
    let failedRuns = 0;
    for (const run of [
      () => t.gateway.orders.resolveUnknown(BACKGROUND_BATCH_MAX),
      () => t.gateway.orders.recoverStale(BACKGROUND_BATCH_MAX),
      () => t.gateway.orders.settleCancelledInFlight(BACKGROUND_BATCH_MAX),
      () => t.gateway.refunds.resumeStale(BACKGROUND_BATCH_MAX),
    ]) {
      try {
        await run();
      } catch {
        failedRuns += 1;
      }
    }
    return failedRuns;
  }

  it('every outcome resolves on schedule; nothing is charged twice', { timeout: VERIFY_LONG ? 3_600_000 : 120_000 }, async () => {
    const random = seededRandom(SEED);
    channel.deadUntilMs = START_MS + DEAD_MS;
    const planned: Planned[] = [];
    let failedRuns = 0;
    // The scheduler's intervals run while payments come in, as they would.
    let nextTickMs = START_MS + CHANNEL_RECHECK_INTERVAL_MS;
    const advanceTo = async (targetMs: number) => {
      while (nextTickMs <= targetMs) {
        nowMs = nextTickMs;
        failedRuns += await runJobs();
        const open = planned.filter((p) => p.finalAtMs === undefined);
        if (open.length > 0) {
          const rows = await t.gateway.database.db.selectFrom('orders').select(['order_id', 'state']).where('order_id', 'in', open.map((p) => p.orderId)).execute();
          const finalIds = new Set(rows.filter((r) => FINAL.has(r.state)).map((r) => r.order_id));
          for (const p of open) if (finalIds.has(p.orderId)) p.finalAtMs = nowMs;
        }
        nextTickMs += CHANNEL_RECHECK_INTERVAL_MS;
      }
      nowMs = targetMs;
    };

    // The oldest open question: an unknown outcome the channel will never answer about.
    const poisonedId = await newOrder(-1);
    const poisoned = await t.gateway.orders.pay(poisonedId, cardInput('unknownThenApproved'));
    expect(poisoned.state).toBe('UNKNOWN');
    channel.poisoned.add(poisoned.channelReference!);
    await advanceTo(nowMs + 1_000);
    for (let i = 0; i < ORDER_COUNT; i += 1) {
      const card = pick(random, Object.keys(CARDS) as CardName[]);
      const roll = random();
      const fault: AuthorizeFault = roll < 0.5 ? 'none' : roll < 0.8 ? 'answerLost' : 'notReached';
      const orderId = await newOrder(i);
      channel.authorizeFaults.set(orderId, fault);
      const paidAtMs = nowMs;
      const answer = await t.gateway.orders.pay(orderId, cardInput(card));
      const expected = fault === 'notReached' ? 'FAILED' : CARDS[card].outcome;
      // When the schedule lets the gateway know: the acquirer's own delay, the recovery
      // threshold for a lost answer, the channel's outage for anything needing a query.
      const knowableAtMs =
        fault === 'notReached' || (fault === 'none' && !CARDS[card].unknown)
          ? paidAtMs
          : Math.max(paidAtMs + (fault === 'answerLost' ? STALE_PROCESSING_MS : UNKNOWN_MS), START_MS + DEAD_MS);
      const p: Planned = { orderId, card, fault, paidAtMs, expected, knowableAtMs, dueByMs: 0, refundLost: random() < 0.5 };
      if (FINAL.has(answer.state)) p.finalAtMs = nowMs;
      if (answer.state === 'SUCCESS') {
        if (p.refundLost) channel.refundAnswerLost.add(answer.channelReference!);
        await t.gateway.refunds.request(merchant, { requestId: `dc-${i}-rf`, requestDigest: `dc-${i}`, orderId, amountMinor: 1_000n as AmountMinor, remark: null, notifyUrl: null });
      }
      planned.push(p);
      await advanceTo(nowMs + between(random, 0, 2_000));
    }
    await advanceTo(nowMs + HORIZON_MS);

    // Due: one interval after it is knowable, plus one more for each full batch of
    // orders knowable no later (a pass handles BACKGROUND_BATCH_MAX, oldest first).
    const knowable = planned.map((p) => p.knowableAtMs).sort((a, b) => a - b);
    for (const p of planned) {
      const ahead = knowable.filter((k) => k <= p.knowableAtMs).length - 1;
      p.dueByMs = p.knowableAtMs + CHANNEL_RECHECK_INTERVAL_MS * (1 + Math.floor(ahead / BACKGROUND_BATCH_MAX));
    }

    const wrongState: string[] = [];
    const late: string[] = [];
    const violations: string[] = [];
    const journal = new JournalIndex(journalFile).refresh();
    for (const p of planned) {
      const order = (await t.gateway.orders.find(p.orderId))!;
      if (order.state !== p.expected) wrongState.push(`${order.requestId} (${p.card}, ${p.fault}): ${order.state}, expected ${p.expected}`);
      else if (p.finalAtMs === undefined || p.finalAtMs > p.dueByMs) late.push(`${order.requestId} (${p.card}, ${p.fault}): final ${p.finalAtMs === undefined ? 'never' : `${(p.finalAtMs - p.paidAtMs) / 1000} s`} after payment, due within ${(p.dueByMs - p.paidAtMs) / 1000} s`);
      for (const r of await t.gateway.refunds.forOrder(p.orderId)) if (r.state !== 'SUCCESS') wrongState.push(`refund ${r.requestId}: ${r.state}`);
      violations.push(...(await orderViolations(t.gateway, p.orderId, journal)));
    }
    // The open one's charge awaits an answer that never comes: it may only have been authorised once.
    if ((journal.authorizations.get(poisonedId) ?? []).length !== 1) violations.push(`the never-answerable order was authorised ${(journal.authorizations.get(poisonedId) ?? []).length} times`);
    const poisonedAfter = (await t.gateway.orders.find(poisonedId))!;
    const count = (f: AuthorizeFault) => planned.filter((p) => p.fault === f).length;
    const worstS = Math.max(...planned.map((p) => ((p.finalAtMs ?? Infinity) - p.paidAtMs) / 1000));

    reportFigure('channel', database, [
      `${planned.length} payments: ${count('answerLost')} answers lost after the acquirer acted, ${count('notReached')} never reaching it, ${planned.filter((p) => CARDS[p.card].unknown).length} unknown outcomes; queries dead for ${DEAD_MS / 60_000} min; ${channel.calls.refundAnswersLost} refund answers lost; one reference never answerable (seed ${SEED})`,
      `resolved to the acquirer's outcome: ${planned.length - wrongState.length} of ${planned.length}; later than the schedule allows: ${late.length}; slowest ${worstS} s (simulated) after payment`,
      `orders charged twice or charges unaccounted for, refunds not matching the acquirer: ${violations.length}`,
      `the never-answerable order: still ${poisonedAfter.state} (open, as it must be), holding up no other; job runs that failed on the dead channel: ${failedRuns}`,
    ]);

    expect(wrongState).toEqual([]);
    expect(late).toEqual([]);
    expect(violations).toEqual([]);
    expect(poisonedAfter.state).toBe('UNKNOWN');
    expect(channel.calls.timeouts).toBeGreaterThan(0);
    expect(count('answerLost')).toBeGreaterThan(0);
    expect(count('notReached')).toBeGreaterThan(0);
    expect(channel.calls.refundAnswersLost).toBeGreaterThan(0);
  });
});
