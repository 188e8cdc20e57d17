import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Channel, CardInput, AuthorizeResult } from '../domain/channel.js';
import { ChannelNotReachedError } from '../domain/channel.js';
import type { ChannelRegistry } from '../channels/registry.js';
import { GatewayError } from '../domain/errors.js';
import { STALE_PROCESSING_MS } from '../domain/limits.js';
import { DEFAULT_DIALECT, type Order } from '../domain/order.js';
import { isFinal, type OrderState } from '../domain/order-state.js';
import { RISK_DECLINED, type PaymentContext, type PaymentRiskGate, type RiskAction } from '../domain/risk-gate.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OrderPatch, OrderRepository, OutboxEntry } from '../store/order-repository.js';
import type { CardVault } from '../keys/card-vault.js';
import type { LedgerRepository } from '../store/ledger-repository.js';
import { captureJournals } from '../domain/ledger.js';
import type { NewOrder } from './new-order.js';
import { checkMerchantUrl } from './merchant-urls.js';
import { whileDatabaseReturns } from './while-database-returns.js';

/** Formats the notification a final state sends; supplied by the merchant's protocol dialect. */
export type NotificationFormatter = (order: Order) => string;

export interface OrderServiceDeps {
  orders: OrderRepository;
  /** Every channel, by name: the router picks a new card payment's; an order's later steps go to the channel that took its payment. */
  channels: ChannelRegistry;
  vault: CardVault;
  clock: () => number;
  formatNotification: NotificationFormatter;
  /** Looks a merchant up, for the sandbox flag of its notifications. */
  findMerchant: (merchantId: string) => Promise<Merchant | undefined>;
  /** Risk control, consulted on every card payment before the channel (none: every payment is allowed). */
  risk?: PaymentRiskGate;
  ledger: LedgerRepository;
  /** Gives back the money of a payment the channel approved after the order was cancelled. */
  reverseLateApproval: (order: Order, approval: ApprovedResult) => Promise<unknown>;
  /** Prices a capture before it commits: the merchant's fee, and more writes for its transaction (the rate it settles at). */
  priceCapture?: (order: Order) => Promise<CapturePricing>;
  /** How old a PROCESSING payment must be before recovery asks the channel about it (default STALE_PROCESSING_MS). */
  staleProcessingMs?: number;
}

export interface CapturePricing {
  feeMinor: bigint;
  within?: (tx: Transaction<Database>, paid: Order, nowMs: number) => Promise<void>;
}

type ApprovedResult = Extract<AuthorizeResult, { outcome: 'approved' }>;

/** More writes that commit with an order's state change (an upstream event id marked processed, say). */
export type WithinChange = (tx: Transaction<Database>) => Promise<void>;

/** Why a CANCEL happened, kept in the order's decline code for the cashier's result page. */
export const EXPIRED_UNPAID = 'EXPIRED_UNPAID';
export const CANCELLED_BY_PAYER = 'CANCELLED_BY_PAYER';
export const CANCELLED_BY_MERCHANT = 'CANCELLED_BY_MERCHANT';
/**
 * Cancelled by the merchant while the channel had not answered: until the
 * channel's outcome is known, a late approval must still be refunded.
 */
export const CANCELLED_AWAITING_CHANNEL = 'CANCELLED_AWAITING_CHANNEL';

/** How many times a cancel re-reads an order that changed state under it before giving up. */
const CANCEL_ATTEMPTS_MAX = 3;

export type CreateResult = { kind: 'created' | 'replayed'; order: Order };

/** A card kept in the vault, as a merchant-initiated charge needs it. */
export interface StoredCard {
  vaultToken: string;
  holder: string;
  expiryMonth: number;
  expiryYear: number;
  brand: string;
}

/**
 * The commands that change an order. Each state change commits together
 * with its audit event and, for final states, its notification.
 */
export class OrderService {
  constructor(private readonly deps: OrderServiceDeps) {}

  /**
   * Creates an order, or answers a replay: the same requestId with the same
   * content returns the order created first; different content is refused.
   */
  async create(merchant: Merchant, input: NewOrder): Promise<CreateResult> {
    checkMerchantUrl(merchant, 'notifyUrl', input.notifyUrl);
    // A dialect may have no return page (the flat-JSON API's callback_url is optional).
    if (input.callbackUrl !== '') checkMerchantUrl(merchant, 'callbackUrl', input.callbackUrl);
    if (merchant.currencies && !merchant.currencies.includes(input.currency)) {
      // A currency the operator turned off since: an order made before still answers its replay.
      const earlier = await this.deps.orders.findByRequest(merchant.merchantId, input.requestId);
      if (earlier) return this.replay(earlier, input);
      throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: input.currency });
    }
    const now = this.deps.clock();
    const { timeoutMinutes, product, dialect, dialectContext, ...fields } = input;
    const order: Order = {
      ...fields,
      product: product ?? 'icc',
      dialect: dialect ?? DEFAULT_DIALECT,
      dialectContext: dialectContext ?? {},
      orderId: randomBytes(16).toString('hex'),
      merchantId: merchant.merchantId,
      state: 'INIT',
      expiresAtMs: now + timeoutMinutes * 60_000,
      createdAtMs: now,
      updatedAtMs: now,
      completedAtMs: null,
      card: null,
      channel: null,
      channelReference: null,
      declineCode: null,
      challengeAttempts: 0,
      feeMinor: 0n,
      refundReservedMinor: 0n,
      refundedMinor: 0n,
      refundCount: 0,
      disputedMinor: 0n,
      deliveryStatus: null,
      version: 1,
    };
    if (await this.deps.orders.insert(order)) return { kind: 'created', order };
    // The requestId exists: a replay, or a concurrent request that won the race.
    const winner = await this.deps.orders.findByRequest(merchant.merchantId, input.requestId);
    if (!winner) throw new Error('order insert conflicted but no order exists');
    return this.replay(winner, input);
  }

  private replay(existing: Order, input: NewOrder): CreateResult {
    if (existing.requestDigest !== input.requestDigest) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.requestId });
    return { kind: 'replayed', order: existing };
  }

  async find(orderId: string): Promise<Order | undefined> {
    return this.deps.orders.find(orderId);
  }

  async findByRequest(merchantId: string, requestId: string): Promise<Order | undefined> {
    return this.deps.orders.findByRequest(merchantId, requestId);
  }

  /**
   * Pays an order with a card. The card data is used for this one
   * authorisation and dropped; with `keepCard` the PAN (never the CVV) is
   * vaulted for later merchant-initiated charges.
   */
  async pay(orderId: string, card: CardInput, options: { keepCard?: boolean; context?: PaymentContext } = {}): Promise<Order> {
    return this.authorize(orderId, card, options.keepCard ? this.deps.vault.tokenize(card.pan) : null, 'payer', options.context ?? {});
  }

  /** A merchant-initiated charge on a vaulted card (a later recurring payment): no CVV, no payer present. */
  async payWithStoredCard(orderId: string, stored: StoredCard): Promise<Order> {
    const pan = this.deps.vault.detokenize(stored.vaultToken);
    const card: CardInput = { holder: stored.holder, pan, expiryMonth: stored.expiryMonth, expiryYear: stored.expiryYear, cvv: null, brand: stored.brand };
    return this.authorize(orderId, card, stored.vaultToken, 'merchant', {});
  }

  private async authorize(orderId: string, card: CardInput, vaultToken: string | null, initiator: 'payer' | 'merchant', context: PaymentContext): Promise<Order> {
    const order = await this.payable(orderId);
    // An order already started at a wallet or bank is paid there, not by card.
    if (order.channel !== null) throw new GatewayError('ORDER_NOT_PAYABLE', { state: order.state });
    const channel = this.cardChannelFor(order, card);
    const patch: OrderPatch = {
      channel: channel.name,
      card: {
        brand: card.brand,
        bin: card.pan.slice(0, 6),
        last4: card.pan.slice(-4),
        vaultToken,
      },
    };
    // PROCESSING is committed before the channel is called, so a second
    // submit (double click, second tab) cannot authorise twice.
    const processing = await this.deps.orders.transition(order.orderId, 'INIT', 'PROCESSING', patch, 'card submitted', this.deps.clock());
    if (!processing) throw new GatewayError('ORDER_NOT_PAYABLE', { state: (await this.deps.orders.find(orderId))?.state ?? 'unknown' });
    let risk: RiskAction;
    try {
      // Risk control decides before any money moves; an engine failure fails the payment (closed, not open).
      // Its counters live in the database: a lost connection is waited out briefly rather than failing the payment.
      risk = this.deps.risk ? (await whileDatabaseReturns(() => this.deps.risk!.assess(processing, card, context))).action : 'ALLOW';
    } catch {
      return (await this.move(processing, 'FAILED', { declineCode: 'PROCESSING_ERROR' }, 'risk control error')) ?? processing;
    }
    // A channel that cannot run 3-D Secure cannot honour a step-up: an operator looks instead.
    if (risk === 'CHALLENGE' && !channel.capabilities.threeDSecure) risk = 'REVIEW';
    if (risk === 'DENY') return (await this.move(processing, 'FAILED', { declineCode: RISK_DECLINED }, 'denied by risk control')) ?? processing;
    let result: AuthorizeResult;
    try {
      result = await channel.authorize({
        orderId,
        merchantId: order.merchantId,
        amountMinor: order.amountMinor,
        currency: order.currency,
        card,
        forceThreeDSecure: risk === 'CHALLENGE',
        captureLater: risk === 'REVIEW',
        initiator,
      });
    } catch (error) {
      // Certainly never sent: nothing was charged, the payer may try again with a new order.
      if (error instanceof ChannelNotReachedError) return (await this.move(processing, 'FAILED', { declineCode: 'PROCESSING_ERROR' }, 'channel not reached')) ?? processing;
      // A timeout or a broken answer: the acquirer may have charged the card. Failing the
      // order here would leave that charge unaccounted for, so it stays PROCESSING and
      // stale-payment-recovery asks the channel (findByOrder) once it is staleProcessingMs old.
      return processing;
    }
    // The channel has answered: losing that answer to a dropped connection would leave the order to the stale sweep.
    return whileDatabaseReturns(() => this.applyResult(processing, result));
  }

  /** Completes a payment held for review: captures the authorisation (SUCCESS, or FAILED if the capture fails). */
  async captureHeld(orderId: string, reason: string): Promise<Order> {
    const order = await this.held(orderId);
    const captured = await this.channelOf(order).capture(order.channelReference!, order.amountMinor);
    const moved = captured.ok
      ? await this.move(order, 'SUCCESS', {}, `${reason}: captured`)
      : await this.move(order, 'FAILED', { declineCode: 'PROCESSING_ERROR' }, `${reason}: the capture failed`);
    return moved ?? (await this.held(orderId));
  }

  /** Ends a payment held for review: voids the authorisation and cancels the order with `declineCode`. */
  async voidHeld(orderId: string, declineCode: string, reason: string): Promise<Order> {
    const order = await this.held(orderId);
    return (await this.voidAndCancel(order, declineCode, reason)) ?? (await this.held(orderId));
  }

  /** Voids a held authorisation and cancels its order; undefined when the order changed meanwhile. */
  private async voidAndCancel(order: Order, declineCode: string, reason: string): Promise<Order | undefined> {
    // A failed void leaves an authorisation that expires at the issuer by itself; the order is cancelled either way.
    const voided = await this.channelOf(order).voidAuthorization(order.channelReference!);
    return this.move(order, 'CANCEL', { declineCode }, voided.ok ? reason : `${reason} (the void failed; the authorisation lapses)`);
  }

  private async held(orderId: string): Promise<Order> {
    const order = await this.deps.orders.find(orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    if (order.state !== 'REVIEW' || !order.channelReference) throw new GatewayError('ORDER_NOT_IN_REVIEW', { state: order.state });
    return order;
  }

  /**
   * A payment the payer made outside the gateway (a wallet, a bank's page):
   * its channel reports the outcome. An open order goes through PROCESSING
   * and the same guarded transitions as a card; an approval for an order
   * already cancelled or expired is recorded and refunded at once.
   */
  async completeAtChannel(orderId: string, channelName: string, result: AuthorizeResult, within?: WithinChange): Promise<Order> {
    for (let attempt = 1; attempt <= CANCEL_ATTEMPTS_MAX; attempt += 1) {
      const order = await this.deps.orders.find(orderId);
      if (!order) throw new GatewayError('ORDER_NOT_FOUND');
      if (order.channel !== channelName || order.channelReference !== result.reference) throw new Error(`order ${orderId} was not started at ${channelName} as ${result.reference}`);
      if (result.outcome === 'approved' && result.collected && !collectsOrderAmount(order, result.collected)) {
        // A callback for another amount or currency (tampered, or a channel bug) never pays the order.
        throw new GatewayError('FIELD_INVALID', { field: 'amount', reason: 'the channel reported another amount or currency than the order' });
      }
      if (order.state === 'CANCEL') {
        if (result.outcome === 'approved') await this.deps.reverseLateApproval(order, result);
        return (await this.deps.orders.find(orderId)) ?? order;
      }
      if (order.state !== 'INIT') return order;
      const processing = await this.deps.orders.transition(orderId, 'INIT', 'PROCESSING', {}, `payer completed at ${channelName}`, this.deps.clock());
      if (processing) return this.applyResult(processing, result, within);
    }
    return (await this.deps.orders.find(orderId))!;
  }

  /**
   * An outcome the channel's upstream reported on its own (a webhook): for
   * an order the payer completes outside, as `completeAtChannel`; for a card
   * payment whose outcome was unknown or in flight, as the query that would
   * have found it. `within` commits with the state change, if there is one.
   */
  async applyUpstreamOutcome(orderId: string, channelName: string, result: Extract<AuthorizeResult, { outcome: 'approved' | 'declined' }>, within: WithinChange): Promise<Order> {
    const order = await this.deps.orders.find(orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    if (order.channel !== channelName || order.channelReference !== result.reference) throw new Error(`order ${orderId} was not started at ${channelName} as ${result.reference}`);
    if (result.outcome === 'approved' && result.collected && !collectsOrderAmount(order, result.collected)) {
      throw new GatewayError('FIELD_INVALID', { field: 'amount', reason: 'the channel reported another amount or currency than the order' });
    }
    if (order.state === 'INIT' || order.state === 'CANCEL') return this.completeAtChannel(orderId, channelName, result, within);
    if (order.state === 'UNKNOWN' || order.state === 'PROCESSING') return this.applyResult(order, result, within);
    return order;
  }

  /** Answers the 3-D Secure step: the one-time code, or the payer's cancel. */
  async completeChallenge(orderId: string, answer: { otp: string } | { cancel: true }): Promise<Order> {
    const order = await this.deps.orders.find(orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    if (order.state !== 'CHALLENGE' || !order.channelReference) throw new GatewayError('ORDER_NOT_PAYABLE', { state: order.state });
    if ('cancel' in answer) return (await this.move(order, 'CANCEL', { declineCode: CANCELLED_BY_PAYER }, 'payer cancelled the challenge')) ?? order;
    const processing = await this.deps.orders.transition(orderId, 'CHALLENGE', 'PROCESSING', { challengeAttempts: order.challengeAttempts + 1 }, 'challenge answered', this.deps.clock());
    if (!processing) throw new GatewayError('ORDER_NOT_PAYABLE', { state: 'CHALLENGE' });
    const result = await this.channelOf(order).completeChallenge(order.channelReference, answer.otp);
    return this.applyResult(processing, result);
  }

  /** The channel's instructions for an open 3-D Secure step (the sandbox says which code passes). */
  async challengeHint(order: Order): Promise<string | undefined> {
    if (order.state !== 'CHALLENGE' || !order.channelReference) return undefined;
    const result = await this.channelOf(order).query(order.channelReference);
    return result.outcome === 'challenge' ? result.hint : undefined;
  }

  /**
   * The merchant cancels an unpaid order. Cancelling a cancelled order
   * answers it again; a paid or failed order cannot be cancelled (refund a
   * paid one). An order whose payment is in flight at the channel is
   * cancelled too, and if the channel approves it afterwards the money is
   * refunded at once (see settleLateOutcome).
   */
  async cancel(merchantId: string, requestId: string): Promise<Order> {
    for (let attempt = 1; attempt <= CANCEL_ATTEMPTS_MAX; attempt += 1) {
      const order = await this.deps.orders.findByRequest(merchantId, requestId);
      if (!order) throw new GatewayError('ORDER_NOT_FOUND');
      let moved: Order | undefined;
      switch (order.state) {
        case 'CANCEL':
          return order;
        case 'INIT':
        case 'CHALLENGE':
          moved = await this.move(order, 'CANCEL', { declineCode: CANCELLED_BY_MERCHANT }, 'cancelled by the merchant');
          break;
        case 'PROCESSING':
        case 'UNKNOWN':
          moved = await this.move(order, 'CANCEL', { declineCode: CANCELLED_AWAITING_CHANNEL }, 'cancelled by the merchant before the channel answered');
          break;
        case 'REVIEW':
          // Held by risk control: authorised but never captured, so voiding gives everything back.
          moved = await this.voidAndCancel(order, CANCELLED_BY_MERCHANT, 'cancelled by the merchant while held for review');
          break;
        case 'SUCCESS':
        case 'FAILED':
          throw new GatewayError('ORDER_NOT_CANCELLABLE', { state: order.state });
      }
      if (moved) return moved;
    }
    const latest = await this.deps.orders.findByRequest(merchantId, requestId);
    throw new GatewayError('ORDER_NOT_CANCELLABLE', { state: latest?.state ?? 'unknown' });
  }

  /**
   * Asks the channel about orders cancelled while their payment was in
   * flight: an approval is refunded, a decline (or no authorisation at all)
   * closes the question.
   */
  async settleCancelledInFlight(limit: number): Promise<number> {
    let settled = 0;
    await eachIsolated(await this.deps.orders.findCancelledAwaitingChannel(limit), async (order) => {
      const channel = this.channelOf(order);
      const result = order.channelReference ? await channel.query(order.channelReference) : await channel.findByOrder(order.orderId);
      if (result?.outcome === 'unknown') return;
      await this.settleLateOutcome(order, result);
      settled += 1;
    });
    return settled;
  }

  /** The channel's outcome for an order already cancelled: refund an approval, then mark the question closed. */
  private async settleLateOutcome(order: Order, result: AuthorizeResult | undefined): Promise<void> {
    if (order.declineCode !== CANCELLED_AWAITING_CHANNEL) return;
    if (result?.outcome === 'approved') await this.deps.reverseLateApproval(order, result);
    await this.deps.orders.replaceDeclineCode(order.orderId, 'CANCEL', CANCELLED_AWAITING_CHANNEL, CANCELLED_BY_MERCHANT, this.deps.clock());
  }

  /** Cancels unpaid orders past their deadline. Returns how many were cancelled. */
  async expireDue(limit: number): Promise<number> {
    let cancelled = 0;
    for (const order of await this.deps.orders.findExpired(this.deps.clock(), limit)) {
      if (await this.move(order, 'CANCEL', { declineCode: EXPIRED_UNPAID }, 'expired unpaid')) cancelled += 1;
    }
    return cancelled;
  }

  /** Cancels one unpaid order now (sandbox helper: "let it expire"). */
  async expireNow(orderId: string): Promise<Order> {
    const order = await this.deps.orders.find(orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    if (order.state !== 'INIT' && order.state !== 'CHALLENGE') throw new GatewayError('ORDER_NOT_PAYABLE', { state: order.state });
    return (await this.move(order, 'CANCEL', { declineCode: EXPIRED_UNPAID }, 'expired unpaid')) ?? (await this.deps.orders.find(orderId))!;
  }

  /** Asks the channel again about orders whose outcome it reported as unknown. */
  async resolveUnknown(limit: number): Promise<number> {
    let resolved = 0;
    await eachIsolated(await this.deps.orders.findInState('UNKNOWN', limit), async (order) => {
      if (!order.channelReference) return;
      const result = await this.channelOf(order).query(order.channelReference);
      if (result.outcome === 'approved' || result.outcome === 'declined') {
        await this.applyResult(order, result);
        resolved += 1;
      }
    });
    return resolved;
  }

  /**
   * Finishes orders left PROCESSING by a process that stopped mid-payment:
   * asks the channel what became of them, and fails those it never saw, so
   * every order reaches a final state and its notification.
   */
  async recoverStale(limit: number): Promise<number> {
    let recovered = 0;
    await eachIsolated(await this.deps.orders.findInState('PROCESSING', limit, this.deps.clock() - (this.deps.staleProcessingMs ?? STALE_PROCESSING_MS)), async (order) => {
      const channel = this.channelOf(order);
      const result = order.channelReference ? await channel.query(order.channelReference) : await channel.findByOrder(order.orderId);
      if (result) await this.applyResult(order, result);
      else await this.move(order, 'FAILED', { declineCode: 'PROCESSING_ERROR' }, 'no authorisation at the channel after a restart');
      recovered += 1;
    });
    return recovered;
  }

  /** The channel that took the order's payment (the router's card channel for an order not yet sent anywhere). */
  private channelOf(order: Order): Channel {
    return order.channel ? this.deps.channels.get(order.channel) : this.cardChannelFor(order);
  }

  /**
   * The channel a card payment goes to: the router's first choice. With the
   * default configurations the only thing that can leave no channel is the
   * currency, so that is the refusal.
   */
  private cardChannelFor(order: Order, card?: Pick<CardInput, 'brand' | 'pan'>): Channel {
    const [first] = this.deps.channels.route({ method: 'CARD', currency: order.currency, amountMinor: order.amountMinor, ...(card ? { cardBrand: card.brand, bin: card.pan.slice(0, 8) } : {}) });
    if (!first) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: order.currency });
    return first;
  }

  private async payable(orderId: string): Promise<Order> {
    const order = await this.deps.orders.find(orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    if (order.state === 'INIT' && order.expiresAtMs <= this.deps.clock()) {
      await this.move(order, 'CANCEL', { declineCode: EXPIRED_UNPAID }, 'expired unpaid');
      throw new GatewayError('ORDER_NOT_PAYABLE', { state: 'CANCEL' });
    }
    if (order.state !== 'INIT') throw new GatewayError('ORDER_NOT_PAYABLE', { state: order.state });
    return order;
  }

  private async applyResult(order: Order, result: AuthorizeResult, within?: WithinChange): Promise<Order> {
    const base: OrderPatch = { channelReference: result.reference };
    // A transition that lost a race returns undefined: the order as read is
    // then the best answer, unless the merchant cancelled it meanwhile.
    switch (result.outcome) {
      case 'approved': {
        if (await this.deps.risk?.holdsForReview(order.orderId)) {
          const held = await this.move(order, 'REVIEW', base, `authorised ${result.authCode}, held for review`, within);
          return held ?? (await this.afterLostRace(order, result));
        }
        const paid = await this.move(order, 'SUCCESS', base, `approved ${result.authCode}`, within);
        return paid ?? (await this.afterLostRace(order, result));
      }
      case 'declined': {
        const failed = await this.move(order, 'FAILED', { ...base, declineCode: result.declineCode }, `declined ${result.declineCode}`, within);
        return failed ?? (await this.afterLostRace(order, result));
      }
      case 'challenge':
        // The hint is not kept: the cashier asks the channel for it (challengeHint) when it shows the step.
        return order.state === 'CHALLENGE' ? order : ((await this.move(order, 'CHALLENGE', base, '3-D Secure challenge')) ?? order);
      case 'unknown':
        return (await this.move(order, 'UNKNOWN', base, 'channel outcome unknown')) ?? order;
    }
  }

  /** A channel outcome arrived for an order another writer moved first: a cancel in flight gets settled. */
  private async afterLostRace(order: Order, result: AuthorizeResult): Promise<Order> {
    const current = await this.deps.orders.find(order.orderId);
    if (!current) return order;
    if (current.state === 'CANCEL' && current.declineCode === CANCELLED_AWAITING_CHANNEL) {
      await this.settleLateOutcome({ ...current, channelReference: current.channelReference ?? result.reference }, result);
      return (await this.deps.orders.find(order.orderId)) ?? current;
    }
    return current;
  }

  /** One guarded transition; final states carry their notification in the same transaction, a capture its ledger journals. */
  private async move(order: Order, to: OrderState, patch: OrderPatch, reason: string, within?: WithinChange): Promise<Order | undefined> {
    const now = this.deps.clock();
    const merchant = isFinal(to) ? await this.deps.findMerchant(order.merchantId) : undefined;
    // The fee is fixed before the capture commits: its journal posts with it (captureJournals).
    const pricing = to === 'SUCCESS' && this.deps.priceCapture ? await this.deps.priceCapture(order) : undefined;
    const finalPatch: OrderPatch = isFinal(to) ? { ...patch, completedAtMs: now, ...(pricing ? { feeMinor: pricing.feeMinor } : {}) } : patch;
    const notify = isFinal(to)
      ? (updated: Order): OutboxEntry => ({
          notificationId: randomUUID(),
          url: updated.notifyUrl,
          sandbox: merchant?.sandbox ?? false,
          payloadJson: this.deps.formatNotification(updated),
          // Notified in the dialect the order was created in.
          dialect: updated.dialect,
        })
      : undefined;
    const postCapture =
      to === 'SUCCESS'
        ? async (tx: Transaction<Database>, paid: Order) => {
            if (!paid.channel) throw new Error(`order ${paid.orderId} captured without a channel`);
            const ref = { orderId: paid.orderId, merchantId: paid.merchantId, channel: paid.channel, amountMinor: paid.amountMinor, currency: paid.currency };
            await this.deps.ledger.post(tx, captureJournals(ref, paid.feeMinor), now);
            await pricing?.within?.(tx, paid, now);
          }
        : undefined;
    const writes = postCapture && within ? async (tx: Transaction<Database>, updated: Order) => (await postCapture(tx, updated), await within(tx)) : (postCapture ?? (within ? (tx: Transaction<Database>) => within(tx) : undefined));
    const moved = await this.deps.orders.transition(order.orderId, order.state, to, finalPatch, reason, now, notify, writes);
    if (moved && isFinal(to)) await this.deps.risk?.onFinal(moved);
    return moved;
  }
}

/** True when what a channel reports collecting is exactly the order's amount in the order's currency. */
export function collectsOrderAmount(order: Pick<Order, 'amountMinor' | 'currency'>, collected: { amountMinor: bigint; currency: string }): boolean {
  return collected.amountMinor === order.amountMinor && collected.currency === order.currency;
}

/**
 * Runs `step` for each order of a background sweep. One order whose channel
 * cannot answer (a timeout, a reference it no longer knows) must not hold up
 * the others behind it — the sweep reads the oldest first, so it would block
 * them for good. Every order is tried; then the first failure is thrown, so
 * the job scheduler still logs the run as failed, and the failed orders are
 * asked again at the next run.
 */
async function eachIsolated(orders: readonly Order[], step: (order: Order) => Promise<void>): Promise<void> {
  let failed = 0;
  let first: unknown;
  for (const order of orders) {
    try {
      await step(order);
    } catch (error) {
      failed += 1;
      first ??= error;
    }
  }
  if (failed > 0) throw new Error(`${failed} of ${orders.length} orders failed in this run: ${first instanceof Error ? first.message : String(first)}`, { cause: first });
}
