import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from './database.js';
import { JobLeaseRepository } from './job-lease-repository.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../test-support/test-database.js';

const LEASE_MS = 10_000;
const T0 = 1_800_000_000_000;

describe(`job leases (${testDatabaseKind()})`, () => {
  let dir: string;
  let fresh: FreshDatabase;
  let opened: OpenedDatabase;
  let leases: JobLeaseRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencashier-leases-'));
    fresh = await freshTestDatabase(dir);
    opened = await openDatabase(fresh.url);
    leases = new JobLeaseRepository(opened.db);
  });

  afterEach(async () => {
    await opened.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a free job goes to the first holder; another holder is refused until the lease runs out', async () => {
    expect(await leases.acquire('order-expiry', 'a', T0, LEASE_MS)).toBe(true);
    expect(await leases.acquire('order-expiry', 'b', T0 + 1, LEASE_MS)).toBe(false);
    expect(await leases.acquire('order-expiry', 'b', T0 + LEASE_MS - 1, LEASE_MS)).toBe(false);
    expect(await leases.list()).toEqual([{ jobName: 'order-expiry', holderId: 'a', leaseUntilMs: T0 + LEASE_MS, acquiredAtMs: T0, renewedAtMs: T0 }]);
    expect(await leases.acquire('order-expiry', 'b', T0 + LEASE_MS, LEASE_MS)).toBe(true);
    expect(await leases.list()).toEqual([{ jobName: 'order-expiry', holderId: 'b', leaseUntilMs: T0 + 2 * LEASE_MS, acquiredAtMs: T0 + LEASE_MS, renewedAtMs: T0 + LEASE_MS }]);
  });

  it('the holder renews before expiry, keeping the time it took the job', async () => {
    await leases.acquire('order-expiry', 'a', T0, LEASE_MS);
    expect(await leases.acquire('order-expiry', 'a', T0 + 5_000, LEASE_MS)).toBe(true);
    expect(await leases.acquire('order-expiry', 'b', T0 + LEASE_MS, LEASE_MS)).toBe(false);
    expect((await leases.list())[0]).toMatchObject({ holderId: 'a', acquiredAtMs: T0, renewedAtMs: T0 + 5_000, leaseUntilMs: T0 + 5_000 + LEASE_MS });
  });

  it('jobs are leased independently, and a release frees only the releasing holder’s lease', async () => {
    expect(await leases.acquire('order-expiry', 'a', T0, LEASE_MS)).toBe(true);
    expect(await leases.acquire('stale-payment-recovery', 'b', T0, LEASE_MS)).toBe(true);
    await leases.release('order-expiry', 'b');
    expect(await leases.acquire('order-expiry', 'b', T0 + 1, LEASE_MS)).toBe(false);
    await leases.release('order-expiry', 'a');
    expect(await leases.acquire('order-expiry', 'b', T0 + 1, LEASE_MS)).toBe(true);
  });

  it('of many holders racing for a free job at once, exactly one gets it', async () => {
    // Separate connections (a pool on PostgreSQL, separate handles on one SQLite file), as separate processes would have.
    const others = await Promise.all(Array.from({ length: 4 }, () => openDatabase(fresh.url, { migrate: false })));
    try {
      const repos = [leases, ...others.map((o) => new JobLeaseRepository(o.db))];
      for (let round = 0; round < 5; round++) {
        const job = `race-${round}`;
        const results = await Promise.all(repos.flatMap((repo, r) => [0, 1].map((k) => repo.acquire(job, `holder-${r}-${k}`, T0, LEASE_MS))));
        expect(results.filter(Boolean)).toHaveLength(1);
      }
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });
});
