import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuthorizeResult, Channel } from '../domain/channel.js';
import type { ChannelRegistry } from '../channels/registry.js';
import { GatewayError } from '../domain/errors.js';
import { captureJournals } from '../domain/ledger.js';
import { REFUND_GUARD_ATTEMPTS_MAX, REFUND_STALE_MS } from '../domain/limits.js';
import type { AmountMinor } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import { refundAmountFor, refundableMinor, type Refund, type RefundOrigin } from '../domain/refund.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { RefundRepository } from '../store/refund-repository.js';
import type { LedgerRepository } from '../store/ledger-repository.js';
import type { Database } from '../store/schema.js';
import type { OutboxEntry } from '../store/outbox-writer.js';
import { checkMerchantUrl } from './merchant-urls.js';

/** Formats the notification of a refund's final state, and names the merchant dialect that delivers it. */
export type RefundNotificationFormatter = (refund: Refund, order: Order) => { payloadJson: string; dialect: string };

export interface RefundServiceDeps {
  orders: OrderRepository;
  refunds: RefundRepository;
  ledger: LedgerRepository;
  /** Every channel, by name: a refund goes to the channel that took the payment. */
  channels: ChannelRegistry;
  clock: () => number;
  formatNotification: RefundNotificationFormatter;
  findMerchant: (merchantId: string) => Promise<Merchant | undefined>;
  /** How old a PROCESSING refund must be before it is sent to the channel again (default REFUND_STALE_MS). */
  refundStaleMs?: number;
}

/** A validated refund request in domain terms, from any dialect. */
export interface NewRefund {
  requestId: string;
  requestDigest: string;
  /** The order's serialNumber. */
  orderId: string;
  /** Null: the whole amount still refundable. */
  amountMinor: AmountMinor | null;
  remark: string | null;
  notifyUrl: string | null;
  /** Who asks: the merchant unless said (the gateway refunds by itself in a few documented cases). */
  origin?: RefundOrigin;
}

export type RefundResult = { kind: 'created' | 'replayed'; refund: Refund };

/** Failure code of a refund the channel refused. */
export const REFUND_REFUSED_BY_CHANNEL = 'CHANNEL_REFUSED';

/**
 * Refunds: reserve the amount on the order (never beyond what is
 * refundable, also under concurrency), send it to the channel, and record
 * the outcome with its ledger journal and notification.
 */
export class RefundService {
  constructor(private readonly deps: RefundServiceDeps) {}

  async request(merchant: Merchant, input: NewRefund): Promise<RefundResult> {
    const earlier = await this.deps.refunds.findByRequest(merchant.merchantId, input.requestId);
    if (earlier) return this.replay(earlier, input);
    if (input.notifyUrl !== null) checkMerchantUrl(merchant, 'notifyUrl', input.notifyUrl);
    const refundId = `rf${randomBytes(15).toString('hex')}`;
    for (let attempt = 1; ; attempt += 1) {
      const order = await this.deps.orders.find(input.orderId);
      // Another merchant's order answers exactly like a missing one: nothing is learned about it.
      if (!order || order.merchantId !== merchant.merchantId) throw new GatewayError('ORDER_NOT_FOUND');
      const amount = refundAmountFor(order, input.amountMinor ?? undefined) as AmountMinor;
      const now = this.deps.clock();
      const refund: Refund = {
        refundId,
        merchantId: merchant.merchantId,
        requestId: input.requestId,
        requestDigest: input.requestDigest,
        orderId: order.orderId,
        amountMinor: amount,
        currency: order.currency,
        state: 'PROCESSING',
        origin: input.origin ?? 'MERCHANT',
        remark: input.remark,
        notifyUrl: input.notifyUrl,
        channelReference: null,
        failureCode: null,
        createdAtMs: now,
        updatedAtMs: now,
        completedAtMs: null,
      };
      const reserved = await this.deps.refunds.reserve(refund, 'SUCCESS');
      if (reserved.kind === 'created') return { kind: 'created', refund: await this.submit(reserved.refund, order) };
      if (reserved.kind === 'exists') {
        // A concurrent request with the same requestId won the insert.
        const winner = await this.deps.refunds.findByRequest(merchant.merchantId, input.requestId);
        if (!winner) throw new Error('refund insert conflicted but no refund exists');
        return this.replay(winner, input);
      }
      // Refused by the guard: another refund or a chargeback took the room since the order was read.
      // Re-read and decide again; the checks above then answer with the precise reason.
      if (attempt >= REFUND_GUARD_ATTEMPTS_MAX) throw new GatewayError('REFUND_AMOUNT_EXCEEDED', { refundable: refundableMinor(order).toString() });
    }
  }

  private replay(existing: Refund, input: NewRefund): RefundResult {
    if (existing.requestDigest !== input.requestDigest) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.requestId });
    return { kind: 'replayed', refund: existing };
  }

  async findByRequest(merchantId: string, requestId: string): Promise<Refund | undefined> {
    return this.deps.refunds.findByRequest(merchantId, requestId);
  }

  async forOrder(orderId: string): Promise<Refund[]> {
    return this.deps.refunds.forOrder(orderId);
  }

  /**
   * Sends a reserved refund to the channel and records what it says. The
   * refund id is the channel's idempotency key, so sending again after a
   * crash or a `pending` answer never refunds twice.
   */
  private async submit(refund: Refund, order: Order): Promise<Refund> {
    const authorization = order.channelReference;
    if (!authorization || !order.channel) throw new Error(`order ${order.orderId} is paid but has no channel reference`);
    const channel = this.deps.channels.get(order.channel);
    let result: Awaited<ReturnType<Channel['refund']>>;
    try {
      result = await channel.refund(authorization, refund.amountMinor, refund.refundId, refund.createdAtMs);
    } catch {
      // No answer: the refund stays PROCESSING and the stale sweep sends it again.
      return refund;
    }
    const sandbox = (await this.deps.findMerchant(order.merchantId))?.sandbox ?? false;
    const now = this.deps.clock();
    if (result.outcome === 'pending') {
      await this.deps.refunds.touch(refund.refundId, result.reference, now);
      return (await this.deps.refunds.find(refund.refundId)) ?? refund;
    }
    const to = result.outcome === 'succeeded' ? 'SUCCESS' : 'FAILED';
    const done = await this.deps.refunds.complete(
      refund.refundId,
      to,
      { channelReference: result.reference, failureCode: to === 'FAILED' ? REFUND_REFUSED_BY_CHANNEL : null },
      now,
      (r, o) => this.notification(r, o, sandbox),
      (orderId, tx) => this.deps.orders.find(orderId, tx),
    );
    return done ?? (await this.deps.refunds.find(refund.refundId)) ?? refund;
  }

  private notification(refund: Refund, order: Order, sandbox: boolean): OutboxEntry | undefined {
    // The gateway's own reversals of late approvals are not the merchant's refunds: recorded, not notified.
    if (refund.origin === 'LATE_APPROVAL_REVERSAL') return undefined;
    return {
      notificationId: randomUUID(),
      url: refund.notifyUrl ?? order.notifyUrl,
      sandbox,
      ...this.deps.formatNotification(refund, order),
    };
  }

  /**
   * Sends again the refunds left PROCESSING: by a crash between the
   * reservation and the channel, or by a channel that answered `pending`.
   */
  async resumeStale(limit: number): Promise<number> {
    let resumed = 0;
    for (const refund of await this.deps.refunds.findStale(this.deps.clock() - (this.deps.refundStaleMs ?? REFUND_STALE_MS), limit)) {
      const order = await this.deps.orders.find(refund.orderId);
      if (!order) continue;
      await this.submit(refund, order);
      resumed += 1;
    }
    return resumed;
  }

  /**
   * The channel approved a payment after the order was cancelled: the money
   * was taken, so it goes back at once. The capture and the reversal are
   * both recorded (ledger, refund row) and the order stays cancelled.
   */
  async reverseLateApproval(order: Order, approval: Extract<AuthorizeResult, { outcome: 'approved' }>): Promise<Refund | undefined> {
    const requestId = `late-approval-${order.orderId}`;
    const existing = await this.deps.refunds.findByRequest(order.merchantId, requestId);
    if (existing) return existing;
    const now = this.deps.clock();
    const refund: Refund = {
      refundId: `rf${randomBytes(15).toString('hex')}`,
      merchantId: order.merchantId,
      requestId,
      requestDigest: '',
      orderId: order.orderId,
      amountMinor: order.amountMinor,
      currency: order.currency,
      state: 'PROCESSING',
      origin: 'LATE_APPROVAL_REVERSAL',
      remark: 'payment approved by the channel after the order was cancelled',
      notifyUrl: null,
      channelReference: null,
      failureCode: null,
      createdAtMs: now,
      updatedAtMs: now,
      completedAtMs: null,
    };
    if (!order.channel) throw new Error(`order ${order.orderId} was approved by a channel it does not name`);
    const channel = order.channel;
    const recordCapture = async (tx: Transaction<Database>) => {
      await tx.updateTable('orders').set({ channel_reference: approval.reference, channel }).where('order_id', '=', order.orderId).execute();
      const ref = { orderId: order.orderId, merchantId: order.merchantId, channel, amountMinor: order.amountMinor, currency: order.currency };
      await this.deps.ledger.post(tx, captureJournals(ref, 0n), now);
    };
    const reserved = await this.deps.refunds.reserve(refund, 'CANCEL', recordCapture);
    if (reserved.kind !== 'created') return this.deps.refunds.findByRequest(order.merchantId, requestId);
    const updated = await this.deps.orders.find(order.orderId);
    return this.submit(reserved.refund, updated ?? { ...order, channelReference: approval.reference, channel });
  }
}
