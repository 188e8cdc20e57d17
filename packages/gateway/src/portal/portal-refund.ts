import { requestDigest } from '../orders/request-digest.js';
import type { RefundService } from '../orders/refund-service.js';
import type { AmountMinor } from '../domain/money.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OrderRepository } from '../store/order-repository.js';
import type { AuditActor, AuditLog } from './audit-log.js';
import { display } from './order-search.js';
import { portalError } from './portal-error.js';

export interface PortalRefundDeps {
  orders: OrderRepository;
  refunds: RefundService;
  audit: AuditLog;
  clock: () => number;
}

export interface PortalRefundInput {
  orderId: string;
  requestId: string;
  /** Digits, or undefined for everything still refundable. */
  amountText: string | undefined;
  remark: string | null;
}

export interface PortalRefundAnswer {
  kind: 'created' | 'replayed';
  refund: { refundId: string; requestId: string; state: string; amountMinor: string; amount: string; currency: string; failureCode: string | null };
}

/**
 * One refund asked for in the back office (the order page or a batch row).
 * It goes through RefundService.request, the same core the merchant API
 * uses: the portal is one more way to ask, never a second refund engine.
 */
export async function portalRefund(deps: PortalRefundDeps, actor: AuditActor, merchant: Merchant, input: PortalRefundInput): Promise<PortalRefundAnswer> {
  const { orderId, requestId, amountText, remark } = input;
  if (amountText !== undefined && !/^[1-9]\d{0,17}$/.test(amountText)) throw portalError('AMOUNT_INVALID', { field: 'amountMinor' });
  const before = await deps.orders.find(orderId);
  const result = await deps.refunds.request(merchant, {
    requestId,
    requestDigest: requestDigest({ source: 'portal', orderId, amountMinor: amountText ?? null, remark }),
    orderId,
    amountMinor: amountText === undefined ? null : (BigInt(amountText) as AmountMinor),
    remark,
    notifyUrl: null,
  });
  const r = result.refund;
  if (result.kind === 'created') {
    await deps.audit.record(
      actor,
      {
        merchantId: merchant.merchantId,
        action: 'refund.request',
        target: orderId,
        before: before ? { refundReservedMinor: before.refundReservedMinor, refundedMinor: before.refundedMinor } : null,
        after: { refundId: r.refundId, requestId: r.requestId, amountMinor: r.amountMinor, state: r.state },
      },
      deps.clock(),
    );
  }
  return {
    kind: result.kind,
    refund: { refundId: r.refundId, requestId: r.requestId, state: r.state, amountMinor: r.amountMinor.toString(), amount: display(r.amountMinor, r.currency), currency: r.currency, failureCode: r.failureCode },
  };
}
