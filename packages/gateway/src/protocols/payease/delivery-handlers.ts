import { GatewayError } from '../../domain/errors.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../domain/order.js';
import { REQUEST_ID_LENGTH_MAX, TEXT_LENGTH_MAX } from '../../domain/limits.js';
import type { DeliveryConfirmation, DeliveryService } from '../../orders/delivery-service.js';
import type { OpenedRequest } from './gateway-envelope.js';
import { beijingDateTime } from './order-fields.js';
import { parseTrackingNumbers } from './tracking-numbers.js';
import { str, type Wire } from './wire-fields.js';
import { parseBeijingDateTime } from './wire-time.js';

type Handler = (opened: OpenedRequest) => Promise<Record<string, unknown>>;

/**
 * Maps `icc/delivery`: the order by `requestId` (the merchant's number) or
 * `serialNumber`, `logisticsCompany`, `trackingNumbers[]`, `status`
 * (SHIPPED, DELIVERED) and `time` (yyyy-MM-dd HH:mm:ss, Beijing time).
 */
export function parseDeliveryRequest(payload: Wire): DeliveryConfirmation {
  const requestId = str(payload, 'requestId', false, REQUEST_ID_LENGTH_MAX);
  const serialNumber = str(payload, 'serialNumber', false, REQUEST_ID_LENGTH_MAX);
  if (requestId === undefined && serialNumber === undefined) throw new GatewayError('FIELD_MISSING', { field: 'requestId' });
  const status = str(payload, 'status', true, 16)!;
  if (!(DELIVERY_STATUSES as readonly string[]).includes(status)) throw new GatewayError('FIELD_INVALID', { field: 'status', reason: 'SHIPPED or DELIVERED' });
  return {
    order: requestId !== undefined ? { requestId } : { serialNumber: serialNumber! },
    status: status as DeliveryStatus,
    logisticsCompany: str(payload, 'logisticsCompany', true, TEXT_LENGTH_MAX)!,
    trackingNumbers: parseTrackingNumbers(payload.trackingNumbers),
    eventAtMs: parseBeijingDateTime(str(payload, 'time', true, 19)!, 'time'),
  };
}

/** Delivery confirmation (妥投) for a paid order. */
export function deliveryHandlers(deliveries: DeliveryService): Record<string, Handler> {
  return {
    '/icc/delivery': async ({ merchant, payload }) => {
      const { order, delivery } = await deliveries.confirm(merchant, parseDeliveryRequest(payload));
      return {
        requestId: order.requestId,
        serialNumber: order.orderId,
        status: 'SUCCESS',
        // The order's delivery status after this confirmation (DELIVERED stays DELIVERED when a late SHIPPED arrives).
        deliveryStatus: order.deliveryStatus ?? delivery.status,
        confirmedStatus: delivery.status,
        logisticsCompany: delivery.logisticsCompany,
        trackingNumbers: delivery.trackingNumbers,
        time: beijingDateTime(delivery.eventAtMs),
      };
    },
  };
}
