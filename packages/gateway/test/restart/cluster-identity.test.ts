/**
 * A node whose keys differ from the cluster's refuses to start. The first
 * node records its gateway key fingerprint and KEK id in the shared
 * database; a node started on that database with no key, another key or
 * another KEK exits with a message naming the file (or variable) that
 * differs, before it serves a request or takes a job lease; a node with the
 * cluster's keys joins.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness.js';
import { GatewayProcess } from './gateway-process.js';
import { openDatabase } from '../../src/store/database.js';
import { KeyEncryptionKey } from '../../src/keys/kek.js';
import { loadOrCreateGatewayKeys } from '../../src/keys/gateway-keys.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';

describe(`a node with other keys does not join the cluster (${testDatabaseKind()})`, () => {
  const kekBase64 = randomBytes(32).toString('base64');
  const dirs: string[] = [];
  const nodes: GatewayProcess[] = [];
  let database: FreshDatabase;
  let first: GatewayProcess;
  let firstDir: string;

  const newDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'opencashier-cluster-'));
    dirs.push(dir);
    return dir;
  };
  const node = async (dataDir: string, kek = kekBase64) => {
    const port = await freePort();
    const gateway = new GatewayProcess(
      {
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_DATABASE_URL: database.url,
        OPENCASHIER_KEK: kek,
        PORT: String(port),
        HOST: '127.0.0.1',
        OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        OPENCASHIER_LOG_LEVEL: 'warn',
      },
      dataDir,
    );
    nodes.push(gateway);
    return gateway;
  };
  /** Starts a node that must refuse; its output. */
  const refusal = async (gateway: GatewayProcess) => {
    await expect(gateway.start()).rejects.toThrow(/exited during start-up/);
    expect(gateway.exitCode).toBe(1);
    return gateway.output;
  };
  /** Job lease holders name host and pid: a refused node must hold none. */
  const leaseHolders = async () => {
    const opened = await openDatabase(database.url, { migrate: false });
    try {
      return (await opened.db.selectFrom('job_leases').select('holder_id').execute()).map((r) => r.holder_id);
    } finally {
      await opened.close();
    }
  };

  beforeAll(async () => {
    firstDir = newDir();
    database = await freshTestDatabase(firstDir);
    first = await node(firstDir);
    await first.start();
  });
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a node with an empty data directory instead of making a key of its own', async () => {
    const dir = newDir();
    const joining = await node(dir);
    const output = await refusal(joining);
    expect(output).toContain(`${join(dir, 'keys', 'gateway-keys.json')} does not exist`);
    expect(output).toContain('gateway key');
    expect((await leaseHolders()).some((h) => h.includes(`/${joining.pid}/`))).toBe(false);
  });

  it('refuses a node with a gateway key of its own, naming its key file', async () => {
    const dir = newDir();
    loadOrCreateGatewayKeys(dir, KeyEncryptionKey.fromBase64(kekBase64), Date.now());
    const joining = await node(dir);
    const output = await refusal(joining);
    expect(output).toMatch(/the gateway key \(SHA-256 certificate fingerprint\) differs/);
    expect(output).toContain(join(dir, 'keys', 'gateway-keys.json'));
    expect((await leaseHolders()).some((h) => h.includes(`/${joining.pid}/`))).toBe(false);
  });

  it('refuses a node with the cluster key files but another KEK, naming OPENCASHIER_KEK', async () => {
    const dir = newDir();
    cpSync(join(firstDir, 'keys'), join(dir, 'keys'), { recursive: true });
    const joining = await node(dir, randomBytes(32).toString('base64'));
    const output = await refusal(joining);
    expect(output).toMatch(/the key-encryption key \(KEK id\) differs: OPENCASHIER_KEK/);
    expect(output).not.toMatch(/gateway key \(SHA-256/);
  });

  it('lets a node with the cluster keys join, and the first node keeps running', async () => {
    const dir = newDir();
    cpSync(join(firstDir, 'keys'), join(dir, 'keys'), { recursive: true });
    const joining = await node(dir);
    await joining.start();
    const [a, b] = await Promise.all([fetch(`${first.baseUrl}/readyz`), fetch(`${joining.baseUrl}/readyz`)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await joining.stop();
  });
});
