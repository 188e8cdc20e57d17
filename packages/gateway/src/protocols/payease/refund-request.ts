import { GatewayError } from '../../domain/errors.js';
import { REQUEST_ID_LENGTH_MAX, URL_LENGTH_MAX } from '../../domain/limits.js';
import type { NewRefund } from '../../orders/refund-service.js';
import { requestDigest } from '../../orders/request-digest.js';
import { parsePositiveWireAmount } from './wire-amount.js';
import { str, type Wire } from './wire-fields.js';

/**
 * Maps an `icc/refund` (or `onlinePay/refund`) request: `requestId` is the
 * refund's own number, `orderId` the order's serialNumber, and an empty
 * `amount` refunds whatever is still refundable.
 */
export function parseRefundRequest(payload: Wire): NewRefund {
  const requestId = str(payload, 'requestId', true, REQUEST_ID_LENGTH_MAX)!;
  const orderId = str(payload, 'orderId', true, REQUEST_ID_LENGTH_MAX)!;
  let amountMinor: NewRefund['amountMinor'] = null;
  if (payload.amount !== undefined && payload.amount !== null && payload.amount !== '') {
    const parsed = parsePositiveWireAmount(payload.amount);
    if (parsed === undefined) throw new GatewayError('AMOUNT_INVALID', { field: 'amount' });
    amountMinor = parsed;
  }
  return {
    requestId,
    requestDigest: requestDigest(payload),
    orderId,
    amountMinor,
    remark: str(payload, 'remark', false) ?? null,
    notifyUrl: str(payload, 'notifyUrl', false, URL_LENGTH_MAX) ?? null,
  };
}

/** The `requestId` of a query or cancel: required, at most 64 characters. */
export function requiredRequestId(payload: Wire): string {
  return str(payload, 'requestId', true, REQUEST_ID_LENGTH_MAX)!;
}
