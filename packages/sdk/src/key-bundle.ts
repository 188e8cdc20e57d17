import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError } from './errors.js';

/** Key files as `opencashier sandbox merchant --json` and `opencashier merchant create --issue-keys` name them. */
export interface KeyFiles {
  merchantId: string;
  pfxPath: string;
  pfxPassword: string;
  gatewayCertPath: string;
  baseUrl: string;
}

/** What a client needs from a key bundle, read into memory. */
export interface LoadedKeyBundle {
  merchantId: string;
  pfx: Buffer;
  pfxPassword: string;
  gatewayCertificate: Buffer;
  baseUrl: string;
}

function text(o: Record<string, unknown>, field: string, source: string): string {
  const value = o[field];
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`${source}: ${field} is missing`);
  return value;
}

/**
 * Reads a key bundle: the key files' JSON (paths relative to the JSON file
 * resolve beside it), a JSON file's path, or the operator console's bundle
 * (`pfxBase64`, `gatewayCertificateBase64`), so whichever way a merchant was
 * onboarded, its bundle loads as it was handed out.
 */
export function readKeyBundle(bundle: KeyFiles | string): LoadedKeyBundle {
  const source = typeof bundle === 'string' ? bundle : 'key files';
  const o = (typeof bundle === 'string' ? JSON.parse(readFileSync(bundle, 'utf8')) : bundle) as Record<string, unknown>;
  const base = typeof bundle === 'string' ? dirname(resolve(bundle)) : process.cwd();
  const common = { merchantId: text(o, 'merchantId', source), pfxPassword: text(o, 'pfxPassword', source), baseUrl: text(o, 'baseUrl', source) };
  if (typeof o.pfxBase64 === 'string') {
    return { ...common, pfx: Buffer.from(o.pfxBase64, 'base64'), gatewayCertificate: Buffer.from(text(o, 'gatewayCertificateBase64', source), 'base64') };
  }
  return { ...common, pfx: readFileSync(resolve(base, text(o, 'pfxPath', source))), gatewayCertificate: readFileSync(resolve(base, text(o, 'gatewayCertPath', source))) };
}
