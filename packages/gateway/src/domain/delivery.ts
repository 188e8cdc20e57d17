import type { DeliveryStatus } from './order.js';

/**
 * A delivery confirmation (妥投) the merchant sent for a paid order: one per
 * order and status. The order's `deliveryStatus` is the furthest one
 * (DELIVERED over SHIPPED), whatever order they arrive in.
 */
export interface Delivery {
  orderId: string;
  status: DeliveryStatus;
  logisticsCompany: string;
  trackingNumbers: string[];
  /** When the parcel was shipped or delivered, as the merchant says. */
  eventAtMs: number;
  createdAtMs: number;
}

/** The same confirmation sent again is recognised by its content, not by when it was sent. */
export function deliveryContentKey(d: Pick<Delivery, 'logisticsCompany' | 'trackingNumbers' | 'eventAtMs'>): string {
  return JSON.stringify([d.logisticsCompany, d.trackingNumbers, d.eventAtMs]);
}
