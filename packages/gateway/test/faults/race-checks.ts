/**
 * What must hold for one order after any race, whatever the interleaving:
 * at most one final state (and one notification of it), at most one
 * authorisation at the acquirer and every charge either paid or given back,
 * refunds never beyond the charge, the order's refund totals, the ledger and
 * the acquirer's book agreeing with the refund rows.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { SandboxCardChannel } from '../../src/channels/sandbox-card/index.js';
import type { JournalEntry } from '../../src/channels/sandbox-card/journal.js';
import type { Gateway } from '../../src/app.js';
import { OrderRepository } from '../../src/store/order-repository.js';

const FINAL: ReadonlySet<string> = new Set(['SUCCESS', 'FAILED', 'CANCEL']);
const acquirer = new SandboxCardChannel({ clock: () => Number.MAX_SAFE_INTEGER, unknownResolveDelayMs: 0 });

/** The acquirer's book, grouped for the checks and read on from where the last refresh stopped (it only grows). */
export class JournalIndex {
  readonly authorizations = new Map<string, Extract<JournalEntry, { kind: 'authorize' }>[]>();
  readonly refundsDone = new Map<string, bigint>();
  #offset = 0;
  #partial = '';

  constructor(private readonly path: string) {}

  refresh(): this {
    if (!existsSync(this.path)) return this;
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.#offset) return this;
      const chunk = Buffer.alloc(size - this.#offset);
      readSync(fd, chunk, 0, chunk.length, this.#offset);
      this.#offset = size;
      const lines = (this.#partial + chunk.toString('utf8')).split('\n');
      this.#partial = lines.pop() ?? '';
      for (const line of lines) if (line !== '') this.add(JSON.parse(line) as JournalEntry);
    } finally {
      closeSync(fd);
    }
    return this;
  }

  private add(e: JournalEntry): void {
    if (e.kind === 'authorize') this.authorizations.set(e.orderId, [...(this.authorizations.get(e.orderId) ?? []), e]);
    else if (e.outcome === 'succeeded') this.refundsDone.set(e.refundId, BigInt(e.amountMinor));
  }
}

/** Every broken invariant of the order, as readable lines (empty: all hold). */
export async function orderViolations(gateway: Gateway, orderId: string, journal: JournalIndex): Promise<string[]> {
  const problems: string[] = [];
  const order = await gateway.orders.find(orderId);
  if (!order) return [`${orderId}: missing`];
  const tag = `${order.requestId} (${order.state})`;

  const events = await new OrderRepository(gateway.database.db).events(orderId);
  // Refunds and disputes add events that keep the state (SUCCESS → SUCCESS); only changes count.
  const finals = events.filter((e) => FINAL.has(e.to) && e.from !== e.to);
  if (finals.length > 1) problems.push(`${tag}: entered final states ${finals.map((e) => e.to).join(', ')}`);
  const notified = (await gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson) as Record<string, unknown>).filter((p) => p.requestId === order.requestId);
  const expectedNotes = FINAL.has(order.state) ? [order.state] : [];
  if (JSON.stringify(notified.map((p) => p.status)) !== JSON.stringify(expectedNotes)) problems.push(`${tag}: order notifications ${JSON.stringify(notified.map((p) => p.status))}`);

  const authorizations = journal.authorizations.get(orderId) ?? [];
  if (authorizations.length > 1) problems.push(`${tag}: authorised ${authorizations.length} times at the acquirer`);
  const refunds = await gateway.refunds.forOrder(orderId);
  let charged = 0n;
  for (const a of authorizations) {
    if ((await acquirer.query(a.reference)).outcome !== 'approved') continue;
    charged += BigInt(a.amountMinor);
    const paid = order.state === 'SUCCESS' && order.channelReference === a.reference;
    const givenBack = refunds.some((r) => r.origin === 'LATE_APPROVAL_REVERSAL' && r.state === 'SUCCESS');
    if (!paid && !givenBack) problems.push(`${tag}: charge ${a.reference} neither paid nor given back`);
  }
  if (order.state === 'SUCCESS' && charged !== order.amountMinor) problems.push(`${tag}: paid, acquirer charged ${charged}`);

  const notFailed = refunds.filter((r) => r.state !== 'FAILED').reduce((s, r) => s + r.amountMinor, 0n);
  const merchantRefunds = refunds.filter((r) => r.origin !== 'LATE_APPROVAL_REVERSAL');
  const succeeded = merchantRefunds.filter((r) => r.state === 'SUCCESS');
  if (notFailed > charged) problems.push(`${tag}: refunds ${notFailed} beyond the charge ${charged}`);
  if (order.state === 'SUCCESS') {
    if (order.refundReservedMinor !== merchantRefunds.filter((r) => r.state !== 'FAILED').reduce((s, r) => s + r.amountMinor, 0n)) problems.push(`${tag}: reserved ${order.refundReservedMinor} ≠ refunds not failed`);
    if (order.refundedMinor !== succeeded.reduce((s, r) => s + r.amountMinor, 0n)) problems.push(`${tag}: refunded ${order.refundedMinor} ≠ refunds succeeded`);
    if (order.refundCount !== succeeded.length) problems.push(`${tag}: refund count ${order.refundCount} ≠ ${succeeded.length}`);
  }
  const postings = await gateway.ledger.forOrder(orderId);
  const refundPosted = postings.filter((p) => p.journalKind === 'refund' && p.direction === 'D').reduce((s, p) => s + p.amountMinor, 0n);
  const refundSucceeded = refunds.filter((r) => r.state === 'SUCCESS').reduce((s, r) => s + r.amountMinor, 0n);
  if (refundPosted !== refundSucceeded) problems.push(`${tag}: ledger refunds ${refundPosted} ≠ refunds succeeded ${refundSucceeded}`);
  const capturePosted = postings.filter((p) => p.journalKind === 'capture' && p.direction === 'D').reduce((s, p) => s + p.amountMinor, 0n);
  if (capturePosted !== charged) problems.push(`${tag}: ledger captures ${capturePosted} ≠ acquirer charges ${charged}`);
  for (const r of refunds) {
    const atAcquirer = journal.refundsDone.has(r.refundId);
    if ((r.state === 'SUCCESS') !== atAcquirer) problems.push(`${tag}: refund ${r.requestId} ${r.state}, acquirer ${atAcquirer ? 'refunded' : 'did not refund'}`);
  }
  return problems;
}
