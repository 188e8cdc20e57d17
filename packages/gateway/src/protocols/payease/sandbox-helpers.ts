import { GatewayError } from '../../domain/errors.js';
import type { OrderService } from '../../orders/order-service.js';
import type { OpenedRequest } from './gateway-envelope.js';
import { iccOrderFields } from './order-fields.js';
import type { DisputeService } from '../../orders/dispute-service.js';
import { DISPUTE_OUTCOMES, type DisputeOutcome, type DisputeStage } from '../../domain/dispute.js';
import { disputeAnswerFields, disputeFields } from './dispute-fields.js';
import { payWithTestCard } from '../../orders/sandbox-payment.js';
import { REQUEST_ID_LENGTH_MAX } from '../../domain/limits.js';
import type { AmountMinor } from '../../domain/money.js';
import { parsePositiveWireAmount } from './wire-amount.js';
import { str } from './wire-fields.js';

/**
 * Sandbox test helpers: drive an order through the sandbox channel without a
 * browser, so a merchant's own automated tests can reach every outcome.
 * Called with the same signed envelope as every other API, and refused
 * unless the merchant is a sandbox merchant.
 */
async function orderOf(orders: OrderService, opened: OpenedRequest) {
  if (!opened.merchant.sandbox) throw new GatewayError('SANDBOX_ONLY');
  const requestId = opened.payload.requestId;
  if (typeof requestId !== 'string' || requestId === '') throw new GatewayError('FIELD_MISSING', { field: 'requestId' });
  const order = await orders.findByRequest(opened.merchant.merchantId, requestId);
  if (!order) throw new GatewayError('ORDER_NOT_FOUND');
  return order;
}

export function sandboxHandlers(orders: OrderService, disputes: DisputeService): Record<string, (opened: OpenedRequest) => Promise<Record<string, unknown>>> {
  const openCase = async (opened: OpenedRequest, stage: DisputeStage) => {
    const order = await orderOf(orders, opened);
    const amount = opened.payload.amount;
    let amountMinor: AmountMinor | undefined;
    if (amount !== undefined && amount !== '') {
      amountMinor = parsePositiveWireAmount(amount);
      if (amountMinor === undefined) throw new GatewayError('AMOUNT_INVALID', { field: 'amount' });
    }
    const reasonCode = reasonCodeOf(opened);
    const d = await disputes.open({ orderId: order.orderId, stage, ...(reasonCode ? { reasonCode } : {}), ...(amountMinor ? { amountMinor } : {}) }, { kind: 'CHANNEL', name: 'sandbox-card' });
    return { status: 'SUCCESS', ...disputeFields(d, order) };
  };
  return {
    /** `{requestId, cardNumber, otp?}`: pays with a magic card; `otp` answers a 3-D Secure challenge. */
    '/sandbox/pay': async (opened) => {
      const order = await orderOf(orders, opened);
      const pan = opened.payload.cardNumber;
      if (typeof pan !== 'string' || !/^[0-9]{12,19}$/.test(pan)) throw new GatewayError('FIELD_INVALID', { field: 'cardNumber', reason: '12 to 19 digits' });
      const otp = opened.payload.otp;
      return iccOrderFields(await payWithTestCard(orders, order.orderId, pan, typeof otp === 'string' ? otp : undefined));
    },
    /** `{requestId, reasonCode?, amount?}`: the cardholder files a chargeback on a paid order (notified like a real one). */
    '/sandbox/chargeback': async (opened) => openCase(opened, 'CHARGEBACK'),
    /** `{requestId, reasonCode?, amount?}`: the issuer sends a retrieval request on a paid order. */
    '/sandbox/retrieval': async (opened) => openCase(opened, 'RETRIEVAL'),
    /** `{disputeId, outcome}`: the sandbox acquirer decides a case (WON, LOST, ACCEPTED, REVERSED). */
    '/sandbox/disputeDecide': async (opened) => {
      if (!opened.merchant.sandbox) throw new GatewayError('SANDBOX_ONLY');
      const disputeId = str(opened.payload, 'disputeId', true, REQUEST_ID_LENGTH_MAX)!;
      const outcome = str(opened.payload, 'outcome', true, 16)!;
      if (!(DISPUTE_OUTCOMES as readonly string[]).includes(outcome)) throw new GatewayError('FIELD_INVALID', { field: 'outcome', reason: DISPUTE_OUTCOMES.join(', ') });
      const own = await disputes.findForMerchant(opened.merchant, { disputeId });
      const decided = await disputes.decide(own.disputeId, outcome as DisputeOutcome, { kind: 'CHANNEL', name: 'sandbox-card' });
      return { status: 'SUCCESS', ...disputeAnswerFields(decided, (await orders.find(decided.orderId))!) };
    },
    /** `{disputeId}`: the sandbox issuer escalates a case (retrieval → chargeback → pre-arbitration). */
    '/sandbox/disputeEscalate': async (opened) => {
      if (!opened.merchant.sandbox) throw new GatewayError('SANDBOX_ONLY');
      const disputeId = str(opened.payload, 'disputeId', true, REQUEST_ID_LENGTH_MAX)!;
      const own = await disputes.findForMerchant(opened.merchant, { disputeId });
      const escalated = await disputes.escalate(own.disputeId, {}, { kind: 'CHANNEL', name: 'sandbox-card' });
      return { status: 'SUCCESS', ...disputeAnswerFields(escalated, (await orders.find(escalated.orderId))!) };
    },
    /** `{requestId}`: the order expires now, unpaid (CANCEL, notified). */
    '/sandbox/expire': async (opened) => {
      const order = await orderOf(orders, opened);
      return iccOrderFields(await orders.expireNow(order.orderId));
    },
  };
}

function reasonCodeOf(opened: OpenedRequest): string | undefined {
  const r = opened.payload.reasonCode;
  return typeof r === 'string' && r !== '' ? r : undefined;
}

