import { GatewayError } from '../../domain/errors.js';
import { WALLET_ID_LENGTH_MAX } from '../../domain/limits.js';
import { paymentMethodSpec, parsePaymentModeCode, type ParsedPaymentMode } from '../../domain/payment-method.js';
import { str, type Wire } from './wire-fields.js';

/** The method fields of an order request, checked together: what the payer will be handed depends on them. */
export interface PaymentModeRequest {
  /** Undefined: the payer chooses in the hosted cashier. */
  mode: ParsedPaymentMode | undefined;
  appId?: string;
  openId?: string;
  merchantUserId?: string;
  bindCardId?: string;
}

/**
 * Reads `paymentModeCode` and the fields some methods need with it (the
 * WeChat openId, the saved card of express payments). Shared by
 * `onlinePay/order` and `foreignExchange/order`, which take the same methods.
 */
export function parsePaymentModeFields(payload: Wire): PaymentModeRequest {
  const code = str(payload, 'paymentModeCode', false, 50);
  const mode = code === undefined ? undefined : parsePaymentModeCode(code);
  if (code !== undefined && !mode) throw new GatewayError('PAYMENT_MODE_UNKNOWN', { paymentModeCode: code });
  const appId = str(payload, 'appId', false, WALLET_ID_LENGTH_MAX);
  const openId = str(payload, 'openId', false, WALLET_ID_LENGTH_MAX);
  if (mode && paymentMethodSpec(mode.method).needsOpenId && !openId) throw new GatewayError('FIELD_MISSING', { field: 'openId' });
  const merchantUserId = str(payload, 'merchantUserId', false, WALLET_ID_LENGTH_MAX);
  const bindCardId = str(payload, 'bindCardId', false, WALLET_ID_LENGTH_MAX);
  if (mode && paymentMethodSpec(mode.method).action === 'saved-card') {
    if (!merchantUserId) throw new GatewayError('FIELD_MISSING', { field: 'merchantUserId' });
    if (!bindCardId) throw new GatewayError('FIELD_MISSING', { field: 'bindCardId' });
  }
  return {
    mode,
    ...(appId ? { appId } : {}),
    ...(openId ? { openId } : {}),
    ...(merchantUserId ? { merchantUserId } : {}),
    ...(bindCardId ? { bindCardId } : {}),
  };
}
