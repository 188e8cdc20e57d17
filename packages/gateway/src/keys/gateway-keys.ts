import { createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateSelfSignedKey } from './self-signed-key.js';
import type { KeyEncryptionKey } from './kek.js';


export interface GatewayKey {
  id: string;
  privateKey: KeyObject;
  certificate: X509Certificate;
  createdAtMs: number;
  /** After this instant requests wrapped to this key are refused; null for the current key. */
  retiresAtMs: number | null;
}

interface StoredKey {
  id: string;
  createdAtMs: number;
  retiresAtMs: number | null;
  privateKeySealed: string;
  certificatePem: string;
}

/**
 * The gateway's signing and decryption keys. The current key signs every
 * answer and notification; keys replaced by a rotation still open requests
 * wrapped to them until their overlap ends, so merchants can switch
 * certificates without a failed request.
 */
export class GatewayKeyRing {
  constructor(readonly keys: readonly GatewayKey[]) {
    if (!keys[0] || keys[0].retiresAtMs !== null) throw new Error('the key ring needs a current key first');
  }
  get current(): GatewayKey {
    return this.keys[0]!;
  }
  /** Private keys that may open a request at `nowMs`, current first. */
  decryptionKeys(nowMs: number): KeyObject[] {
    return this.keys.filter((k) => k.retiresAtMs === null || k.retiresAtMs > nowMs).map((k) => k.privateKey);
  }
}

function keyFile(dataDir: string): string {
  return join(dataDir, 'keys', 'gateway-keys.json');
}

/** The DER certificate handed to merchants (PayEase clients read the gateway `.cer` as DER). */
export function gatewayCertificatePath(dataDir: string): string {
  return join(dataDir, 'keys', 'gateway.cer');
}

function newKey(nowMs: number): GatewayKey {
  const { privateKey, certificate } = generateSelfSignedKey('OpenCashier gateway');
  return { id: randomUUID(), privateKey, certificate, createdAtMs: nowMs, retiresAtMs: null };
}

function save(dataDir: string, kek: KeyEncryptionKey, keys: readonly GatewayKey[]): void {
  mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
  const stored: StoredKey[] = keys.map((k) => ({
    id: k.id,
    createdAtMs: k.createdAtMs,
    retiresAtMs: k.retiresAtMs,
    privateKeySealed: kek.seal('gateway-key', Buffer.from(k.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)),
    certificatePem: k.certificate.toString(),
  }));
  // Write then rename: a crash mid-write never leaves a half key file.
  const tmp = `${keyFile(dataDir)}.tmp`;
  writeFileSync(tmp, JSON.stringify(stored, null, 2), { mode: 0o600 });
  renameSync(tmp, keyFile(dataDir));
  writeFileSync(gatewayCertificatePath(dataDir), keys[0]!.certificate.raw);
}

export function loadGatewayKeys(dataDir: string, kek: KeyEncryptionKey): GatewayKeyRing | undefined {
  if (!existsSync(keyFile(dataDir))) return undefined;
  const stored = JSON.parse(readFileSync(keyFile(dataDir), 'utf8')) as StoredKey[];
  return new GatewayKeyRing(
    stored.map((s) => ({
      id: s.id,
      createdAtMs: s.createdAtMs,
      retiresAtMs: s.retiresAtMs,
      privateKey: createPrivateKey(kek.open('gateway-key', s.privateKeySealed).toString()),
      certificate: new X509Certificate(s.certificatePem),
    })),
  );
}

/** Loads the key ring, creating the first key on first start. */
export function loadOrCreateGatewayKeys(dataDir: string, kek: KeyEncryptionKey, nowMs: number): { ring: GatewayKeyRing; created: boolean } {
  const existing = loadGatewayKeys(dataDir, kek);
  if (existing) return { ring: existing, created: false };
  const ring = new GatewayKeyRing([newKey(nowMs)]);
  save(dataDir, kek, ring.keys);
  return { ring, created: true };
}

/** Makes a new current key; the previous ones keep opening requests for `overlapMs`. Retired keys past their overlap are dropped. */
export function rotateGatewayKey(dataDir: string, kek: KeyEncryptionKey, nowMs: number, overlapMs: number): GatewayKeyRing {
  const existing = loadGatewayKeys(dataDir, kek);
  const kept = (existing?.keys ?? [])
    .filter((k) => k.retiresAtMs === null || k.retiresAtMs > nowMs)
    .map((k) => ({ ...k, retiresAtMs: k.retiresAtMs ?? nowMs + overlapMs }));
  const ring = new GatewayKeyRing([newKey(nowMs), ...kept]);
  save(dataDir, kek, ring.keys);
  return ring;
}

/** Re-seals the key file under the current KEK (a KEK rotation); returns how many keys were re-wrapped. */
export function rewrapGatewayKeys(dataDir: string, kek: KeyEncryptionKey): number {
  if (!existsSync(keyFile(dataDir))) return 0;
  const stored = JSON.parse(readFileSync(keyFile(dataDir), 'utf8')) as StoredKey[];
  const stale = stored.filter((s) => !kek.isCurrent(s.privateKeySealed)).length;
  if (stale === 0) return 0;
  const ring = loadGatewayKeys(dataDir, kek)!;
  save(dataDir, kek, ring.keys);
  return stale;
}
