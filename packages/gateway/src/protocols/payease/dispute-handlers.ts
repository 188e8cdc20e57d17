import { GatewayError } from '../../domain/errors.js';
import { BACKFILL_REQUEST_BODY_BYTES_MAX, REQUEST_ID_LENGTH_MAX } from '../../domain/limits.js';
import type { DisputeService } from '../../orders/dispute-service.js';
import type { OrderService } from '../../orders/order-service.js';
import type { OpenedRequest } from './gateway-envelope.js';
import { parseBackfillRequest } from './backfill-request.js';
import { disputeAnswerFields, evidenceFields } from './dispute-fields.js';
import { str } from './wire-fields.js';

type Handler = (opened: OpenedRequest) => Promise<Record<string, unknown>>;

/** Routes whose bodies may be larger than the default: an answer carries its attachments. */
export const DISPUTE_ROUTE_BODY_BYTES_MAX: Readonly<Record<string, number>> = {
  '/icc/retrieval/backfill': BACKFILL_REQUEST_BODY_BYTES_MAX,
};

/**
 * The merchant's side of disputes: answering a retrieval request (or
 * defending a chargeback) with evidence, and reading a case.
 */
export function disputeHandlers(orders: OrderService, disputes: DisputeService, clock: () => number): Record<string, Handler> {
  const withOrder = async (d: { orderId: string }) => {
    const order = await orders.find(d.orderId);
    if (!order) throw new Error(`dispute on a missing order ${d.orderId}`);
    return order;
  };
  return {
    /** `{disputeId | serialNumber, requestId?, …evidence, attachments[]}` → the case, now EVIDENCE_SUBMITTED, and the stored answer. */
    '/icc/retrieval/backfill': async ({ merchant, payload }) => {
      const { dispute, evidence } = await disputes.submitEvidence(merchant, parseBackfillRequest(payload, clock()));
      return {
        // requestId is this answer's own number; the order's is orderRequestId.
        ...(evidence.requestId !== null ? { requestId: evidence.requestId } : {}),
        status: 'SUCCESS',
        ...disputeAnswerFields(dispute, await withOrder(dispute)),
        ...evidenceFields(evidence),
      };
    },
    /** `{disputeId | serialNumber}` → the case as its notifications carry it. */
    '/icc/disputeQuery': async ({ merchant, payload }) => {
      const disputeId = str(payload, 'disputeId', false, REQUEST_ID_LENGTH_MAX);
      const serialNumber = str(payload, 'serialNumber', false, REQUEST_ID_LENGTH_MAX);
      if (disputeId === undefined && serialNumber === undefined) throw new GatewayError('FIELD_MISSING', { field: 'disputeId' });
      const dispute = await disputes.findForMerchant(merchant, disputeId !== undefined ? { disputeId } : { orderId: serialNumber! });
      return { status: 'SUCCESS', ...disputeAnswerFields(dispute, await withOrder(dispute)) };
    },
  };
}
