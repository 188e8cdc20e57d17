import { X509Certificate } from 'node:crypto';
import { FORM_REQUEST_FIELDS, isFormSignType, verifyFormSign, type FormVerifier } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { Merchant, MerchantRepository } from '../../store/merchant-repository.js';
import type { MerchantSecretRepository } from '../../store/merchant-secret-repository.js';
import { merchantIdOfAcct } from './merchant-account.js';

export interface FormAuthDeps {
  merchants: MerchantRepository;
  secrets: MerchantSecretRepository;
  clock: () => number;
}

/**
 * The verifier for a merchant account's `signType`: its MD5 keys (current
 * and in overlap) for 1, the public keys of its certificates (the same ones
 * the PayEase API verifies with) for 4.
 */
export async function accountVerifier(merchantId: string, merchantAcctId: string, signType: '1' | '4', deps: FormAuthDeps): Promise<FormVerifier> {
  if (signType === '1') {
    const found = await deps.secrets.verifying('form-gateway-md5', merchantAcctId, deps.clock());
    if (!found || found.merchantId !== merchantId) throw new GatewayError('APP_UNKNOWN', { keyId: merchantAcctId });
    return { signType, keys: found.secrets.map((s) => s.reveal()) };
  }
  const certificates = await deps.merchants.verifyingCertificates(merchantId, deps.clock());
  if (certificates.length === 0) throw new GatewayError('APP_UNKNOWN', { keyId: merchantAcctId });
  return { signType, publicKeys: certificates.map((c) => new X509Certificate(c.certificatePem).publicKey) };
}

/**
 * The merchant behind `merchantAcctId` once the form's `signMsg` verifies
 * over `fieldOrder` (the order form's, or a server call's); refusals carry core codes.
 */
export async function authenticateForm(
  f: Readonly<Record<string, string>>,
  deps: FormAuthDeps,
  fieldOrder: readonly string[] = FORM_REQUEST_FIELDS,
): Promise<{ merchant: Merchant; signType: '1' | '4' }> {
  const signType = f.signType;
  if (!signType) throw new GatewayError('FIELD_MISSING', { field: 'signType' });
  if (!isFormSignType(signType)) throw new GatewayError('FIELD_INVALID', { field: 'signType', reason: 'must be 1 (MD5) or 4 (RSA)' });
  const acct = f.merchantAcctId;
  if (!acct) throw new GatewayError('FIELD_MISSING', { field: 'merchantAcctId' });
  const merchantId = merchantIdOfAcct(acct);
  const merchant = merchantId ? await deps.merchants.find(merchantId) : undefined;
  if (!merchant) throw new GatewayError('MERCHANT_UNKNOWN');
  if (!f.signMsg) throw new GatewayError('FIELD_MISSING', { field: 'signMsg' });
  const verifier = await accountVerifier(merchant.merchantId, acct, signType, deps);
  if (!verifyFormSign(f, fieldOrder, f.signMsg, verifier)) throw new GatewayError('SIGNATURE_INVALID');
  if (merchant.status !== 'active') throw new GatewayError('MERCHANT_SUSPENDED');
  return { merchant, signType };
}
