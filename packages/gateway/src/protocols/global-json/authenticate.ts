import { verifyGlobalJsonSign } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { Merchant, MerchantRepository } from '../../store/merchant-repository.js';
import type { MerchantSecretRepository } from '../../store/merchant-secret-repository.js';
import type { Secret } from '../../keys/secret.js';
import { text, type Wire } from './fields.js';

export interface Authenticated {
  merchant: Merchant;
  appId: string;
  /** The app's current secret: it signs the answer. */
  secret: Secret;
}

/**
 * Who is asking: `mchid` names the merchant, `appid` one of its apps, and
 * `sign` must verify under one of the app's secrets (the current one or one
 * still in its rotation overlap).
 */
export async function authenticate(body: Wire, deps: { merchants: MerchantRepository; secrets: MerchantSecretRepository; clock: () => number }): Promise<Authenticated> {
  const mchid = text(body, 'mchid', true, 32)!;
  const appId = text(body, 'appid', true, 64)!;
  const merchant = await deps.merchants.find(mchid);
  if (!merchant) throw new GatewayError('MERCHANT_UNKNOWN');
  const found = await deps.secrets.verifying('global-json-app', appId, deps.clock());
  if (!found || found.merchantId !== merchant.merchantId) throw new GatewayError('APP_UNKNOWN', { keyId: appId });
  if (typeof body.sign !== 'string' || body.sign === '') throw new GatewayError('FIELD_MISSING', { field: 'sign' });
  if (!verifyGlobalJsonSign(body, found.secrets.map((s) => s.reveal()))) throw new GatewayError('SIGNATURE_INVALID');
  // Checked after the signature: a suspended merchant's state is told only to the merchant itself.
  if (merchant.status !== 'active') throw new GatewayError('MERCHANT_SUSPENDED');
  return { merchant, appId, secret: found.secrets[0]! };
}
