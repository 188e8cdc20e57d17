import { GatewayError } from '../../domain/errors.js';
import { ONLINE_PAY_TIMEOUT_MINUTES_MAX } from '../../domain/limits.js';
import { paymentMethodSpec } from '../../domain/payment-method.js';
import { parsePaymentModeFields } from './payment-mode-request.js';
import type { OnlinePayOrderRequest } from '../../onlinepay/online-pay-command.js';
import { requestDigest } from '../../orders/request-digest.js';
import { parseIccOrderRequest } from './icc-order-request.js';
import { str, wholeNumberText, type Wire } from './wire-fields.js';
import { bindingClientIp } from '../../domain/ip-address.js';


/** Fields of the card order that the unified order does not have; they are ignored, not refused. */
const ICC_ONLY_FIELDS = ['orderType', 'shipInfo', 'billInfo', 'terminalNo', 'timeout'] as const;

/**
 * Maps an `onlinePay/order` request to a domain order. The fields it shares
 * with `icc/order` are read by the same parser; the timeout is at most a
 * day and the method fields are checked here.
 */
export function parseOnlinePayOrderRequest(payload: Wire): OnlinePayOrderRequest {
  const shared: Wire = { ...payload };
  for (const f of ICC_ONLY_FIELDS) delete shared[f];
  // Wallets and online banking serve payers in mainland China: the cashier speaks Chinese unless told otherwise.
  if (shared.language === undefined || shared.language === '') shared.language = 'zh';
  const base = parseIccOrderRequest(shared);
  const timeoutWire = wholeNumberText(payload, 'timeout', false, 6);
  let timeoutMinutes = base.timeoutMinutes;
  if (timeoutWire !== undefined) {
    if (!/^[1-9][0-9]*$/.test(timeoutWire) || Number(timeoutWire) > ONLINE_PAY_TIMEOUT_MINUTES_MAX) {
      throw new GatewayError('FIELD_INVALID', { field: 'timeout', reason: `minutes from 1 to ${ONLINE_PAY_TIMEOUT_MINUTES_MAX}` });
    }
    timeoutMinutes = Number(timeoutWire);
  }
  // The cashier is served only to this address, so it must be one.
  const clientIp = bindingClientIp(base.clientIp);
  const { mode, appId, openId, merchantUserId, bindCardId } = parsePaymentModeFields(payload);
  const cashierVersion = str(payload, 'cashierVersion', false, 16);
  if (cashierVersion !== undefined && cashierVersion !== 'STANDARD') throw new GatewayError('FIELD_INVALID', { field: 'cashierVersion', reason: 'must be STANDARD' });
  return {
    order: {
      ...base,
      requestDigest: requestDigest(payload),
      timeoutMinutes,
      clientIp,
      product: 'onlinePay',
      paymentMethod: mode?.method ?? null,
      ...(bindCardId && mode && paymentMethodSpec(mode.method).action === 'saved-card' ? { details: { ...base.details, bindCardId } } : {}),
    },
    mode,
    ...(appId ? { appId } : {}),
    ...(openId ? { openId } : {}),
    ...(merchantUserId ? { merchantUserId } : {}),
    ...(bindCardId ? { bindCardId } : {}),
  };
}
