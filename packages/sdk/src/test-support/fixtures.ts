/**
 * Test-only helpers: the shared PayEase vectors (made by the real PHP
 * client), their keys read *without* the code under test, temp dirs, and a
 * shell runner for the independent `openssl` cross-checks.
 */

import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');

/**
 * The vectors travel with the repository (packages/sdk/test-vectors), so a
 * fresh clone tests on its own; OPENCASHIER_VECTOR_DIR points at another set.
 */
export const VECTOR_DIR = process.env['OPENCASHIER_VECTOR_DIR'] ?? resolve(REPO_ROOT, 'packages/sdk/test-vectors/payease-v3');
export const VECTOR_KEY_DIR = join(VECTOR_DIR, 'keys');
export const VECTOR_PFX_PASSWORD = '123456';

export interface PayEaseVector {
  name: string;
  payload: Record<string, unknown>;
  requestCanonical: string;
  requestCanonicalSha1Hex: string;
  requestHmac: string;
  verifyCanonical: string;
  verifyHmacByGateway: string;
  requestJson: string;
  aesKey: string;
  body: string;
  encryptKey: string;
}

export function loadVectors(): PayEaseVector[] {
  return JSON.parse(readFileSync(join(VECTOR_DIR, 'vectors.json'), 'utf8')) as PayEaseVector[];
}

export interface VectorKeys {
  merchantKey: KeyObject;
  merchantCert: X509Certificate;
  gatewayKey: KeyObject;
  gatewayCert: X509Certificate;
}

/** The vector keys from their PEM/DER files, through node:crypto only. */
export function loadVectorKeys(): VectorKeys {
  const file = (name: string): Buffer => readFileSync(join(VECTOR_KEY_DIR, name));
  return {
    merchantKey: createPrivateKey(file('merchant.key')),
    merchantCert: new X509Certificate(file('merchant.cer')),
    gatewayKey: createPrivateKey(file('gateway.key')),
    gatewayCert: new X509Certificate(file('gateway.cer')),
  };
}

export function vectorFile(name: string): Buffer {
  return readFileSync(join(VECTOR_KEY_DIR, name));
}

/** A fresh temp dir and its remover. */
export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'opencashier-sdk-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs a bash script (pipefail on) in `cwd` and returns its stdout. Used to
 * let the `openssl` command line compute expected values independently.
 */
export function sh(script: string, options: { cwd?: string; input?: string | Buffer } = {}): Buffer {
  return execFileSync('bash', ['-c', `set -euo pipefail\n${script}`], {
    cwd: options.cwd,
    input: options.input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
}
