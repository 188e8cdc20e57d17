/**
 * After the crash stream: wait until everything the gateway owes has
 * happened (final states, resolved unknowns, notifications), then compare
 * what was acknowledged, what the store holds, what the sandbox acquirer's
 * own book says and what the merchant heard. Every count here must be 0.
 */
import { SandboxCardChannel } from '../../src/channels/sandbox-card/index.js';
import { readJournal } from '../../src/channels/sandbox-card/journal.js';
import { LedgerRepository } from '../../src/store/ledger-repository.js';
import { OrderRepository } from '../../src/store/order-repository.js';
import { RefundRepository } from '../../src/store/refund-repository.js';
import type { Order } from '../../src/domain/order.js';
import type { Refund } from '../../src/domain/refund.js';
import type { CrashRig } from './crash-rig.js';
import type { StreamResult, TrackedOrder } from './crash-stream.js';
import { sleep } from './seeded.js';

const FINAL: ReadonlySet<string> = new Set(['SUCCESS', 'FAILED', 'CANCEL']);
const SETTLE_POLL_MS = 500;

export interface CrashFigures {
  /** Acknowledged creations, final answers or refunds the store no longer shows as answered. */
  lostAcknowledged: string[];
  /** Orders the acquirer charged more than once. */
  duplicateCharges: string[];
  /** Charges the acquirer made that the gateway neither shows as paid nor gave back. */
  orphanCharges: string[];
  /** Paid orders with no charge at the acquirer. */
  paidWithoutCharge: string[];
  /** Refunds the acquirer made that the gateway does not show as done, refunds shown done it never made, and orders refunded beyond the charge. */
  refundMismatches: string[];
  /** Currencies whose ledger does not sum to zero. */
  ledgerImbalances: string[];
  /** Final states (orders and refunds) the merchant never heard. */
  unnotified: string[];
  ordersChecked: number;
  refundsChecked: number;
  notificationsReceived: number;
}

/** Why an order is not settled yet, or undefined when it is. */
function unsettledReason(o: TrackedOrder, order: Order | undefined, refunds: readonly Refund[], rig: CrashRig): string | undefined {
  if (!order) return undefined; // reported as lost by the checks
  const wanted = o.finalAnswer ?? o.mustResolveTo;
  if (wanted && order.state !== wanted) return `${o.requestId}: ${order.state}, expected ${wanted}`;
  if (order.state === 'PROCESSING' || order.state === 'UNKNOWN') return `${o.requestId}: still ${order.state}`;
  if (o.mustFinish && !FINAL.has(order.state)) return `${o.requestId}: still ${order.state} after a started action`;
  if (order.state === 'CANCEL' && order.declineCode === 'CANCELLED_AWAITING_CHANNEL') return `${o.requestId}: cancel awaiting the channel`;
  if (FINAL.has(order.state) && !rig.merchant.deliveries(`order:${o.requestId}`).some((d) => d.status === order.state)) return `${o.requestId}: ${order.state} not notified yet`;
  for (const r of refunds) {
    if (r.state === 'PROCESSING') return `${r.requestId}: refund still PROCESSING`;
    // The gateway's own reversals of late approvals are recorded, not notified (they are not the merchant's refunds).
    if (r.origin === 'MERCHANT' && !rig.merchant.deliveries(`refund:${r.requestId}`).some((d) => d.status === r.state)) return `${r.requestId}: refund ${r.state} not notified yet`;
  }
  return undefined;
}

/** Polls the store until every order is settled and notified, or `timeoutMs` passes; returns what is still open. */
export async function settle(rig: CrashRig, stream: StreamResult, timeoutMs: number): Promise<string[]> {
  const store = await rig.openStore();
  try {
    const orders = new OrderRepository(store.db);
    const refunds = new RefundRepository(store.db, new LedgerRepository(store.db));
    const open = new Set(stream.orders);
    const deadline = Date.now() + timeoutMs;
    let reasons: string[] = [];
    for (;;) {
      reasons = [];
      for (const o of open) {
        const order = await orders.findByRequest(rig.merchantId, o.requestId);
        const reason = unsettledReason(o, order, order ? await refunds.forOrder(order.orderId) : [], rig);
        if (reason) reasons.push(reason);
        else open.delete(o);
      }
      if (reasons.length === 0 || Date.now() > deadline) return reasons;
      await sleep(SETTLE_POLL_MS);
    }
  } finally {
    await store.close();
  }
}

export async function checkAfterCrashes(rig: CrashRig, stream: StreamResult): Promise<CrashFigures> {
  const figures: CrashFigures = {
    lostAcknowledged: [],
    duplicateCharges: [],
    orphanCharges: [],
    paidWithoutCharge: [],
    refundMismatches: [],
    ledgerImbalances: [],
    unnotified: [],
    ordersChecked: 0,
    refundsChecked: 0,
    notificationsReceived: 0,
  };
  const store = await rig.openStore();
  try {
    const orderRepository = new OrderRepository(store.db);
    const ledger = new LedgerRepository(store.db);
    const refundRepository = new RefundRepository(store.db, ledger);
    // The acquirer's book, read with a clock far ahead: every unknown outcome has resolved by now.
    const acquirer = new SandboxCardChannel({ clock: () => Number.MAX_SAFE_INTEGER, unknownResolveDelayMs: 0 });
    const journal = readJournal(rig.journalFile);
    const chargesByOrder = new Map<string, { reference: string; amountMinor: bigint }[]>();
    for (const entry of journal) {
      if (entry.kind !== 'authorize') continue;
      const now = await acquirer.query(entry.reference);
      if (now.outcome !== 'approved') continue;
      chargesByOrder.set(entry.orderId, [...(chargesByOrder.get(entry.orderId) ?? []), { reference: entry.reference, amountMinor: BigInt(entry.amountMinor) }]);
    }
    const refundsDoneAtAcquirer = new Map<string, bigint>();
    for (const entry of journal) if (entry.kind === 'refund' && entry.outcome === 'succeeded') refundsDoneAtAcquirer.set(entry.refundId, BigInt(entry.amountMinor));

    const refundsShownDone = new Set<string>();
    for (const o of stream.orders) {
      const order = await orderRepository.findByRequest(rig.merchantId, o.requestId);
      if (o.paymentOrderId === undefined) continue; // never acknowledged
      figures.ordersChecked += 1;
      if (!order || order.orderId !== o.paymentOrderId || order.amountMinor !== o.amountMinor || order.currency !== o.currency) {
        figures.lostAcknowledged.push(`${o.requestId}: acknowledged as ${o.paymentOrderId}, store has ${order?.orderId ?? 'nothing'}`);
        continue;
      }
      const wanted = o.finalAnswer ?? o.mustResolveTo;
      if (wanted && order.state !== wanted) figures.lostAcknowledged.push(`${o.requestId}: answered ${wanted}, store has ${order.state}`);
      if (FINAL.has(order.state) && !rig.merchant.deliveries(`order:${o.requestId}`).some((d) => d.status === order.state)) figures.unnotified.push(`order ${o.requestId} ${order.state}`);

      const refunds = await refundRepository.forOrder(order.orderId);
      for (const acked of o.refunds) {
        const stored = refunds.find((r) => r.requestId === acked.requestId);
        figures.refundsChecked += 1;
        if (!stored || stored.refundId !== acked.serialNumber || stored.amountMinor !== acked.amountMinor) {
          figures.lostAcknowledged.push(`refund ${acked.requestId}: acknowledged as ${acked.serialNumber}, store has ${stored?.refundId ?? 'nothing'}`);
        } else if ((acked.status === 'SUCCESS' || acked.status === 'FAILED') && stored.state !== acked.status) {
          figures.lostAcknowledged.push(`refund ${acked.requestId}: answered ${acked.status}, store has ${stored.state}`);
        }
      }
      for (const r of refunds) {
        if (r.origin === 'MERCHANT' && FINAL.has(r.state) && !rig.merchant.deliveries(`refund:${r.requestId}`).some((d) => d.status === r.state)) figures.unnotified.push(`refund ${r.requestId} ${r.state}`);
        if (r.state === 'SUCCESS') refundsShownDone.add(r.refundId);
        if (r.state === 'SUCCESS' && !refundsDoneAtAcquirer.has(r.refundId)) figures.refundMismatches.push(`refund ${r.requestId} SUCCESS without a refund at the acquirer`);
      }

      const charges = chargesByOrder.get(order.orderId) ?? [];
      if (charges.length > 1) figures.duplicateCharges.push(`${o.requestId}: ${charges.length} charges`);
      const charged = charges.reduce((sum, c) => sum + c.amountMinor, 0n);
      if (order.state === 'SUCCESS' && !charges.some((c) => c.reference === order.channelReference)) figures.paidWithoutCharge.push(`${o.requestId} (${order.channelReference})`);
      for (const c of charges) {
        const paidByIt = order.state === 'SUCCESS' && order.channelReference === c.reference;
        const givenBack = refunds.some((r) => r.origin === 'LATE_APPROVAL_REVERSAL' && r.state === 'SUCCESS' && r.amountMinor === c.amountMinor);
        if (!paidByIt && !givenBack) figures.orphanCharges.push(`${o.requestId}: charge ${c.reference} on an order ${order.state}`);
      }
      const refundedAtAcquirer = refunds.reduce((sum, r) => sum + (refundsDoneAtAcquirer.get(r.refundId) ?? 0n), 0n);
      if (refundedAtAcquirer > charged) figures.refundMismatches.push(`${o.requestId}: refunded ${refundedAtAcquirer} of ${charged} charged`);
      if (order.state === 'SUCCESS' && refundedAtAcquirer !== order.refundedMinor) {
        figures.refundMismatches.push(`${o.requestId}: acquirer refunded ${refundedAtAcquirer}, order shows ${order.refundedMinor}`);
      }
    }
    for (const refundId of refundsDoneAtAcquirer.keys()) {
      if (!refundsShownDone.has(refundId)) figures.refundMismatches.push(`refund ${refundId} done at the acquirer, not SUCCESS in the store`);
    }
    for (const [currency, net] of await ledger.imbalanceByCurrency()) if (net !== 0n) figures.ledgerImbalances.push(`${currency}: ${net}`);
    figures.notificationsReceived = stream.orders.reduce(
      (n, o) => n + rig.merchant.deliveries(`order:${o.requestId}`).length + o.refunds.reduce((m, r) => m + rig.merchant.deliveries(`refund:${r.requestId}`).length, 0),
      0,
    );
  } finally {
    await store.close();
  }
  return figures;
}
