import { GatewayError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import { RISK_REVIEW_REJECTED } from '../domain/risk-gate.js';
import type { OrderService } from '../orders/order-service.js';
import type { RiskEngine } from './risk-engine.js';
import { RISK_REVIEW_HOLD_MS_MAX } from './limits.js';
import type { RiskAttempt, RiskRepository } from './risk-repository.js';

export interface HeldPayment {
  order: Order;
  attempt: RiskAttempt;
}

/**
 * Payments risk control held for an operator (order state REVIEW): the
 * channel authorised them without capture. Approve captures and completes
 * the order (SUCCESS, notified); reject voids the authorisation and cancels
 * it (CANCEL with RISK_REVIEW_REJECTED, notified). Each review is decided
 * once: of two operators deciding at the same time, one gets
 * ORDER_NOT_IN_REVIEW.
 */
export class ReviewQueue {
  constructor(private readonly deps: { repository: RiskRepository; orders: OrderService; engine: RiskEngine; clock: () => number }) {}

  async pending(limit: number): Promise<HeldPayment[]> {
    const attempts = await this.deps.repository.attempts({ reviewStatus: 'PENDING' }, limit);
    const held: HeldPayment[] = [];
    for (const attempt of attempts) {
      const order = await this.deps.orders.find(attempt.orderId);
      // Still with the channel or the payer (3-D Secure): not yet an operator's to decide.
      if (order?.state === 'REVIEW') held.push({ order, attempt });
    }
    return held;
  }

  async approve(orderId: string, note: string): Promise<Order> {
    const attempt = await this.claim(orderId, 'APPROVED', note);
    try {
      return await this.deps.orders.captureHeld(orderId, `review approved${note ? `: ${note}` : ''}`);
    } catch (error) {
      await this.deps.repository.reopenReview(attempt.attemptId);
      throw error;
    }
  }

  /** Rejects a held payment; with `fraud`, the payer's card, e-mail, device … also go on the block lists (autoBlock.onFraud). */
  async reject(orderId: string, note: string, fraud: boolean): Promise<Order> {
    const attempt = await this.claim(orderId, 'REJECTED', note);
    let order: Order;
    try {
      order = await this.deps.orders.voidHeld(orderId, RISK_REVIEW_REJECTED, `review rejected${note ? `: ${note}` : ''}`);
    } catch (error) {
      await this.deps.repository.reopenReview(attempt.attemptId);
      throw error;
    }
    if (fraud) await this.deps.engine.onFraud(order);
    return order;
  }

  /** Rejects held payments nobody decided within RISK_REVIEW_HOLD_MS_MAX, before their authorisations lapse. Returns how many. */
  async expireStale(limit: number): Promise<number> {
    const stale = await this.deps.repository.attempts({ reviewStatus: 'PENDING', decidedBeforeMs: this.deps.clock() - RISK_REVIEW_HOLD_MS_MAX }, limit);
    let rejected = 0;
    for (const attempt of stale) {
      const order = await this.deps.orders.find(attempt.orderId);
      if (order?.state !== 'REVIEW') continue;
      try {
        await this.reject(order.orderId, `not reviewed within ${RISK_REVIEW_HOLD_MS_MAX / 86_400_000} days`, false);
        rejected += 1;
      } catch (error) {
        // Decided by an operator or another process meanwhile: nothing left to do.
        if (!(error instanceof GatewayError)) throw error;
      }
    }
    return rejected;
  }

  private async claim(orderId: string, status: 'APPROVED' | 'REJECTED', note: string): Promise<RiskAttempt> {
    const order = await this.deps.orders.find(orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    const attempt = await this.deps.repository.latestAttempt(orderId);
    if (order.state !== 'REVIEW' || attempt?.reviewStatus !== 'PENDING') throw new GatewayError('ORDER_NOT_IN_REVIEW', { state: order.state });
    if (!(await this.deps.repository.closeReview(attempt.attemptId, status, note, this.deps.clock()))) throw new GatewayError('ORDER_NOT_IN_REVIEW', { state: 'decided by another operator' });
    return attempt;
  }
}
