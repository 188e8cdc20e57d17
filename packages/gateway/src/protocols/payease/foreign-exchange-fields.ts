import { amountMinorToWire } from '@opencashier/sdk';
import type { Order } from '../../domain/order.js';
import type { FxOrder, ReviewStatus } from '../../fx/fx-order.js';
import type { FxSellBack } from '../../store/fx-sell-back-repository.js';
import { beijingDateTime, iccOrderFields } from './order-fields.js';
import { applyPaymentMethodFields } from './online-pay-fields.js';
import { subOrderSerialNumber } from '../../fx/customs-declarations.js';

type Fields = Record<string, unknown>;

/** The sub-orders as answered: each gets a serial number of its own under the order's. */
function subOrderFields(fx: FxOrder): Fields[] | undefined {
  if (fx.declaration.subOrders.length === 0) return undefined;
  return fx.declaration.subOrders.map((s, i) => ({ requestId: s.requestId, orderAmount: amountMinorToWire(s.orderAmountMinor), serialNumber: subOrderSerialNumber(fx.orderId, i) }));
}

/** The payment part: present once the payment reached a final state. */
function paymentFields(order: Order): Fields | undefined {
  if (order.state !== 'SUCCESS' && order.state !== 'FAILED') return undefined;
  return {
    amount: amountMinorToWire(order.amountMinor),
    currency: order.currency,
    status: order.state,
    ...(order.completedAtMs !== null ? { completeDateTime: beijingDateTime(order.completedAtMs) } : {}),
    ...(order.details.bindCardId ? { bindCardId: order.details.bindCardId } : {}),
  };
}

/** The review status as merchants see it: an order that was never paid has its review cancelled. */
function shownReview(order: Order, fx: FxOrder): ReviewStatus | null {
  if (fx.reviewStatus === 'INIT' || fx.reviewStatus === 'UPLOADED') return order.state === 'CANCEL' || order.state === 'FAILED' ? 'CANCEL' : fx.reviewStatus;
  return fx.reviewStatus;
}

/**
 * An FX order as `foreignExchange/query` answers it and its notifications
 * carry it: every field of seed 002. `orderAmount`/`orderCurrency` are the
 * merchant's price; `payment` what the payer paid (CNY); `foreignExchange`
 * the purchase, once it is done.
 */
export function fxOrderFields(order: Order, fx: FxOrder): Fields {
  const base: Fields = iccOrderFields(order);
  applyPaymentMethodFields(order, base);
  const review = shownReview(order, fx);
  const fields: Fields = {
    merchantId: order.merchantId,
    requestId: order.requestId,
    serialNumber: order.orderId,
    status: base.status,
    orderAmount: amountMinorToWire(fx.orderAmountMinor),
    orderCurrency: fx.orderCurrency,
    totalRefundCount: base.totalRefundCount,
    totalRefundAmount: base.totalRefundAmount,
    feeAmount: base.feeAmount,
    remark: base.remark,
    payment: paymentFields(order),
    foreignExchange:
      fx.purchaseStatus === 'PENDING'
        ? undefined
        : {
            ...(fx.purchasedMinor !== null ? { amount: amountMinorToWire(fx.purchasedMinor) } : {}),
            currency: fx.fxCurrency,
            status: fx.purchaseStatus,
            ...(fx.purchaseRate ? { listprice: fx.purchaseRate } : {}),
            ...(fx.deductionMinor !== null ? { deductionAmount: amountMinorToWire(fx.deductionMinor) } : {}),
            ...(fx.purchaseCompletedAtMs !== null ? { completeDateTime: beijingDateTime(fx.purchaseCompletedAtMs) } : {}),
            ...(fx.soldBackMinor > 0n ? { soldBackAmount: amountMinorToWire(fx.soldBackMinor) } : {}),
          },
    clearingOrg: base.clearingOrg,
    paymentModeAlias: base.paymentModeAlias,
    realBankSerialNumber: base.realBankSerialNumber,
    listprice: order.details.foreignExchange?.listprice,
    needReview: fx.needReview ? 'true' : 'false',
    reviewStatus: review ?? undefined,
    reviewRemark: fx.reviewRemark ?? undefined,
    subOrders: subOrderFields(fx),
    code: base.code,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/**
 * The payment notification of an FX order, written by the shared order
 * core when the payment reaches its final state. It knows the order only,
 * so it carries the price as taken (a snapshot in the order's details) and
 * the payment; review and purchase steps send their own notifications.
 */
export function fxPaymentNotificationFields(order: Order): Fields {
  const snapshot = order.details.foreignExchange ?? {};
  const base: Fields = iccOrderFields(order);
  applyPaymentMethodFields(order, base);
  const fields: Fields = {
    notifyType: 'PAYMENT',
    ...base,
    payment: paymentFields(order),
    listprice: snapshot.listprice,
    needReview: snapshot.needReview,
  };
  delete fields.cardType;
  delete fields.deliveryStatus;
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/**
 * A sale of bought currency back to the FX desk (a refund after the
 * purchase), as its notification carries it: what was sold at which rate,
 * the CNY it fetched and had cost, and the difference the merchant bears
 * (negative: a loss taken from its settlement).
 */
export function sellBackFields(sale: FxSellBack): Fields {
  return {
    serialNumber: sale.saleId,
    amount: amountMinorToWire(sale.soldMinor),
    currency: sale.currency,
    status: sale.status,
    listprice: sale.rate,
    cnyAmount: amountMinorToWire(sale.proceedsMinor),
    costAmount: amountMinorToWire(sale.costMinor),
    differenceAmount: signedWire(sale.proceedsMinor - sale.costMinor),
    ...(sale.completedAtMs !== null ? { completeDateTime: beijingDateTime(sale.completedAtMs) } : {}),
  };
}

/** A signed amount in minor units (wire amounts are otherwise never negative): a leading "-" for a loss. */
function signedWire(amountMinor: bigint): string {
  return amountMinor < 0n ? `-${amountMinorToWire(-amountMinor)}` : amountMinorToWire(amountMinor);
}
