import { amountMinorToWire } from '@opencashier/sdk';
import { notifyTypeOf, type Dispute, type DisputeEvent } from '../../domain/dispute.js';
import type { DisputeEvidence } from '../../domain/dispute-evidence.js';
import type { Order } from '../../domain/order.js';
import { beijingDateTime, reportedPrice } from './order-fields.js';

/**
 * A dispute case as the merchant sees it, in answers and notifications:
 * the order it is on (its requestId and serialNumber), the case's stage,
 * status, reason, amount and deadline. Empty values are omitted.
 */
export function disputeFields(d: Dispute, order: Order): Record<string, string> {
  const fields: Record<string, string | null | undefined> = {
    merchantId: d.merchantId,
    requestId: order.requestId,
    serialNumber: order.orderId,
    ...reportedPrice(order),
    disputeId: d.disputeId,
    disputeStage: d.stage,
    disputeStatus: d.status,
    reasonCode: d.reasonCode,
    reasonText: d.reasonText,
    disputeAmount: amountMinorToWire(d.amountMinor),
    disputeCurrency: d.currency,
    openDateTime: beijingDateTime(d.openedAtMs),
    respondBy: beijingDateTime(d.respondByMs),
    evidenceDateTime: d.evidenceSubmittedAtMs === null ? undefined : beijingDateTime(d.evidenceSubmittedAtMs),
    closeDateTime: d.closedAtMs === null ? undefined : beijingDateTime(d.closedAtMs),
    acquirerReference: d.acquirerReference,
  };
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

/**
 * A case in the answer to a request about it by case id: the order's
 * requestId goes as `orderRequestId`, because an answer's `requestId`
 * echoes the request's own number (and clients check the echo).
 */
export function disputeAnswerFields(d: Dispute, order: Order): Record<string, string> {
  const { requestId, ...rest } = disputeFields(d, order);
  return { orderRequestId: requestId ?? order.requestId, ...rest };
}

/** What happened, in one word: OPENED, ESCALATED, or the outcome (WON, LOST, ACCEPTED, REVERSED, EXPIRED). */
export function disputeEventWord(event: DisputeEvent): string {
  if (event.fromStage === null) return 'OPENED';
  if (event.fromStage !== event.toStage) return 'ESCALATED';
  return event.toStatus;
}

/**
 * A chargeback notification (stages CHARGEBACK and PRE_ARBITRATION) or a
 * retrieval notification, marked by `notifyType` so one URL can tell them
 * from order and refund notifications.
 */
export function disputeNotificationFields(d: Dispute, order: Order, event: DisputeEvent): Record<string, string> {
  return { notifyType: notifyTypeOf(d.stage), disputeEvent: disputeEventWord(event), ...disputeFields(d, order) };
}

/** An answer as stored: its id, when, and each attachment's name, type, size and SHA-256. */
export function evidenceFields(e: DisputeEvidence): Record<string, unknown> {
  return {
    evidenceId: e.evidenceId,
    submitDateTime: beijingDateTime(e.submittedAtMs),
    attachments: e.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: String(a.sizeBytes), sha256: a.sha256 })),
  };
}
