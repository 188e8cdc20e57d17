/**
 * The crash suite's workload: workers create orders, pay them with a mix of
 * sandbox cards, refund paid ones in parts, cancel or expire some and query
 * some, while a chaos loop SIGKILLs the gateway at seeded moments and starts
 * it again on the same data. Every call is retried until answered (the same
 * requestId: replays are idempotent), and every answer is remembered as
 * something the gateway acknowledged and must keep.
 */
import { BusinessError, ConnectionError, HttpError } from '@opencashier/sdk';
import type { CrashRig } from './crash-rig.js';
import { between, pick, seededRandom, sleep } from './seeded.js';

/** How long a call keeps being retried while the gateway is down (a restart takes about a second). */
const RETRY_WINDOW_MS_MAX = 60_000;
const RETRY_PAUSE_MS = 50;
/** The kill lands this long (at most) after its operation count is reached: mid-request as often as between them. */
const KILL_JITTER_MS_MAX = 25;

export const PAY_CARDS = {
  approve: '4242424242424242',
  approveMc: '5555555555554444',
  decline: '4000000000000002',
  unknownThenApproved: '4000000000000101',
  unknownThenDeclined: '4000000000002016',
  refundPending: '4000000000007726',
} as const;
type CardName = keyof typeof PAY_CARDS;
const CARD_MIX: readonly CardName[] = ['approve', 'approve', 'approveMc', 'refundPending', 'decline', 'unknownThenApproved', 'unknownThenDeclined'];
const CURRENCIES = ['USD', 'EUR', 'JPY', 'CNY', 'GBP'] as const;

type FinalStatus = 'SUCCESS' | 'FAILED' | 'CANCEL';
const FINAL: ReadonlySet<string> = new Set(['SUCCESS', 'FAILED', 'CANCEL']);

type Action = { kind: 'pay'; card: CardName } | { kind: 'cancel' } | { kind: 'expire' } | { kind: 'none' };

export interface TrackedRefund {
  requestId: string;
  amountMinor: bigint;
  /** The gateway's answer: its serial number and status. */
  serialNumber: string;
  status: string;
}

export interface TrackedOrder {
  requestId: string;
  amountMinor: bigint;
  currency: string;
  action: Action;
  paymentOrderId?: string;
  /** A final status the gateway answered for the order. */
  finalAnswer?: FinalStatus;
  /** The payment was answered as pending (unknown outcome): it must end so. */
  mustResolveTo?: FinalStatus;
  /** The gateway refused to repeat an action that got no answer: it started it, so the order must finish. */
  mustFinish?: boolean;
  refunds: TrackedRefund[];
}

export interface StreamResult {
  orders: TrackedOrder[];
  acknowledgedOperations: number;
  kills: number;
  /** Calls that died with the gateway and were sent again. */
  interruptedCalls: number;
  /** How long each restart took, kill to ready. */
  restartMs: number[];
}

function isNoAnswer(error: unknown): boolean {
  return error instanceof ConnectionError || (error instanceof HttpError && error.status === 503);
}

export async function runCrashStream(rig: CrashRig, plan: { seed: number; operations: number; kills: number; workers: number }): Promise<StreamResult> {
  // The kill points come from one generator, each order's plan from its own: workers interleave by timing, plans do not.
  const random = seededRandom(plan.seed);
  const { client } = rig;
  const orders: TrackedOrder[] = [];
  let acknowledged = 0;
  let interruptedCalls = 0;
  let kills = 0;
  let killsDone = false;
  const restartMs: number[] = [];
  const runTag = plan.seed.toString(36);

  /** Sends until the gateway answers; `onLostAnswer` runs when an attempt died with the gateway. */
  const answered = async <T>(call: () => Promise<T>, onLostAnswer?: () => void): Promise<T> => {
    const deadline = Date.now() + RETRY_WINDOW_MS_MAX;
    let cut = false;
    for (;;) {
      try {
        const answer = await call();
        acknowledged += 1;
        return answer;
      } catch (error) {
        if (error instanceof BusinessError) acknowledged += 1;
        if (!isNoAnswer(error) || Date.now() > deadline) throw error;
        if (!cut) interruptedCalls += 1;
        cut = true;
        onLostAnswer?.();
        await sleep(RETRY_PAUSE_MS);
      }
    }
  };

  /** Pays, cancels or expires; a repeat refused as ORDER_NOT_PAYABLE after a lost answer means the first one got through. */
  const act = async (o: TrackedOrder): Promise<void> => {
    const { action } = o;
    if (action.kind === 'none') return;
    let lost = false;
    let answer: Record<string, unknown>;
    try {
      answer = await answered(
        () =>
          action.kind === 'pay'
            ? client.call('sandbox/pay', { requestId: o.requestId, cardNumber: PAY_CARDS[action.card] })
            : action.kind === 'expire'
              ? client.call('sandbox/expire', { requestId: o.requestId })
              : (client.cancelOrder({ requestId: o.requestId }) as unknown as Promise<Record<string, unknown>>),
        () => (lost = true),
      );
    } catch (error) {
      if (lost && error instanceof BusinessError && error.code === 'ORDER_NOT_PAYABLE') {
        o.mustFinish = true;
        return;
      }
      throw error;
    }
    const status = String(answer.status);
    if (FINAL.has(status)) o.finalAnswer = status as FinalStatus;
    else if (action.kind === 'pay' && (action.card === 'unknownThenApproved' || action.card === 'unknownThenDeclined')) {
      o.mustResolveTo = action.card === 'unknownThenApproved' ? 'SUCCESS' : 'FAILED';
    } else throw new Error(`unexpected answer ${JSON.stringify(answer)} to ${action.kind} of ${o.requestId}`);
  };

  /** One to three partial refunds of a paid order, one after another, never beyond what was paid. */
  const refundSome = async (o: TrackedOrder, random: () => number): Promise<void> => {
    let remaining = o.amountMinor;
    const count = between(random, 0, 3);
    for (let i = 0; i < count && remaining > 0n; i += 1) {
      const amountMinor = remaining === 1n ? 1n : 1n + BigInt(Math.floor(random() * Number(remaining / 2n)));
      const requestId = `${o.requestId}-r${i}`;
      const answer = await answered(() => client.refund({ requestId, orderId: o.paymentOrderId!, amount: amountMinor.toString() }));
      o.refunds.push({ requestId, amountMinor, serialNumber: answer.serialNumber, status: String(answer.status) });
      if (answer.status !== 'FAILED') remaining -= amountMinor;
    }
  };

  const worker = async () => {
    while (!(killsDone && acknowledged >= plan.operations)) {
      const n = orders.length;
      const random = seededRandom((plan.seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0);
      const roll = random();
      const action: Action =
        roll < 0.8 ? { kind: 'pay', card: pick(random, CARD_MIX) } : roll < 0.88 ? { kind: 'cancel' } : roll < 0.94 ? { kind: 'expire' } : { kind: 'none' };
      const o: TrackedOrder = {
        requestId: `cr-${runTag}-${n}`,
        amountMinor: BigInt(between(random, 1, 5_000_000)),
        currency: pick(random, CURRENCIES),
        action,
        refunds: [],
      };
      orders.push(o);
      const created = await answered(() =>
        client.createIccOrder({
          requestId: o.requestId,
          orderAmount: o.amountMinor.toString(),
          orderCurrency: o.currency,
          notifyUrl: rig.merchant.notifyUrl,
          callbackUrl: rig.merchant.callbackUrl,
          productDetails: [{ name: `Item ${n}`, quantity: '1', amount: o.amountMinor.toString() }],
        }),
      );
      if (created.status !== 'SUCCESS' || !created.paymentOrderId) throw new Error(`creation of ${o.requestId} answered ${JSON.stringify(created)}`);
      o.paymentOrderId = created.paymentOrderId;
      await act(o);
      if (random() < 0.3) await answered(() => client.queryIccOrder({ requestId: o.requestId }));
      if (o.finalAnswer === 'SUCCESS') await refundSome(o, random);
    }
  };

  const chaos = async () => {
    const spacing = plan.operations / (plan.kills + 1);
    for (let k = 1; k <= plan.kills; k += 1) {
      const target = Math.floor(spacing * k + (random() - 0.5) * spacing * 0.8);
      while (acknowledged < target) await sleep(2);
      await sleep(between(random, 0, KILL_JITTER_MS_MAX));
      await rig.gateway.kill();
      kills += 1;
      const downAtMs = Date.now();
      await rig.gateway.start();
      restartMs.push(Date.now() - downAtMs);
    }
    killsDone = true;
  };

  await Promise.all([chaos(), ...Array.from({ length: plan.workers }, worker)]);
  return { orders, acknowledgedOperations: acknowledged, kills, interruptedCalls, restartMs };
}
