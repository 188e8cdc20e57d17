import { GatewayError } from '../domain/errors.js';
import { deliveryContentKey, type Delivery } from '../domain/delivery.js';
import { DELIVERY_TIME_FUTURE_SKEW_MS } from '../domain/limits.js';
import type { DeliveryStatus, Order } from '../domain/order.js';
import type { DeliveryRepository } from '../store/delivery-repository.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OrderRepository } from '../store/order-repository.js';

export interface DeliveryServiceDeps {
  orders: OrderRepository;
  deliveries: DeliveryRepository;
  clock: () => number;
}

/** A validated delivery confirmation in domain terms, from any dialect. */
export interface DeliveryConfirmation {
  /** The order by the merchant's requestId or the gateway's serialNumber. */
  order: { requestId: string } | { serialNumber: string };
  status: DeliveryStatus;
  logisticsCompany: string;
  trackingNumbers: string[];
  eventAtMs: number;
}

export type DeliveryResult = { kind: 'recorded' | 'replayed'; order: Order; delivery: Delivery };

/**
 * Delivery confirmation (妥投): the merchant says a paid order's goods were
 * shipped or delivered. Idempotent per order and status: the same content
 * again answers the same; other content for a status already confirmed is
 * refused, because an acquirer may already have seen the first.
 */
export class DeliveryService {
  constructor(private readonly deps: DeliveryServiceDeps) {}

  async confirm(merchant: Merchant, input: DeliveryConfirmation): Promise<DeliveryResult> {
    const order = 'requestId' in input.order
      ? await this.deps.orders.findByRequest(merchant.merchantId, input.order.requestId)
      : await this.deps.orders.find(input.order.serialNumber);
    // Another merchant's order answers exactly like a missing one.
    if (!order || order.merchantId !== merchant.merchantId) throw new GatewayError('ORDER_NOT_FOUND');
    if (order.state !== 'SUCCESS') throw new GatewayError('DELIVERY_NOT_ALLOWED', { state: order.state });
    const now = this.deps.clock();
    if (input.eventAtMs > now + DELIVERY_TIME_FUTURE_SKEW_MS) throw new GatewayError('FIELD_INVALID', { field: 'time', reason: 'in the future' });
    if (order.createdAtMs - input.eventAtMs > DELIVERY_TIME_FUTURE_SKEW_MS) throw new GatewayError('FIELD_INVALID', { field: 'time', reason: 'before the order was placed' });
    const delivery: Delivery = { orderId: order.orderId, status: input.status, logisticsCompany: input.logisticsCompany, trackingNumbers: input.trackingNumbers, eventAtMs: input.eventAtMs, createdAtMs: now };
    const result = await this.deps.deliveries.record(delivery);
    if (result.kind === 'not_paid') throw new GatewayError('DELIVERY_NOT_ALLOWED', { state: (await this.deps.orders.find(order.orderId))?.state ?? 'unknown' });
    if (result.kind === 'exists' && deliveryContentKey(result.delivery) !== deliveryContentKey(delivery)) throw new GatewayError('DELIVERY_CONFLICT', { status: input.status });
    const latest = (await this.deps.orders.find(order.orderId)) ?? order;
    return { kind: result.kind === 'exists' ? 'replayed' : 'recorded', order: latest, delivery: result.delivery };
  }

  async forOrder(orderId: string): Promise<Delivery[]> {
    return this.deps.deliveries.forOrder(orderId);
  }
}
