import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import { loadCertificate } from '@opencashier/sdk';
import { MERCHANT_ID_PATTERN } from '../domain/limits.js';
import { issueMerchantFiles } from '../provisioning.js';
import type { MerchantRepository } from '../store/merchant-repository.js';

export interface MerchantCreateOptions {
  id: string;
  name: string;
  sandbox: boolean;
  allowedHosts: string;
  cert?: string;
  issueKeys?: string;
}

/** A display name is shown on the cashier page: something to read, not a paragraph. */
const MERCHANT_NAME_CHARS_MAX = 100;
/** `*`, `*.example.com` or a host name (labels of letters, digits and hyphens). */
const HOST_PATTERN = /^(\*|(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)$/i;

/**
 * Everything `merchant create` was given, checked before anything is
 * written: a wrong certificate path or host list leaves no merchant behind.
 * Returns the parsed hosts and certificate, or the first problem.
 */
export function checkMerchantCreate(o: MerchantCreateOptions): { hosts: string[]; certificate?: X509Certificate } | { problem: string } {
  if (!MERCHANT_ID_PATTERN.test(o.id)) return { problem: 'merchant id must be 9 digits' };
  const name = o.name.trim();
  if (name === '' || name.length > MERCHANT_NAME_CHARS_MAX) return { problem: `--name must be 1 to ${MERCHANT_NAME_CHARS_MAX} characters` };
  if (!o.cert === !o.issueKeys) return { problem: 'give exactly one of --cert or --issue-keys' };
  const hosts = o.allowedHosts.split(',').map((h) => h.trim()).filter(Boolean);
  const badHost = hosts.find((h) => !HOST_PATTERN.test(h));
  if (badHost !== undefined) return { problem: `--allowed-hosts: ${badHost} is not a host name, *.domain or *` };
  if (o.cert) {
    if (!existsSync(o.cert)) return { problem: `--cert ${o.cert}: no such file` };
    try {
      return { hosts, certificate: loadCertificate(readFileSync(o.cert)) };
    } catch (error) {
      return { problem: `--cert ${o.cert} is not a certificate (.cer, DER or PEM): ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { hosts };
}

/**
 * Creates the merchant and its first certificate in one transaction, after
 * every input was checked. Issued key files are written first and removed
 * again when the merchant could not be stored. Returns what to print.
 */
export type IssuedFiles = ReturnType<typeof issueMerchantFiles>;

/**
 * `bundle` writes, beside issued keys, the files a merchant's code loads them
 * from (the gateway certificate and the `<id>.json` bundle) and returns what
 * to print.
 */
export async function createMerchant(
  merchants: MerchantRepository,
  o: MerchantCreateOptions,
  fail: (message: string) => never,
  bundle: (dir: string, files: IssuedFiles) => unknown,
): Promise<string> {
  const checked = checkMerchantCreate(o);
  if ('problem' in checked) fail(checked.problem);
  if (await merchants.find(o.id)) fail(`merchant ${o.id} exists`);
  // Absolute paths in the bundle: it is read from wherever the merchant's code runs.
  const dir = o.issueKeys ? resolve(o.issueKeys) : undefined;
  const issued = dir ? issueMerchantFiles(dir, o.id) : undefined;
  try {
    await merchants.createWithCertificate({ merchantId: o.id, name: o.name.trim(), sandbox: o.sandbox, allowedHosts: checked.hosts }, (checked.certificate ?? issued?.certificate)!, Date.now());
  } catch (error) {
    if (issued) for (const path of [issued.pfxPath, issued.cerPath]) rmSync(path, { force: true });
    throw error;
  }
  if (!issued) return `merchant ${o.id} created`;
  return JSON.stringify(bundle(dir!, issued), null, 2);
}
