import { amountMinorToWire, FORM_RESULT_FAILURE, FORM_RESULT_FIELDS, FORM_RESULT_SUCCESS, formSign, type FormSigner } from '@opencashier/sdk';
import type { Order } from '../../domain/order.js';
import type { GatewayKeyRing } from '../../keys/gateway-keys.js';
import type { MerchantSecretRepository } from '../../store/merchant-secret-repository.js';
import { formTime } from './form-time.js';
import { FORM_PAYMENT_CLOSED, FORM_PAYMENT_DECLINED } from './wire-codes.js';

/**
 * The result of a final order as the seed's second field list has it, for
 * the pageUrl redirect and the bgUrl notification: every field, in order. `dealId` is the gateway's
 * order id, `bankDealId` the channel's reference, amounts in fen.
 */
export function formResultFields(order: Order): Record<string, string> {
  const c = order.dialectContext;
  const paid = order.state === 'SUCCESS';
  const fields: Record<string, string | undefined> = {
    merchantAcctId: c.merchantAcctId,
    version: c.version,
    language: c.language,
    signType: c.signType,
    payType: c.payType,
    bankId: c.bankId,
    orderId: order.requestId,
    orderTime: c.orderTime,
    orderAmount: amountMinorToWire(order.amountMinor),
    dealId: order.orderId,
    bankDealId: paid ? (order.channelReference ?? undefined) : undefined,
    dealTime: order.completedAtMs === null ? undefined : formTime(order.completedAtMs),
    payAmount: paid ? amountMinorToWire(order.amountMinor) : undefined,
    fee: amountMinorToWire(order.feeMinor),
    ext1: c.ext1,
    ext2: c.ext2,
    payResult: paid ? FORM_RESULT_SUCCESS : FORM_RESULT_FAILURE,
    errCode: paid ? undefined : order.state === 'FAILED' ? FORM_PAYMENT_DECLINED : FORM_PAYMENT_CLOSED,
  };
  // Every field of the seed's list, in its order, an empty one as the empty string (left out of signMsg only).
  const out: Record<string, string> = {};
  for (const name of FORM_RESULT_FIELDS) out[name] = fields[name] ?? '';
  return out;
}

export interface FormSigningDeps {
  secrets: MerchantSecretRepository;
  keys: GatewayKeyRing;
  clock: () => number;
}

/** How answers to an account are signed: its current MD5 key, or the gateway's current RSA key. */
export async function gatewaySigner(merchantId: string, merchantAcctId: string, signType: string, deps: FormSigningDeps): Promise<FormSigner> {
  if (signType === '4') return { signType: '4', privateKey: deps.keys.current.privateKey };
  const found = await deps.secrets.verifying('form-gateway-md5', merchantAcctId, deps.clock());
  if (!found || found.merchantId !== merchantId) throw new Error(`account ${merchantAcctId} has no MD5 key`);
  return { signType: '1', key: found.secrets[0]!.reveal() };
}

/** The fields with their `signMsg`, signed over `order` as the account's signType says. */
export async function signedFields(fields: Record<string, string>, order: readonly string[], merchantId: string, deps: FormSigningDeps): Promise<Record<string, string>> {
  const signer = await gatewaySigner(merchantId, fields.merchantAcctId ?? '', fields.signType ?? '1', deps);
  return { ...fields, signMsg: formSign(fields, order, signer) };
}
