import { amountMinorToWire, FORM_RESULT_FAILURE, FORM_RESULT_SUCCESS, renderFlatXml } from '@opencashier/sdk';
import type { Order } from '../../domain/order.js';
import type { Refund, RefundState } from '../../domain/refund.js';
import { formTime } from './form-time.js';
import { formResultFields, signedFields, type FormSigningDeps } from './result-fields.js';
import { FORM_REFUND_DECLINED } from './wire-codes.js';

type Fields = Readonly<Record<string, string>>;

/** refundResult of a refund: 10 refunded, 11 refused by the bank, empty while the bank has not answered. */
const REFUND_RESULT: Readonly<Record<RefundState, string>> = {
  PROCESSING: '',
  SUCCESS: FORM_RESULT_SUCCESS,
  FAILED: FORM_RESULT_FAILURE,
};

/** The order as an order query answers it: its result fields, `payResult` empty while it is not final. */
export function orderQueryFields(order: Order, final: boolean): Record<string, string> {
  const result = formResultFields(order);
  return {
    ...result,
    payResult: final ? result.payResult! : '',
    errCode: final ? result.errCode! : '',
    refundedAmount: amountMinorToWire(order.refundedMinor),
  };
}

/** A refund as the refund call, the refund query and the refund result carry it. */
export function refundFields(refund: Refund, order: Order): Record<string, string> {
  const c = order.dialectContext;
  return {
    merchantAcctId: c.merchantAcctId ?? '',
    version: c.version ?? '',
    signType: c.signType ?? '',
    orderId: order.requestId,
    dealId: order.orderId,
    refundId: refund.requestId,
    refundDealId: refund.refundId,
    refundAmount: amountMinorToWire(refund.amountMinor),
    refundResult: REFUND_RESULT[refund.state],
    errCode: refund.state === 'FAILED' ? FORM_REFUND_DECLINED : '',
    refundTime: refund.completedAtMs === null ? '' : formTime(refund.completedAtMs),
  };
}

/**
 * A server call's signed XML answer: every field of `order`, empty ones as
 * empty elements, `signMsg` over the non-empty ones. Unsigned when the
 * account cannot be signed for (an unknown merchant, no key).
 */
export async function signedXml(fields: Fields, order: readonly string[], merchantId: string | undefined, deps: FormSigningDeps): Promise<string> {
  const all: Record<string, string> = {};
  for (const name of order) all[name] = fields[name] ?? '';
  let signMsg: string | undefined;
  if (merchantId && all.merchantAcctId) {
    try {
      signMsg = (await signedFields(all, order, merchantId, deps)).signMsg;
    } catch {
      signMsg = undefined;
    }
  }
  return renderFlatXml('res', [...order.map((name) => [name, all[name]] as const), ['signMsg', signMsg] as const]);
}
