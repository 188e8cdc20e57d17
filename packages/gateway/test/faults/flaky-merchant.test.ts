/**
 * Flaky merchant: the notify endpoint drops half the deliveries (and answers
 * some with a redirect), then answers 500 for hours of simulated time, then
 * recovers. Every notification must arrive once it recovers, each attempt on
 * the documented retry schedule (notify/retry-schedule.ts, ±20 % jitter),
 * redirects must count as failures and never be followed, and no delivery
 * may leave before the state it reports is committed.
 *
 * The gateway runs in this process on a simulated clock; the dispatcher is
 * driven one poll at a time, jumping the clock to the next due attempt, so
 * 30 hours of schedule take seconds. `npm run verify:notify` runs it with
 * many more notifications and records the figure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../src/store/database.js';
import { NOTIFY_RETRY_DELAYS_MS } from '../../src/notify/retry-schedule.js';
import { NOTIFY_RETRY_JITTER_RATIO } from '../../src/notify/limits.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { startFlakyMerchant, type FlakyMerchant, type MerchantPhases } from './flaky-merchant.js';
import { reportFigure, VERIFY_LONG } from './reliability-doc.js';
import { sleep } from './seeded.js';

const ORDER_COUNT = VERIFY_LONG ? 1_000 : 40;
/** Every third paid order is also partly refunded: refund notifications go through the same outbox. */
const REFUND_EVERY = 3;
const SEED = 20_261_204;
const START_MS = Date.UTC(2026, 0, 5, 9, 0, 0);
const HOUR_MS = 3_600_000;
/**
 * Flaky for the first two attempts (0 s and 15 s ± 20 %), so about a third of
 * the notifications still owe a delivery when the merchant goes down; down
 * for 12 hours, which outlasts eight more attempts.
 */
const FLAKY_MS = 40_000;
const PHASES: MerchantPhases = { flakyUntilMs: START_MS + FLAKY_MS, downUntilMs: START_MS + 12 * HOUR_MS };
const CARDS = ['4242424242424242', '4000000000000002', '5555555555554444'] as const;

describe.each(testDatabases())('flaky merchant: drops, redirects, hours of 500, recovery (%s)', (database, databaseEnv) => {
  let nowMs = START_MS;
  let t: TestGateway;
  let store: OpenedDatabase;
  let merchant: FlakyMerchant;

  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0' }, { background: false, clock: () => nowMs });
    store = await openDatabase(t.config.databaseUrl, { migrate: false });
    merchant = await startFlakyMerchant({ client: t.client, merchantId: t.merchant.merchantId, store, clock: () => nowMs, phases: PHASES, seed: SEED });
  });
  afterAll(async () => {
    await merchant?.close();
    await store?.close();
    await t?.close();
  });

  /**
   * The earliest attempt still due, or undefined when nothing is pending. Only
   * the oldest pending notification of an order is sent (an order's
   * notifications go out in commit order), so only those count.
   */
  async function nextDueMs(): Promise<number | undefined> {
    const row = await t.gateway.database.db
      .selectFrom('notifications as n')
      .select('n.next_attempt_at_ms')
      .where('n.state', '=', 'pending')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('notifications as p')
              .select('p.notification_id')
              .whereRef('p.order_id', '=', 'n.order_id')
              .whereRef('p.order_seq', '<', 'n.order_seq')
              .where('p.state', '=', 'pending'),
          ),
        ),
      )
      .orderBy('n.next_attempt_at_ms')
      .limit(1)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.next_attempt_at_ms);
  }

  it('delivers every notification after the outage, on the documented schedule', { timeout: VERIFY_LONG ? 1_800_000 : 120_000 }, async () => {
    // --- Orders settle while the dispatcher polls: deliveries race the commits. ---
    let creating = true;
    const pump = (async () => {
      while (creating) {
        await t.gateway.dispatcher.runOnce();
        await sleep(2);
      }
    })();
    const workers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = w; i < ORDER_COUNT; i += 4) {
        const requestId = `fm-${i}`;
        const created = await t.client.createIccOrder({ requestId, orderAmount: String(1_000 + i), orderCurrency: 'USD', notifyUrl: merchant.notifyUrl, callbackUrl: merchant.callbackUrl });
        const paid = await t.client.call('sandbox/pay', { requestId, cardNumber: CARDS[i % CARDS.length]! });
        if (paid.status === 'SUCCESS' && i % REFUND_EVERY === 0) await t.client.refund({ requestId: `fm-${i}-r`, orderId: created.paymentOrderId!, amount: '500' });
      }
    });
    await Promise.all(workers);
    creating = false;
    await pump;

    // --- Simulated time: jump to each due attempt and deliver it. ---
    for (let due = await nextDueMs(); due !== undefined; due = await nextDueMs()) {
      nowMs = Math.max(nowMs, due);
      while ((await t.gateway.dispatcher.runOnce()) > 0);
    }

    const rows = await t.gateway.database.db.selectFrom('notifications').select(['notification_id', 'state']).execute();
    const refundCount = Math.floor((ORDER_COUNT + REFUND_EVERY - 1) / REFUND_EVERY);
    expect(rows.length).toBeGreaterThanOrEqual(ORDER_COUNT);
    expect(rows.length).toBeLessThanOrEqual(ORDER_COUNT + refundCount);

    let attemptsTotal = 0;
    let offSchedule: string[] = [];
    let failedAfterRecovery: string[] = [];
    let deliveredBeforeRecovery = 0;
    let deliveredAfterRecovery = 0;
    let redirectsCountedDelivered = 0;
    let latestDeliveryMs = 0;
    for (const row of rows) {
      const attempts = await t.gateway.notifications.attempts(row.notification_id);
      attemptsTotal += attempts.length;
      for (let k = 1; k < attempts.length; k += 1) {
        const gap = attempts[k]!.startedAtMs - attempts[k - 1]!.startedAtMs;
        const base = NOTIFY_RETRY_DELAYS_MS[k]!;
        const [low, high] = [Math.floor(base * (1 - NOTIFY_RETRY_JITTER_RATIO)), Math.ceil(base * (1 + NOTIFY_RETRY_JITTER_RATIO))];
        if (gap < low || gap > high) offSchedule.push(`${row.notification_id} attempt ${k + 1}: ${gap} ms after the previous, schedule says ${low}–${high}`);
      }
      for (const a of attempts) {
        if (a.httpStatus !== null && a.httpStatus >= 300 && a.httpStatus < 400 && a.delivered) redirectsCountedDelivered += 1;
        if (a.startedAtMs >= PHASES.downUntilMs && !a.delivered) failedAfterRecovery.push(`${row.notification_id} attempt ${a.attemptNo}`);
      }
      const last = attempts.at(-1);
      if (last?.delivered) {
        latestDeliveryMs = Math.max(latestDeliveryMs, last.startedAtMs);
        if (last.startedAtMs < PHASES.flakyUntilMs) deliveredBeforeRecovery += 1;
        if (last.startedAtMs >= PHASES.downUntilMs) deliveredAfterRecovery += 1;
      }
    }
    offSchedule = offSchedule.slice(0, 20);
    failedAfterRecovery = failedAfterRecovery.slice(0, 20);
    const delivered = rows.filter((r) => r.state === 'delivered').length;
    const counts = (answer: string) => merchant.arrivals.filter((a) => a.answer === answer).length;

    reportFigure('notify', database, [
      `${rows.length} notifications (${ORDER_COUNT} orders, refunds of every ${REFUND_EVERY}rd paid one), ${attemptsTotal} attempts over ${((latestDeliveryMs - START_MS) / HOUR_MS).toFixed(1)} simulated hours`,
      `merchant: ${counts('dropped')} dropped, ${counts('redirect')} redirected, ${counts('error500')} answered 500 (down for ${((PHASES.downUntilMs - PHASES.flakyUntilMs) / HOUR_MS).toFixed(1)} h), ${counts('success')} acknowledged`,
      `delivered: ${delivered} of ${rows.length} (${((100 * delivered) / rows.length).toFixed(1)} %); ${deliveredBeforeRecovery} while flaky, ${deliveredAfterRecovery} at the first attempt after the outage`,
      `attempts off the documented schedule: ${offSchedule.length}; failures after recovery: ${failedAfterRecovery.length}`,
      `redirects counted as delivered: ${redirectsCountedDelivered}; redirects followed: ${merchant.redirectTargetHits}`,
      `deliveries before their state was committed: ${merchant.uncommitted.length}`,
    ]);

    expect(merchant.rejected).toEqual([]);
    expect(delivered).toBe(rows.length);
    expect(offSchedule).toEqual([]);
    expect(failedAfterRecovery).toEqual([]);
    expect(redirectsCountedDelivered).toBe(0);
    expect(merchant.redirectTargetHits).toBe(0);
    expect(merchant.uncommitted).toEqual([]);
    // The run exercised what it claims to: drops, redirects and the outage all happened.
    expect(counts('dropped')).toBeGreaterThan(0);
    expect(counts('redirect')).toBeGreaterThan(0);
    expect(counts('error500')).toBeGreaterThan(deliveredAfterRecovery);
    expect(deliveredAfterRecovery).toBeGreaterThan(0);
    expect(deliveredBeforeRecovery + deliveredAfterRecovery).toBe(rows.length);
  });
});
