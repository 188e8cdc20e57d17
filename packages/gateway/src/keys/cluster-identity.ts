/**
 * Every node sharing a database must sign with the same gateway key and
 * open sealed values with the same key-encryption key: a node with other
 * keys would report ready and sign answers and notifications that no
 * merchant can verify. The first node records both (the gateway key's
 * certificate fingerprint and the KEK id); every node checks them at start,
 * before it serves or claims any work, and refuses to start when they differ.
 */
import { join } from 'node:path';
import type { ClusterIdentityItem, ClusterIdentityRepository } from '../store/cluster-identity-repository.js';
import type { GatewayKeyRing } from './gateway-keys.js';
import type { KeyEncryptionKey } from './kek.js';

/** One item of this node's identity: its current value first, then those a rotation kept. */
export interface LocalIdentity {
  item: ClusterIdentityItem;
  values: readonly string[];
  /** The file or variable the value comes from, named when it differs. */
  source: string;
}

export class ClusterIdentityError extends Error {
  constructor(readonly differences: readonly string[]) {
    super(
      `this node's keys differ from the cluster's, so it does not start (it has served nothing and claimed no work):\n${differences.map((d) => `- ${d}`).join('\n')}\n` +
        'Every node sharing the database needs the same keys/gateway-keys.json and keys/gateway.cer (copied from a node of the cluster) and the same OPENCASHIER_KEK.',
    );
    this.name = 'ClusterIdentityError';
  }
}

const LABELS: Record<ClusterIdentityItem, string> = {
  'gateway-key-fingerprint': 'the gateway key (SHA-256 certificate fingerprint)',
  'kek-id': 'the key-encryption key (KEK id)',
};

/** The gateway key file of a data directory, as named in a refusal. */
export function gatewayKeySource(dataDir: string): string {
  return join(dataDir, 'keys', 'gateway-keys.json');
}

/** Where the KEK comes from, as named in a refusal. */
export function kekSource(dataDir: string, fromEnvironment: boolean): string {
  return fromEnvironment ? 'OPENCASHIER_KEK (and OPENCASHIER_KEK_PREVIOUS)' : join(dataDir, 'kek');
}

export function gatewayKeyIdentity(ring: GatewayKeyRing, source: string): LocalIdentity {
  return { item: 'gateway-key-fingerprint', values: ring.keys.map((k) => k.certificate.fingerprint256), source };
}

export function kekIdentity(kek: KeyEncryptionKey, source: string): LocalIdentity {
  return { item: 'kek-id', values: kek.keyIds, source };
}

/**
 * Records this node's identity when the cluster has none yet, accepts it
 * when it matches, follows a rotation made on this node (the recorded value
 * is one this node still keeps), and otherwise throws ClusterIdentityError
 * naming every item that differs and the file it comes from.
 */
export async function checkClusterIdentity(repository: ClusterIdentityRepository, locals: readonly LocalIdentity[], nowMs: number, nodeName: string): Promise<void> {
  const differences: string[] = [];
  for (const local of locals) {
    const current = local.values[0]!;
    const recorded = await repository.recordIfAbsent(local.item, current, nowMs, nodeName);
    if (recorded === current) continue;
    if (local.values.includes(recorded) && ((await repository.replace(local.item, recorded, current, nowMs, nodeName)) || (await repository.read(local.item)) === current)) continue;
    differences.push(`${LABELS[local.item]} differs: ${local.source} (this node ${abbreviate(current)}, the cluster ${abbreviate(recorded)})`);
  }
  if (differences.length > 0) throw new ClusterIdentityError(differences);
}

/** A node without a gateway key joining a cluster that has one: refused before a new key is made. */
export async function refuseMissingGatewayKey(repository: ClusterIdentityRepository, source: string): Promise<void> {
  const recorded = await repository.read('gateway-key-fingerprint');
  if (recorded) throw new ClusterIdentityError([`${LABELS['gateway-key-fingerprint']} is missing: ${source} does not exist, and the cluster's is ${abbreviate(recorded)}`]);
}

function abbreviate(value: string): string {
  return value.length > 23 ? `${value.slice(0, 23)}…` : value;
}
