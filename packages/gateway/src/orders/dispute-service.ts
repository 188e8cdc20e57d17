import { randomBytes, randomUUID } from 'node:crypto';
import {
  DAY_MS,
  DEFAULT_REASON_CODE,
  isDisputeClosed,
  planDecision,
  planEscalation,
  planEvidence,
  planExpiry,
  planOpen,
  nextStage,
  type Dispute,
  type DisputeActor,
  type DisputeChange,
  type DisputeEvent,
  type DisputeOutcome,
  type DisputeStage,
} from '../domain/dispute.js';
import type { ScheduledDisputes } from '../domain/channel-module.js';
import type { DisputeEvidence, EvidenceDetails } from '../domain/dispute-evidence.js';
import { checkAttachments, type AttachmentInput } from '../domain/attachment.js';
import { GatewayError } from '../domain/errors.js';
import { TEXT_LENGTH_MAX } from '../domain/limits.js';
import type { AmountMinor } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import { refundableMinor } from '../domain/refund.js';
import type { AttachmentStore } from '../store/attachment-store.js';
import type { DisputeFilter, DisputeRepository, DisputeWriteResult } from '../store/dispute-repository.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { OutboxEntry } from '../store/outbox-writer.js';
import { checkMerchantUrl } from './merchant-urls.js';
import { checkReasonCode, checkText, notDisputable, responseDays } from './dispute-input.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** What the merchant is told about a case, formatted by its protocol dialect. */
export type DisputeNotificationFormatter = (dispute: Dispute, order: Order, event: DisputeEvent) => string;

export interface DisputeServiceDeps {
  orders: OrderRepository;
  disputes: DisputeRepository;
  attachments: AttachmentStore;
  clock: () => number;
  findMerchant: (merchantId: string) => Promise<Merchant | undefined>;
  formatNotification: DisputeNotificationFormatter;
  /** The sandbox channels that open cases by themselves after a payment (the magic cards), by channel name. */
  scheduledDisputes: readonly { channel: string; disputes: ScheduledDisputes }[];
  /** How long after the payment the sandbox opens those cases. */
  sandboxDisputeDelayMs: number;
  /** Risk control learns of every chargeback (its lists may block the card, e-mail, address). */
  onChargeback?: (order: Order) => Promise<unknown>;
}

/** A case an acquirer reports, in domain terms, from the channel, an operator or the sandbox. */
export interface OpenDispute {
  /** The order's serialNumber. */
  orderId: string;
  stage: DisputeStage;
  reasonCode?: string;
  reasonText?: string;
  /** The disputed part; the whole order when not given. */
  amountMinor?: AmountMinor;
  /** Days the merchant has to answer; the stage's default when not given. */
  respondByDays?: number;
  acquirerReference?: string;
  note?: string;
}

export interface EscalateDispute {
  /** The next stage; the only one possible when not given. */
  stage?: DisputeStage;
  reasonCode?: string;
  reasonText?: string;
  /** A new disputed amount; only while the case holds no money (a retrieval request becoming a chargeback). */
  amountMinor?: AmountMinor;
  respondByDays?: number;
  note?: string;
}

/** A merchant's answer: evidence for a retrieval request or a chargeback. */
export interface EvidenceSubmission {
  /** The case id, or the order's serialNumber (then its latest case). */
  disputeId?: string;
  orderId?: string;
  /** The merchant's number for this answer: sent again with the same content, it answers the same. */
  requestId: string | null;
  requestDigest: string;
  details: EvidenceDetails;
  attachments: AttachmentInput[];
}

export type EvidenceResult = { kind: 'submitted' | 'replayed'; dispute: Dispute; evidence: DisputeEvidence };

/** How many times a change re-reads a case another writer changed first. */
const CHANGE_ATTEMPTS_MAX = 3;

/**
 * Chargebacks and retrieval requests: opening, escalating and deciding
 * cases, the merchant's evidence, and the deadline. Each change commits
 * with its money movement, ledger journal, history row and notification.
 */
export class DisputeService {
  constructor(private readonly deps: DisputeServiceDeps) {}

  async open(input: OpenDispute, actor: DisputeActor): Promise<Dispute> {
    const order = await this.deps.orders.find(input.orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    if (input.acquirerReference !== undefined) {
      checkText('acquirerReference', input.acquirerReference, 64);
      const known = await this.deps.disputes.findByAcquirerReference(order.merchantId, input.acquirerReference);
      if (known) return this.sameCase(known, input);
    }
    if (order.state !== 'SUCCESS') throw new GatewayError('ORDER_NOT_DISPUTABLE', { reason: `the order is ${order.state}, not paid` });
    if (input.stage === 'PRE_ARBITRATION') throw new GatewayError('DISPUTE_TRANSITION_INVALID', { from: 'none', to: 'PRE_ARBITRATION/OPEN' });
    const existing = await this.deps.disputes.forOrder(order.orderId);
    if (existing.some((d) => d.stage === input.stage && !isDisputeClosed(d.status))) {
      throw new GatewayError('ORDER_NOT_DISPUTABLE', { reason: `a ${input.stage.toLowerCase()} case is already open on it; escalate or decide that one` });
    }
    const reasonCode = checkReasonCode(input.reasonCode) ?? DEFAULT_REASON_CODE[input.stage];
    const amount = input.amountMinor ?? order.amountMinor;
    if (amount <= 0n || amount > order.amountMinor) throw new GatewayError('FIELD_INVALID', { field: 'amount', reason: `1 to ${order.amountMinor} minor units` });
    const now = this.deps.clock();
    const change = planOpen(input.stage);
    const dispute: Dispute = {
      disputeId: `dp${randomBytes(15).toString('hex')}`,
      orderId: order.orderId,
      merchantId: order.merchantId,
      stage: input.stage,
      status: 'OPEN',
      reasonCode,
      reasonText: input.reasonText === undefined ? null : checkText('reasonText', input.reasonText, TEXT_LENGTH_MAX),
      amountMinor: amount as AmountMinor,
      currency: order.currency,
      heldMinor: 0n,
      acquirerReference: input.acquirerReference ?? null,
      openedAtMs: now,
      respondByMs: now + responseDays(input.stage, input.respondByDays) * DAY_MS,
      evidenceSubmittedAtMs: null,
      closedAtMs: null,
      updatedAtMs: now,
      version: 1,
    };
    const event = this.event(dispute.disputeId, actor, null, change, now, input.note);
    const result = await this.deps.disputes.open(dispute, change, event, await this.notifier(order.merchantId, event));
    if (result.kind === 'done') {
      if (input.stage === 'CHARGEBACK') await this.deps.onChargeback?.(order);
      return result.dispute;
    }
    if (result.kind === 'refused') throw notDisputable();
    // The acquirer reference was taken by a concurrent open of the same case.
    const winner = input.acquirerReference === undefined ? undefined : await this.deps.disputes.findByAcquirerReference(order.merchantId, input.acquirerReference);
    if (!winner) throw new Error('dispute insert conflicted but no dispute exists');
    return this.sameCase(winner, input);
  }

  /** The acquirer reported a case it reported before: the same case, unless it now says something else. */
  private sameCase(known: Dispute, input: OpenDispute): Dispute {
    if (known.orderId !== input.orderId || (input.amountMinor !== undefined && input.amountMinor !== known.amountMinor)) {
      throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.acquirerReference ?? known.disputeId });
    }
    return known;
  }

  /** The issuer goes on: a retrieval request becomes a chargeback, a defended chargeback a pre-arbitration. The case reopens. */
  async escalate(disputeId: string, input: EscalateDispute, actor: DisputeActor): Promise<Dispute> {
    const reasonCode = checkReasonCode(input.reasonCode);
    const reasonText = input.reasonText === undefined ? undefined : checkText('reasonText', input.reasonText, TEXT_LENGTH_MAX);
    const escalated = await this.retrying(disputeId, async (current) => {
      const to = input.stage ?? nextStage(current) ?? 'PRE_ARBITRATION';
      const change = planEscalation(current, to);
      if (input.amountMinor !== undefined && input.amountMinor !== current.amountMinor) {
        if (current.heldMinor > 0n) throw new GatewayError('DISPUTE_TRANSITION_INVALID', { from: `${current.stage}/${current.status}`, to: `${to} with another amount while money is held` });
        const order = await this.deps.orders.find(current.orderId);
        if (!order || input.amountMinor <= 0n || input.amountMinor > order.amountMinor) throw new GatewayError('FIELD_INVALID', { field: 'amount', reason: `1 to ${order?.amountMinor ?? 0n} minor units` });
      }
      const now = this.deps.clock();
      const event = this.event(disputeId, actor, current, change, now, input.note);
      return this.deps.disputes.change(
        current,
        change,
        {
          ...(input.amountMinor !== undefined ? { amountMinor: input.amountMinor } : {}),
          ...(reasonCode !== undefined ? { reasonCode } : {}),
          ...(reasonText !== undefined ? { reasonText } : {}),
          respondByMs: now + responseDays(to, input.respondByDays) * DAY_MS,
          evidenceSubmittedAtMs: null,
          closedAtMs: null,
        },
        event,
        await this.notifier(current.merchantId, event),
      );
    });
    // A retrieval request that became a chargeback is a chargeback for risk control too.
    if (escalated.stage === 'CHARGEBACK' && this.deps.onChargeback) {
      const order = await this.deps.orders.find(escalated.orderId);
      if (order) await this.deps.onChargeback(order);
    }
    return escalated;
  }

  /** The acquirer's outcome: WON or REVERSED give the held money back, LOST or ACCEPTED leave it taken. */
  async decide(disputeId: string, outcome: DisputeOutcome, actor: DisputeActor, note?: string): Promise<Dispute> {
    return this.retrying(disputeId, async (current) => {
      const change = planDecision(current, outcome);
      const now = this.deps.clock();
      const event = this.event(disputeId, actor, current, change, now, note);
      return this.deps.disputes.change(current, change, { closedAtMs: now }, event, await this.notifier(current.merchantId, event));
    });
  }

  /**
   * The merchant's answer (retrieval backfill, or evidence against a
   * chargeback): accepted only while the case is OPEN and before its
   * deadline, once per stage. The attachments are stored as files first;
   * the answer's rows and the case's change commit together.
   */
  async submitEvidence(merchant: Merchant, input: EvidenceSubmission): Promise<EvidenceResult> {
    const target = await this.caseFor(merchant, input);
    if (input.requestId !== null) {
      const earlier = await this.deps.disputes.evidenceByRequest(target.disputeId, input.requestId);
      if (earlier) return this.replayEvidence(target.disputeId, earlier, input);
    }
    const checked = checkAttachments(input.attachments);
    return this.retrying(target.disputeId, async (current) => {
      const change = planEvidence(current);
      const now = this.deps.clock();
      if (now >= current.respondByMs) throw new GatewayError('DISPUTE_DEADLINE_PASSED');
      const evidence: DisputeEvidence = {
        evidenceId: `ev${randomBytes(15).toString('hex')}`,
        disputeId: current.disputeId,
        stage: current.stage,
        requestId: input.requestId,
        requestDigest: input.requestDigest,
        details: input.details,
        attachments: checked.map((a) => {
          const stored = this.deps.attachments.put(a.content);
          return { name: a.name, contentType: a.contentType, sizeBytes: stored.sizeBytes, sha256: stored.sha256, storagePath: stored.storagePath };
        }),
        submittedAtMs: now,
      };
      const actor: DisputeActor = { kind: 'MERCHANT', name: merchant.merchantId };
      const event = this.event(current.disputeId, actor, current, change, now, input.requestId === null ? null : `answer ${input.requestId}`);
      // The merchant sent the answer and knows it was taken: the answer to this request says so, no notification.
      const result = await this.deps.disputes.change(current, change, { evidenceSubmittedAtMs: now }, event, () => undefined, (tx) => this.deps.disputes.insertEvidence(tx, evidence));
      if (result.kind !== 'done') return result;
      return { kind: 'done', dispute: result.dispute, value: { kind: 'submitted', dispute: result.dispute, evidence } as EvidenceResult };
    }).catch(async (error: unknown) => {
      // Two sends of the same answer at once: the one that lost finds the winner's.
      if (input.requestId !== null && error instanceof GatewayError && error.code === 'DISPUTE_ALREADY_ANSWERED') {
        const winner = await this.deps.disputes.evidenceByRequest(target.disputeId, input.requestId);
        if (winner) return this.replayEvidence(target.disputeId, winner, input);
      }
      throw error;
    });
  }

  private async replayEvidence(disputeId: string, earlier: DisputeEvidence, input: EvidenceSubmission): Promise<EvidenceResult> {
    if (earlier.requestDigest !== input.requestDigest) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.requestId ?? '' });
    const dispute = await this.deps.disputes.find(disputeId);
    if (!dispute) throw new Error(`dispute ${disputeId} vanished`);
    return { kind: 'replayed', dispute, evidence: earlier };
  }

  /** The case a merchant's answer is for: by id, or the latest case of the order. Another merchant's case is not found. */
  private async caseFor(merchant: Merchant, input: Pick<EvidenceSubmission, 'disputeId' | 'orderId'>): Promise<Dispute> {
    let found: Dispute | undefined;
    if (input.disputeId !== undefined) found = await this.deps.disputes.find(input.disputeId);
    else if (input.orderId !== undefined) found = (await this.deps.disputes.forOrder(input.orderId)).at(-1);
    if (!found || found.merchantId !== merchant.merchantId) throw new GatewayError('DISPUTE_NOT_FOUND');
    return found;
  }

  /** A merchant's view of one of its cases, by id or by the order's serialNumber (its latest case). */
  async findForMerchant(merchant: Merchant, ref: { disputeId?: string; orderId?: string }): Promise<Dispute> {
    return this.caseFor(merchant, ref);
  }

  /** Expires OPEN cases past their deadline: the merchant did not answer, so a chargeback's money stays taken. */
  async expireOverdue(limit: number): Promise<number> {
    let expired = 0;
    for (const overdue of await this.deps.disputes.findOverdue(this.deps.clock(), limit)) {
      const result = await this.tryChange(overdue, async (current) => {
        if (current.status !== 'OPEN' || current.respondByMs > this.deps.clock()) return undefined;
        const change = planExpiry(current);
        const now = this.deps.clock();
        const event = this.event(current.disputeId, { kind: 'SYSTEM' }, current, change, now, 'no answer by the deadline');
        return this.deps.disputes.change(current, change, { closedAtMs: now }, event, await this.notifier(current.merchantId, event));
      });
      if (result) expired += 1;
    }
    return expired;
  }

  /**
   * Opens the cases the sandbox's chargeback and retrieval magic cards ask
   * for, `sandboxDisputeDelayMs` after the payment; an order with any case
   * already is left alone, so running this again (or in two processes)
   * opens each case once.
   */
  async openDueSandboxDisputes(limit: number): Promise<number> {
    let opened = 0;
    for (const { channel, disputes } of this.deps.scheduledDisputes) opened += await this.openScheduled(channel, disputes, limit);
    return opened;
  }

  private async openScheduled(channel: string, scheduled: ScheduledDisputes, limit: number): Promise<number> {
    let opened = 0;
    for (const candidate of await this.deps.disputes.findSandboxDisputeCandidates(this.deps.clock() - this.deps.sandboxDisputeDelayMs, limit, channel, scheduled.referencePrefixes)) {
      // One case per turn of the event loop: requests are served between them.
      await yieldToEventLoop();
      const stage = scheduled.stageOf(candidate.channelReference);
      const order = stage ? await this.deps.orders.find(candidate.orderId) : undefined;
      if (!stage || !order) continue;
      // A chargeback takes back what the refunds left; a retrieval request asks about the whole order.
      const amountMinor = (stage === 'RETRIEVAL' ? order.amountMinor : refundableMinor(order)) as AmountMinor;
      try {
        // The acquirer reference makes a concurrent second opening answer the first case instead of opening another.
        await this.open({ orderId: order.orderId, stage, amountMinor, acquirerReference: `sandbox-${order.orderId.slice(0, 32)}`, note: 'opened by the sandbox acquirer (magic card)' }, { kind: 'CHANNEL', name: channel });
        opened += 1;
      } catch (error) {
        // A refund took the room between the read and the hold: the next pass sees what is left.
        if (error instanceof GatewayError && error.code === 'ORDER_NOT_DISPUTABLE') continue;
        throw error;
      }
    }
    return opened;
  }

  /** Where a merchant's dispute notifications go (null: each order's notifyUrl). The URL passes the same checks as a notifyUrl. */
  async setNotifyUrl(merchantId: string, url: string | null): Promise<void> {
    const merchant = await this.deps.findMerchant(merchantId);
    if (!merchant) throw new GatewayError('MERCHANT_UNKNOWN');
    if (url !== null) checkMerchantUrl(merchant, 'disputeNotifyUrl', url);
    await this.deps.disputes.setDisputeNotifyUrl(merchantId, url);
  }

  async notifyUrl(merchantId: string): Promise<string | null> {
    return this.deps.disputes.disputeNotifyUrl(merchantId);
  }

  async find(disputeId: string): Promise<Dispute | undefined> {
    return this.deps.disputes.find(disputeId);
  }

  async forOrder(orderId: string): Promise<Dispute[]> {
    return this.deps.disputes.forOrder(orderId);
  }

  async list(filter: DisputeFilter): Promise<Dispute[]> {
    return this.deps.disputes.list(filter);
  }

  async history(disputeId: string): Promise<DisputeEvent[]> {
    return this.deps.disputes.history(disputeId);
  }

  async evidence(disputeId: string): Promise<DisputeEvidence[]> {
    return this.deps.disputes.evidence(disputeId);
  }

  /** The bytes of a stored attachment of a case, found by its digest. */
  async attachment(disputeId: string, sha256: string): Promise<{ name: string; contentType: string; content: Buffer } | undefined> {
    for (const e of await this.deps.disputes.evidence(disputeId)) {
      const a = e.attachments.find((x) => x.sha256 === sha256);
      if (a) return { name: a.name, contentType: a.contentType, content: this.deps.attachments.get(a.storagePath) };
    }
    return undefined;
  }

  private event(disputeId: string, actor: DisputeActor, from: Dispute | null, change: DisputeChange, atMs: number, note?: string | null): DisputeEvent {
    return {
      disputeId,
      actor,
      fromStage: from?.stage ?? null,
      fromStatus: from?.status ?? null,
      toStage: change.stage,
      toStatus: change.status,
      note: note === undefined || note === null ? null : checkText('note', note, TEXT_LENGTH_MAX),
      atMs,
    };
  }

  /** The notification a change sends: to the merchant's dispute URL, or else the order's notifyUrl. */
  private async notifier(merchantId: string, event: DisputeEvent) {
    const [merchant, disputeUrl] = await Promise.all([this.deps.findMerchant(merchantId), this.deps.disputes.disputeNotifyUrl(merchantId)]);
    return (dispute: Dispute, order: Order): OutboxEntry => ({
      notificationId: randomUUID(),
      url: disputeUrl ?? order.notifyUrl,
      sandbox: merchant?.sandbox ?? false,
      payloadJson: this.deps.formatNotification(dispute, order, event),
    });
  }

  /** Runs a change against the latest case, reading it again when another writer changed it first. */
  private async retrying<T = Dispute>(disputeId: string, attempt: (current: Dispute) => Promise<DisputeWriteResult | { kind: 'done'; dispute: Dispute; value: T }>): Promise<T> {
    for (let i = 1; i <= CHANGE_ATTEMPTS_MAX; i += 1) {
      const current = await this.deps.disputes.find(disputeId);
      if (!current) throw new GatewayError('DISPUTE_NOT_FOUND');
      const result = await attempt(current);
      if (result.kind === 'done') return ('value' in result ? result.value : result.dispute) as T;
      if (result.kind === 'refused') throw notDisputable();
    }
    throw new GatewayError('DISPUTE_TRANSITION_INVALID', { from: 'a case that keeps changing', to: 'the requested state' });
  }

  /** One attempt for a background job: a case changed meanwhile is left to the next pass. */
  private async tryChange(d: Dispute, attempt: (current: Dispute) => Promise<DisputeWriteResult | undefined>): Promise<Dispute | undefined> {
    const current = await this.deps.disputes.find(d.disputeId);
    if (!current) return undefined;
    const result = await attempt(current);
    return result?.kind === 'done' ? result.dispute : undefined;
  }
}
