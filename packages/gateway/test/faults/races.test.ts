/**
 * Races: seeded trials (fast-check, fixed seed) of requests that collide on
 * one order — 2 to 64 refunds at once (24 in the short run), pay against cancel, pay against
 * expiry (the sandbox helper and the expiry sweep), the same requestId sent
 * several times at once (order creation, refund, payment) — each followed by
 * the invariants of race-checks.ts against the store, the ledger and the
 * sandbox acquirer's own book. The calls go straight to the services, so
 * thousands of trials fit in minutes; the API layer adds no locking of its
 * own (order creation goes through the API to cover its replay path).
 *
 * `npm test` runs a few hundred trials; `npm run verify:races` 10,000 and
 * records the figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardInput } from '../../src/domain/channel.js';
import type { AmountMinor } from '../../src/domain/money.js';
import type { Merchant } from '../../src/store/merchant-repository.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { JournalIndex, orderViolations } from './race-checks.js';
import { reportFigure, VERIFY_LONG } from './reliability-doc.js';

/**
 * The short run stays well under a minute on a loaded machine: PostgreSQL
 * serialises a refund burst through row locks over the network, so it gets
 * fewer trials there. OPENCASHIER_RACE_TRIALS overrides either.
 */
const trialsFor = (database: string) => Number(process.env.OPENCASHIER_RACE_TRIALS ?? (VERIFY_LONG ? 10_000 : database === 'postgres' ? 60 : 200));
/** Refund bursts go up to 64 at once; the short run keeps them to 24 to stay short. */
const BURST_MAX = VERIFY_LONG ? 64 : 24;
const SEED = 9_009;
/** How long the sandbox keeps an outcome unknown (and a pending refund pending) in these trials. */
const UNKNOWN_MS = 1_000;
const REFUND_STALE_MS = 30_000;

const CARDS = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  unknownThenApproved: '4000000000000101',
  unknownThenDeclined: '4000000000002016',
  challenge: '4000000000003220',
  refundPending: '4000000000007726',
} as const;
type CardName = keyof typeof CARDS;
const card = (name: CardName): CardInput => ({ holder: 'RACE TEST', pan: CARDS[name], expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' });

type Trial =
  | { kind: 'refunds'; amountMinor: bigint; card: 'approve' | 'refundPending'; sizes: (bigint | null)[] }
  | { kind: 'payCancel'; card: CardName; cancels: number }
  | { kind: 'payExpire'; card: CardName; viaSweep: boolean }
  | { kind: 'duplicates'; what: 'order' | 'refund' | 'pay'; copies: number };

const trialArb: fc.Arbitrary<Trial> = fc.oneof(
  fc.record({
    kind: fc.constant('refunds' as const),
    amountMinor: fc.bigInt({ min: 2n, max: 50_000n }),
    card: fc.constantFrom('approve' as const, 'refundPending' as const),
    // The burst size is drawn uniformly from 2 to BURST_MAX (an array's own size would favour short ones).
    sizes: fc.integer({ min: 2, max: BURST_MAX }).chain((n) => fc.array(fc.option(fc.bigInt({ min: 1n, max: 4_000n }), { freq: 12 }), { minLength: n, maxLength: n })),
  }),
  fc.record({ kind: fc.constant('payCancel' as const), card: fc.constantFrom(...(Object.keys(CARDS) as CardName[])), cancels: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('payExpire' as const), card: fc.constantFrom(...(Object.keys(CARDS) as CardName[])), viaSweep: fc.boolean() }),
  fc.record({ kind: fc.constant('duplicates' as const), what: fc.constantFrom('order' as const, 'refund' as const, 'pay' as const), copies: fc.integer({ min: 2, max: 16 }) }),
);

/** Refusals a losing request may get: each is a documented answer, not a failure. */
const LOSING_CODES = new Set(['ORDER_NOT_PAYABLE', 'ORDER_NOT_CANCELLABLE', 'REFUND_AMOUNT_EXCEEDED', 'ORDER_FULLY_REFUNDED', 'ORDER_NOT_REFUNDABLE']);

describe.each(testDatabases())('races on one order (%s)', (database, databaseEnv) => {
  let nowMs = Date.UTC(2026, 2, 2, 8, 0, 0);
  let t: TestGateway;
  let merchant: Merchant;
  let journalDir: string;
  let journalFile: string;

  beforeAll(async () => {
    journalDir = mkdtempSync(join(tmpdir(), 'opencashier-races-'));
    journalFile = join(journalDir, 'sandbox-acquirer.ndjson');
    t = await startTestGateway(
      { ...databaseEnv, OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0', OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: '0', OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: String(UNKNOWN_MS), OPENCASHIER_SANDBOX_JOURNAL_FILE: journalFile },
      { background: false, clock: () => nowMs },
    );
    merchant = (await t.gateway.merchants.find(t.merchant.merchantId))!;
  });
  afterAll(async () => {
    await t?.close();
    if (journalDir) rmSync(journalDir, { recursive: true, force: true });
  });

  let serial = 0;
  const unexpected: string[] = [];
  /** Runs calls at once; a refusal with a documented losing code is an answer, anything else is recorded. */
  async function together<T>(calls: (() => Promise<T>)[]): Promise<(T | undefined)[]> {
    const settled = await Promise.allSettled(calls.map((c) => c()));
    return settled.map((s) => {
      if (s.status === 'fulfilled') return s.value;
      const code = (s.reason as { code?: string }).code;
      if (!code || !LOSING_CODES.has(code)) unexpected.push(String((s.reason as Error)?.stack ?? s.reason));
      return undefined;
    });
  }

  async function newOrder(amountMinor: bigint): Promise<{ orderId: string; requestId: string }> {
    const requestId = `race-${database}-${serial++}`;
    const created = await t.client.createIccOrder({ requestId, orderAmount: amountMinor.toString(), orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    return { orderId: created.paymentOrderId!, requestId };
  }

  /** Lets every outcome the trial left open arrive: unknown outcomes, cancels awaiting the channel, pending refunds. */
  async function settle(): Promise<void> {
    nowMs += Math.max(UNKNOWN_MS, REFUND_STALE_MS) + 1;
    await t.gateway.orders.resolveUnknown(1_000);
    await t.gateway.orders.settleCancelledInFlight(1_000);
    await t.gateway.refunds.resumeStale(1_000);
  }

  const refundInput = (orderId: string, requestId: string, amountMinor: bigint | null) => ({
    requestId,
    requestDigest: `digest-${requestId}-${amountMinor}`,
    orderId,
    amountMinor: amountMinor as AmountMinor | null,
    remark: null,
    notifyUrl: null,
  });

  async function runTrial(trial: Trial): Promise<{ orderId: string; problems: string[] }> {
    const problems: string[] = [];
    switch (trial.kind) {
      case 'refunds': {
        const { orderId } = await newOrder(trial.amountMinor);
        await t.gateway.orders.pay(orderId, card(trial.card));
        const answers = await together(trial.sizes.map((size, i) => () => t.gateway.refunds.request(merchant, refundInput(orderId, `${orderId}-rf${i}`, size))));
        const accepted = answers.reduce((sum, a) => sum + (a && a.refund.state !== 'FAILED' ? a.refund.amountMinor : 0n), 0n);
        if (accepted > trial.amountMinor) problems.push(`accepted ${accepted} of ${trial.amountMinor}`);
        await settle();
        return { orderId, problems };
      }
      case 'payCancel': {
        const { orderId, requestId } = await newOrder(1_000n);
        const [paid, ...cancels] = await together<unknown>([() => t.gateway.orders.pay(orderId, card(trial.card)), ...Array.from({ length: trial.cancels }, () => () => t.gateway.orders.cancel(merchant.merchantId, requestId))]);
        await settle();
        const final = (await t.gateway.orders.find(orderId))!;
        if (cancels.some((c) => (c as { state?: string } | undefined)?.state === 'CANCEL') && final.state !== 'CANCEL') problems.push(`a cancel was answered CANCEL, the order ended ${final.state}`);
        if ((paid as { state?: string } | undefined)?.state === 'SUCCESS' && final.state !== 'SUCCESS') problems.push(`the payment was answered SUCCESS, the order ended ${final.state}`);
        return { orderId, problems };
      }
      case 'payExpire': {
        const { orderId } = await newOrder(1_000n);
        const order = (await t.gateway.orders.find(orderId))!;
        if (trial.viaSweep) nowMs = order.expiresAtMs - 1;
        const [paid, expired] = await together<unknown>([
          () => t.gateway.orders.pay(orderId, card(trial.card)),
          async () => {
            if (!trial.viaSweep) return t.gateway.orders.expireNow(orderId);
            nowMs = order.expiresAtMs;
            return t.gateway.orders.expireDue(1_000);
          },
        ]);
        await settle();
        const final = (await t.gateway.orders.find(orderId))!;
        // The sandbox helper answers the order as it is: CANCEL when the expiry won, the payment's state when it lost.
        if (!trial.viaSweep && (expired as { state?: string } | undefined)?.state === 'CANCEL' && final.state !== 'CANCEL') problems.push(`expiry was answered CANCEL, the order ended ${final.state}`);
        if ((paid as { state?: string } | undefined)?.state === 'SUCCESS' && final.state !== 'SUCCESS') problems.push(`the payment was answered SUCCESS, the order ended ${final.state}`);
        return { orderId, problems };
      }
      case 'duplicates': {
        if (trial.what === 'order') {
          const requestId = `race-${database}-${serial++}`;
          const request = { requestId, orderAmount: '4321', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' };
          const answers = await together(Array.from({ length: trial.copies }, () => () => t.client.createIccOrder(request)));
          const ids = new Set(answers.map((a) => a?.paymentOrderId));
          if (ids.size !== 1 || ids.has(undefined)) problems.push(`${trial.copies} creations answered ${JSON.stringify([...ids])}`);
          const orderId = answers[0]!.paymentOrderId!;
          const stored = await t.gateway.database.db.selectFrom('orders').select('order_id').where('merchant_id', '=', merchant.merchantId).where('request_id', '=', requestId).execute();
          if (stored.length !== 1) problems.push(`${stored.length} orders stored for one requestId`);
          return { orderId, problems };
        }
        const { orderId } = await newOrder(10_000n);
        if (trial.what === 'pay') {
          const answers = await together(Array.from({ length: trial.copies }, () => () => t.gateway.orders.pay(orderId, card('approve'))));
          if (answers.filter((a) => a !== undefined).length !== 1) problems.push(`${answers.filter((a) => a !== undefined).length} of ${trial.copies} payments went through`);
        } else {
          await t.gateway.orders.pay(orderId, card('approve'));
          const answers = await together(Array.from({ length: trial.copies }, () => () => t.gateway.refunds.request(merchant, refundInput(orderId, `${orderId}-dup`, 2_500n))));
          const ids = new Set(answers.map((a) => a?.refund.refundId));
          if (ids.size !== 1 || ids.has(undefined)) problems.push(`${trial.copies} identical refunds answered ${JSON.stringify([...ids])}`);
          if ((await t.gateway.refunds.forOrder(orderId)).length !== 1) problems.push('more than one refund stored for one requestId');
        }
        await settle();
        return { orderId, problems };
      }
    }
  }

  const TRIALS = trialsFor(database);
  it(`invariants hold in ${TRIALS} seeded trials`, { timeout: VERIFY_LONG || process.env.OPENCASHIER_RACE_TRIALS ? 6 * 3_600_000 : 150_000 }, async () => {
    const started = Date.now();
    const journal = new JournalIndex(journalFile);
    const byKind = new Map<string, number>();
    const msByKind = new Map<string, number>();
    const violations: string[] = [];
    let largestRefundBurst = 0;
    await fc.assert(
      fc.asyncProperty(trialArb, async (trial) => {
        byKind.set(trial.kind, (byKind.get(trial.kind) ?? 0) + 1);
        if (trial.kind === 'refunds') largestRefundBurst = Math.max(largestRefundBurst, trial.sizes.length);
        let ran: { orderId: string; problems: string[] };
        const trialStarted = Date.now();
        try {
          ran = await runTrial(trial);
          msByKind.set(trial.kind, (msByKind.get(trial.kind) ?? 0) + Date.now() - trialStarted);
        } catch (error) {
          unexpected.push(`${JSON.stringify(trial, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}: ${(error as Error)?.stack ?? String(error)}`);
          return false;
        }
        const { orderId, problems } = ran;
        const found = [...problems, ...(await orderViolations(t.gateway, orderId, journal.refresh()))];
        violations.push(...found.map((p) => `${JSON.stringify(trial, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}: ${p}`));
        return found.length === 0;
      }),
      { seed: SEED, numRuns: TRIALS, endOnFailure: true },
    ).catch((error: unknown) => {
      // A trial that broke an invariant is in the violations list below, with its inputs; anything else is an error of its own.
      if (violations.length === 0) unexpected.push(String(error));
    });
    const imbalanced = [...(await t.gateway.ledger.imbalanceByCurrency())].filter(([, net]) => net !== 0n);
    const seconds = Math.round((Date.now() - started) / 1000);
    reportFigure('races', database, [
      `${[...byKind.values()].reduce((a, b) => a + b, 0)} seeded trials (fast-check seed ${SEED}), ${seconds} s: ${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}; largest refund burst ${largestRefundBurst} at once`,
      `time per trial: ${[...byKind].map(([k, n]) => `${k} ${Math.round((msByKind.get(k) ?? 0) / n)} ms`).join(', ')}`,
      `invariant violations: ${violations.length}; unexpected errors: ${unexpected.length}; ledger currencies out of balance: ${imbalanced.length}`,
    ]);
    expect(violations).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(imbalanced).toEqual([]);
    expect([...byKind.values()].reduce((a, b) => a + b, 0)).toBe(TRIALS);
  });
});
