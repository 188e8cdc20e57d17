import { randomBytes } from 'node:crypto';
import { DEFAULT_REASON_CODE, DISPUTE_RESPONSE_DAYS, type Dispute, type DisputeKind } from '../domain/dispute.js';
import { GatewayError } from '../domain/errors.js';
import type { DisputeRepository } from '../store/dispute-repository.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { Order } from '../domain/order.js';

const DAY_MS = 86_400_000;

/** Opens disputes on paid orders (today from the sandbox; from acquirer feeds later). */
export class DisputeService {
  constructor(
    private readonly deps: { orders: OrderRepository; disputes: DisputeRepository; clock: () => number; onChargeback?: (order: Order) => Promise<unknown> },
  ) {}

  async open(orderId: string, kind: DisputeKind, reasonCode?: string): Promise<Dispute> {
    const order = await this.deps.orders.find(orderId);
    if (!order) throw new GatewayError('ORDER_NOT_FOUND');
    if (order.state !== 'SUCCESS') throw new GatewayError('ORDER_NOT_DISPUTABLE', { reason: `the order is ${order.state}, not paid` });
    const existing = await this.deps.disputes.forOrder(orderId);
    if (existing.some((d) => d.kind === kind)) throw new GatewayError('ORDER_NOT_DISPUTABLE', { reason: `a ${kind.toLowerCase()} is already open` });
    if (reasonCode !== undefined && !/^[0-9A-Za-z.]{1,8}$/.test(reasonCode)) throw new GatewayError('FIELD_INVALID', { field: 'reasonCode', reason: '1 to 8 letters or digits' });
    const now = this.deps.clock();
    const dispute: Dispute = {
      disputeId: `dp_${randomBytes(12).toString('hex')}`,
      orderId,
      merchantId: order.merchantId,
      kind,
      status: 'OPEN',
      reasonCode: reasonCode ?? DEFAULT_REASON_CODE[kind],
      amountMinor: order.amountMinor,
      currency: order.currency,
      openedAtMs: now,
      respondByMs: now + DISPUTE_RESPONSE_DAYS[kind] * DAY_MS,
    };
    await this.deps.disputes.open(dispute);
    // Risk control: a chargeback feeds the block lists (autoBlock.onChargeback).
    if (kind === 'CHARGEBACK') await this.deps.onChargeback?.(order);
    return dispute;
  }
}
