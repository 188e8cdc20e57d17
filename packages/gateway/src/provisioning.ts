import { randomBytes, X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePfx } from '@opencashier/sdk';
import { generateSelfSignedKey } from './keys/self-signed-key.js';
import type { GatewayConfig } from './config.js';
import { gatewayCertificatePath } from './keys/gateway-keys.js';
import type { Merchant, MerchantRepository } from './store/merchant-repository.js';
import type { MerchantSecretRepository } from './store/merchant-secret-repository.js';
import { formMerchantAcctId } from './protocols/form-gateway/merchant-account.js';

/** What a client in any language needs to talk to a sandbox merchant (`opencashier sandbox merchant --json`). */
export interface SandboxMerchantInfo {
  merchantId: string;
  pfxPath: string;
  pfxPassword: string;
  gatewayCertPath: string;
  baseUrl: string;
  /** The flat-JSON card API's app (appid and its MD5 secret), so that dialect works out of the box too. */
  globalJson?: { appid: string; secret: string };
  /** The RMB form gateway's account and MD5 key (signType 1; signType 4 uses the pfx above). */
  formGateway?: { merchantAcctId: string; md5Key: string };
}

/** The demo merchant's flat-JSON app id: its merchant id and a three-digit app number. */
export function defaultAppId(merchantId: string, appNumber = 1): string {
  return `${merchantId}${String(appNumber).padStart(3, '0')}`;
}

export function demoMerchantDir(dataDir: string): string {
  return join(dataDir, 'demo-merchant');
}

/** The demo merchant's details, as `opencashier sandbox merchant --json` prints them. */
export function demoMerchantInfoPath(dataDir: string): string {
  return join(demoMerchantDir(dataDir), 'merchant.json');
}

/**
 * Issues a merchant key pair the way a CFCA export looks to a client: a
 * password-protected `.pfx` (3DES, readable by OpenSSL 3, Java and PHP) and
 * a DER `.cer`. The gateway keeps only the certificate.
 */
export function issueMerchantFiles(dir: string, merchantId: string): { pfxPath: string; cerPath: string; pfxPassword: string; certificate: X509Certificate } {
  const { privateKey, certificate } = generateSelfSignedKey(`OpenCashier merchant ${merchantId}`);
  const pfxPassword = randomBytes(12).toString('base64url');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pfxPath = join(dir, `${merchantId}.pfx`);
  const cerPath = join(dir, `${merchantId}.cer`);
  writeFileSync(pfxPath, writePfx({ privateKey, certificate, password: pfxPassword }), { mode: 0o600 });
  writeFileSync(cerPath, certificate.raw);
  return { pfxPath, cerPath, pfxPassword, certificate };
}

/** The key bundle of a merchant onboarded from the CLI, as `PayEaseClient.fromFiles` loads it. */
export interface KeyBundleFiles {
  merchantId: string;
  baseUrl: string;
  pfxPath: string;
  pfxPassword: string;
  cerPath: string;
  gatewayCertPath: string;
  bundlePath: string;
}

/**
 * Completes issued key files into a bundle a merchant can take away: the
 * gateway certificate beside its keys and `<id>.json` naming them all
 * (readable by its owner only: it holds the pfx password).
 */
export function writeKeyBundle(dir: string, merchantId: string, files: { pfxPath: string; cerPath: string; pfxPassword: string }, gatewayCertPath: string, baseUrl: string): KeyBundleFiles {
  const gatewayCopy = join(dir, 'gateway.cer');
  copyFileSync(gatewayCertPath, gatewayCopy);
  const bundlePath = join(dir, `${merchantId}.json`);
  const bundle: KeyBundleFiles = { merchantId, baseUrl, pfxPath: files.pfxPath, pfxPassword: files.pfxPassword, cerPath: files.cerPath, gatewayCertPath: gatewayCopy, bundlePath };
  writeFileSync(bundlePath, JSON.stringify(bundle, null, 2), { mode: 0o600 });
  return bundle;
}

/** Creates the demo sandbox merchant and its key files on first start; returns its details every time. */
export async function ensureDemoMerchant(
  config: GatewayConfig,
  merchants: MerchantRepository,
  nowMs: number,
  secrets?: MerchantSecretRepository,
): Promise<{ info: SandboxMerchantInfo; created: boolean }> {
  const dir = demoMerchantDir(config.dataDir);
  const infoPath = demoMerchantInfoPath(config.dataDir);
  const existing: Merchant | undefined = await merchants.find(config.demoMerchantId);
  if (existing && existsSync(infoPath)) {
    const info = JSON.parse(readFileSync(infoPath, 'utf8')) as SandboxMerchantInfo;
    // A data directory from before the other dialects gets their secrets on its next start.
    const completed = secrets ? await withDialectSecrets(info, secrets, nowMs) : info;
    if (completed !== info) writeFileSync(infoPath, JSON.stringify(completed, null, 2), { mode: 0o600 });
    return { info: { ...completed, baseUrl: config.publicBaseUrl }, created: false };
  }
  const files = issueMerchantFiles(dir, config.demoMerchantId);
  if (!existing) {
    // Any host: the demo shop runs wherever the user starts it; the sandbox flag keeps it out of production routing.
    await merchants.create({ merchantId: config.demoMerchantId, name: 'OpenCashier Demo Shop', sandbox: true, allowedHosts: ['*'] }, nowMs);
  }
  await merchants.addCertificate(config.demoMerchantId, files.certificate, nowMs, 0);
  const base: SandboxMerchantInfo = {
    merchantId: config.demoMerchantId,
    pfxPath: files.pfxPath,
    pfxPassword: files.pfxPassword,
    gatewayCertPath: gatewayCertificatePath(config.dataDir),
    baseUrl: config.publicBaseUrl,
  };
  const info = secrets ? await withDialectSecrets(base, secrets, nowMs) : base;
  writeFileSync(infoPath, JSON.stringify(info, null, 2), { mode: 0o600 });
  return { info, created: true };
}

/**
 * The demo merchant's secrets of the MD5-signed dialects, issued when its
 * info lacks them. The demo shop reads them from its (0600) info file like
 * its pfx password: a sandbox convenience, never done for real merchants.
 */
async function withDialectSecrets(info: SandboxMerchantInfo, secrets: MerchantSecretRepository, nowMs: number): Promise<SandboxMerchantInfo> {
  let completed = info;
  if (!completed.globalJson) completed = { ...completed, globalJson: await issueGlobalJsonApp(info.merchantId, secrets, nowMs, 0) };
  if (!completed.formGateway) completed = { ...completed, formGateway: await issueFormGatewayKey(info.merchantId, secrets, nowMs, 0) };
  return completed;
}

/** Issues (or replaces, the previous one verifying for `overlapMs`) the merchant's first flat-JSON app and its MD5 secret. */
export async function issueGlobalJsonApp(merchantId: string, secrets: MerchantSecretRepository, nowMs: number, overlapMs: number): Promise<{ appid: string; secret: string }> {
  const appid = defaultAppId(merchantId);
  const secret = await secrets.issue(merchantId, 'global-json-app', appid, nowMs, overlapMs);
  return { appid, secret: secret.reveal() };
}

/** Issues (or replaces) the merchant's RMB form gateway account key. */
export async function issueFormGatewayKey(merchantId: string, secrets: MerchantSecretRepository, nowMs: number, overlapMs: number): Promise<{ merchantAcctId: string; md5Key: string }> {
  const merchantAcctId = formMerchantAcctId(merchantId);
  const key = await secrets.issue(merchantId, 'form-gateway-md5', merchantAcctId, nowMs, overlapMs);
  return { merchantAcctId, md5Key: key.reveal() };
}
