import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../store/database.js';
import { ClusterIdentityRepository } from '../store/cluster-identity-repository.js';
import { checkClusterIdentity, ClusterIdentityError, refuseMissingGatewayKey, type LocalIdentity } from './cluster-identity.js';

const kek = (...values: string[]): LocalIdentity => ({ item: 'kek-id', values, source: 'OPENCASHIER_KEK' });
const key = (...values: string[]): LocalIdentity => ({ item: 'gateway-key-fingerprint', values, source: '/data/keys/gateway-keys.json' });

describe('checkClusterIdentity', () => {
  let database: OpenedDatabase;
  let repository: ClusterIdentityRepository;
  beforeEach(async () => {
    database = await openDatabase(':memory:');
    repository = new ClusterIdentityRepository(database.db);
  });
  afterEach(() => database.close());

  it('records the first node and accepts a node with the same keys', async () => {
    await checkClusterIdentity(repository, [kek('k1'), key('f1')], 1, 'node-a');
    await checkClusterIdentity(repository, [kek('k1'), key('f1')], 2, 'node-b');
    expect(await repository.read('kek-id')).toBe('k1');
    expect(await repository.read('gateway-key-fingerprint')).toBe('f1');
  });

  it('refuses other keys, naming each item that differs and its source, and records nothing of them', async () => {
    await checkClusterIdentity(repository, [kek('k1'), key('f1')], 1, 'node-a');
    const refused = await checkClusterIdentity(repository, [kek('k2'), key('f2')], 2, 'node-b').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ClusterIdentityError);
    expect((refused as ClusterIdentityError).differences).toHaveLength(2);
    expect((refused as Error).message).toContain('OPENCASHIER_KEK');
    expect((refused as Error).message).toContain('/data/keys/gateway-keys.json');
    expect(await repository.read('kek-id')).toBe('k1');
    expect(await repository.read('gateway-key-fingerprint')).toBe('f1');
  });

  it('follows a rotation made on this node (the recorded key is one it keeps), and then refuses the old key alone', async () => {
    await checkClusterIdentity(repository, [kek('k1'), key('f1')], 1, 'node-a');
    await checkClusterIdentity(repository, [kek('k2', 'k1'), key('f2', 'f1')], 2, 'node-a');
    expect(await repository.read('kek-id')).toBe('k2');
    expect(await repository.read('gateway-key-fingerprint')).toBe('f2');
    await expect(checkClusterIdentity(repository, [kek('k1')], 3, 'node-b')).rejects.toBeInstanceOf(ClusterIdentityError);
    await checkClusterIdentity(repository, [kek('k2', 'k1')], 4, 'node-b');
  });

  it('refuses a node without a gateway key once the cluster has one, and not before', async () => {
    await refuseMissingGatewayKey(repository, '/data/keys/gateway-keys.json');
    await checkClusterIdentity(repository, [key('f1')], 1, 'node-a');
    await expect(refuseMissingGatewayKey(repository, '/data/keys/gateway-keys.json')).rejects.toThrow(/gateway-keys\.json does not exist/);
  });
});
