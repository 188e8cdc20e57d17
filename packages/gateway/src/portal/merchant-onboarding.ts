import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCurrency } from '../domain/currencies.js';
import { parseFeePlan, type FeePlan } from '../domain/fee-plan.js';
import { MERCHANT_ID_PATTERN } from '../domain/limits.js';
import { isPaymentMethod } from '../domain/payment-method.js';
import { gatewayCertificatePath } from '../keys/gateway-keys.js';
import { issueFormGatewayKey, issueGlobalJsonApp, issueMerchantFiles } from '../provisioning.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OperatorConsoleDeps } from './operator-deps.js';
import { portalError } from './portal-error.js';
import { optionalText, requiredText, type Body } from './request-fields.js';

/**
 * Everything a new merchant's developers need, handed out once: the key
 * pair as the password-protected `.pfx` (base64) with its password, the
 * certificate, the gateway's certificate, and the secrets of the MD5
 * dialects. The gateway keeps only the certificate and the encrypted secrets.
 */
export interface KeyBundle {
  merchantId: string;
  baseUrl: string;
  pfxBase64: string;
  pfxPassword: string;
  certificateBase64: string;
  gatewayCertificateBase64: string | null;
  globalJson: { appid: string; secret: string };
  formGateway: { merchantAcctId: string; md5Key: string };
  issuedAtMs: number;
}

/** A host of allowedHosts: a DNS name, `*.` and a name, or `*` alone. */
const HOST = /^(\*|(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$/;
const HOSTS_MAX = 32;

/** A comma- or line-separated host list, lower-cased; refused whole when one host is not a host. */
export function parseAllowedHosts(text: string): string[] {
  const hosts = [...new Set(text.split(/[\s,]+/).map((h) => h.trim().toLowerCase()).filter(Boolean))];
  if (hosts.length === 0) throw portalError('FIELD_MISSING', { field: 'allowedHosts' });
  if (hosts.length > HOSTS_MAX) throw portalError('FIELD_INVALID', { field: 'allowedHosts', reason: `at most ${HOSTS_MAX} hosts` });
  const bad = hosts.find((h) => !HOST.test(h) || h.length > 253);
  if (bad) throw portalError('FIELD_INVALID', { field: 'allowedHosts', reason: `${bad} is not a host name` });
  return hosts;
}

/** `sandbox` or `live`. */
export function parseMode(body: Body): boolean {
  const mode = requiredText(body, 'mode', 16);
  if (mode !== 'sandbox' && mode !== 'live') throw portalError('FIELD_INVALID', { field: 'mode', reason: 'sandbox or live' });
  return mode === 'sandbox';
}

/** A list of payment method names; absent: the merchant takes every method the gateway runs. */
export function parseMethods(body: Body): string[] | undefined {
  const raw = body.methods;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw) || raw.some((m) => typeof m !== 'string')) throw portalError('FIELD_INVALID', { field: 'methods', reason: 'a list of method names' });
  const unknown = (raw as string[]).find((m) => !isPaymentMethod(m));
  if (unknown !== undefined) throw portalError('FIELD_INVALID', { field: 'methods', reason: `unknown method ${unknown.slice(0, 32)}` });
  return raw as string[];
}

/** ISO 4217 codes, comma- or space-separated; empty: every currency the gateway supports (null). */
export function parseCurrencies(body: Body): string[] | null {
  const text = optionalText(body, 'currencies', 512);
  if (text === undefined) return null;
  const codes = [...new Set(text.split(/[\s,]+/).map((c) => c.trim().toUpperCase()).filter(Boolean))];
  if (codes.length === 0) return null;
  const unknown = codes.find((c) => !findCurrency(c));
  if (unknown !== undefined) throw portalError('FIELD_INVALID', { field: 'currencies', reason: `${unknown.slice(0, 8)} is not a currency the gateway supports` });
  return codes;
}

const FEE_PLANS_MAX = 64;

/** Fee plans `{plans: [{method, currency, percentBps, fixedMinor, minimumMinor}]}`, as the admin API takes them; absent: none. */
export function parseFeePlans(body: Body): FeePlan[] | undefined {
  const raw = body.plans;
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw portalError('FIELD_INVALID', { field: 'plans', reason: 'a list of fee plans' });
  if (raw.length > FEE_PLANS_MAX) throw portalError('FIELD_INVALID', { field: 'plans', reason: `at most ${FEE_PLANS_MAX}` });
  const plans = raw.map((p, i) => parseFeePlan(p, i));
  if (new Set(plans.map((p) => `${p.method}/${p.currency}`)).size !== plans.length) throw portalError('FIELD_INVALID', { field: 'plans', reason: 'one plan per method and currency' });
  return plans;
}

/** Makes a key pair and the dialect secrets for the merchant; `overlapMs` keeps the previous ones verifying (rotation). */
export async function issueKeyBundle(deps: OperatorConsoleDeps, merchantId: string, overlapMs: number): Promise<KeyBundle> {
  const now = deps.clock();
  // Written by the shared issuer into a private scratch folder, read back, and removed: the private key never stays on the gateway.
  const scratch = mkdtempSync(join(tmpdir(), 'opencashier-keys-'));
  try {
    const files = issueMerchantFiles(scratch, merchantId);
    await deps.merchants.addCertificate(merchantId, files.certificate, now, overlapMs);
    const gatewayCert = gatewayCertificatePath(deps.config.dataDir);
    return {
      merchantId,
      baseUrl: deps.config.publicBaseUrl,
      pfxBase64: readFileSync(files.pfxPath).toString('base64'),
      pfxPassword: files.pfxPassword,
      certificateBase64: readFileSync(files.cerPath).toString('base64'),
      gatewayCertificateBase64: existsSync(gatewayCert) ? readFileSync(gatewayCert).toString('base64') : null,
      globalJson: await issueGlobalJsonApp(merchantId, deps.secrets, now, overlapMs),
      formGateway: await issueFormGatewayKey(merchantId, deps.secrets, now, overlapMs),
      issuedAtMs: now,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Onboards a merchant from the console's form: `{merchantId, name, mode,
 * allowedHosts, methods?, currencies?, plans?}`. Everything is checked before anything is
 * written; the key bundle is answered once.
 */
export async function onboardMerchant(deps: OperatorConsoleDeps, body: Body): Promise<{ merchant: Merchant; methods: string[]; feePlans: FeePlan[]; bundle: KeyBundle }> {
  const merchantId = requiredText(body, 'merchantId', 16);
  if (!MERCHANT_ID_PATTERN.test(merchantId)) throw portalError('FIELD_INVALID', { field: 'merchantId', reason: '9 digits' });
  const name = requiredText(body, 'name', 128).trim();
  if (name === '') throw portalError('FIELD_MISSING', { field: 'name' });
  const sandbox = parseMode(body);
  const allowedHosts = parseAllowedHosts(requiredText(body, 'allowedHosts', 4096));
  const methods = parseMethods(body);
  const currencies = parseCurrencies(body);
  const plans = parseFeePlans(body);
  if (await deps.merchants.find(merchantId)) throw portalError('FIELD_INVALID', { field: 'merchantId', reason: 'a merchant with this id exists' });
  const merchant = await deps.merchants.create({ merchantId, name, sandbox, allowedHosts, currencies }, deps.clock());
  if (methods) await deps.onlinePay.setEnabledMethods(merchantId, methods);
  if (plans && plans.length > 0) await deps.crossBorder.pricing.replaceFeePlans(merchantId, plans, deps.clock());
  const bundle = await issueKeyBundle(deps, merchantId, 0);
  return { merchant, methods: await deps.onlinePay.enabledMethods(merchantId), feePlans: plans ?? [], bundle };
}
