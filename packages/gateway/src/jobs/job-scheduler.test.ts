import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../store/database.js';
import { JobLeaseRepository } from '../store/job-lease-repository.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../test-support/test-database.js';
import { waitUntil } from '../../test/e2e/wait-until.js';
import { JobScheduler, type BackgroundJob } from './job-scheduler.js';
import { JOB_LEASE_MS_MIN } from './limits.js';

const silent = { info() {}, warn() {}, error() {} };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that records how many runs overlapped, across every scheduler it is registered with. */
function overlapProbe(name: string, runMs: number) {
  const probe = { inFlight: 0, overlapMax: 0, runs: [] as string[] };
  const jobFor = (holder: string): BackgroundJob => ({
    name,
    intervalMs: 5,
    async run() {
      probe.inFlight += 1;
      probe.overlapMax = Math.max(probe.overlapMax, probe.inFlight);
      probe.runs.push(holder);
      await sleep(runMs);
      probe.inFlight -= 1;
    },
  });
  return { probe, jobFor };
}

describe(`job scheduler (${testDatabaseKind()})`, () => {
  let dir: string;
  let fresh: FreshDatabase;
  const opened: OpenedDatabase[] = [];
  const schedulers: JobScheduler[] = [];

  /** A scheduler with its own connection, as another process would have. */
  async function scheduler(holderId: string, leaseMs = 2_000): Promise<{ scheduler: JobScheduler; leases: JobLeaseRepository }> {
    const database = await openDatabase(fresh.url, { migrate: opened.length === 0 });
    opened.push(database);
    const leases = new JobLeaseRepository(database.db);
    const s = new JobScheduler({ leases, holderId, leaseMs, logger: silent });
    schedulers.push(s);
    return { scheduler: s, leases };
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencashier-jobs-'));
    fresh = await freshTestDatabase(dir);
  });

  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
    await Promise.all(opened.splice(0).map((o) => o.close()));
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('three schedulers sharing a job never run it at the same time, and it keeps running', async () => {
    const { probe, jobFor } = overlapProbe('order-expiry', 15);
    for (const holder of ['a', 'b', 'c']) {
      const { scheduler: s } = await scheduler(holder);
      s.register(jobFor(holder));
      s.start();
    }
    await waitUntil(() => (probe.runs.length >= 10 ? true : undefined), { timeoutMs: 20_000, what: '10 runs' });
    expect(probe.overlapMax).toBe(1);
    // The holder keeps its lease between runs: the job stays where it is.
    expect(new Set(probe.runs).size).toBe(1);
  });

  it('a stopped holder gives the job up and another scheduler takes it over', async () => {
    const { probe, jobFor } = overlapProbe('stale-payment-recovery', 5);
    const first = await scheduler('first');
    const second = await scheduler('second');
    first.scheduler.register(jobFor('first'));
    second.scheduler.register(jobFor('second'));
    first.scheduler.start();
    await waitUntil(() => (probe.runs.includes('first') ? true : undefined), { timeoutMs: 10_000, what: 'a run by the first holder' });
    second.scheduler.start();
    await first.scheduler.stop();
    await waitUntil(() => (probe.runs.includes('second') ? true : undefined), { timeoutMs: 10_000, what: 'a run by the second holder' });
    expect(second.scheduler.held()).toEqual(['stale-payment-recovery']);
    expect(probe.overlapMax).toBe(1);
  });

  it('a holder that stops renewing (a dead process) loses the job once its lease runs out, not before', async () => {
    const dead = await scheduler('dead', JOB_LEASE_MS_MIN);
    const { probe, jobFor } = overlapProbe('unknown-outcome-resolution', 1);
    dead.scheduler.register(jobFor('dead'));
    expect(await dead.scheduler.runOnce('unknown-outcome-resolution')).toBe(true);
    // The process "dies": nothing of it runs any more, and nothing is released.
    const [lease] = await dead.leases.list();
    const survivor = await scheduler('survivor', JOB_LEASE_MS_MIN);
    survivor.scheduler.register(jobFor('survivor'));
    const refusedAtMs = Date.now();
    const ranEarly = await survivor.scheduler.runOnce('unknown-outcome-resolution');
    if (refusedAtMs < lease!.leaseUntilMs) expect(ranEarly).toBe(false);
    await waitUntil(async () => ((await survivor.scheduler.runOnce('unknown-outcome-resolution')) ? true : undefined), { timeoutMs: 10_000, what: 'takeover after the lease ran out' });
    const tookOverAtMs = Date.now();
    expect(tookOverAtMs).toBeGreaterThanOrEqual(lease!.leaseUntilMs);
    expect(probe.runs).toEqual(['dead', 'survivor']);
  });

  it('a run whose lease is taken away is told through its abort signal', async () => {
    const { scheduler: s, leases } = await scheduler('a', JOB_LEASE_MS_MIN);
    let aborted = false;
    s.register({
      name: 'settlement',
      intervalMs: 1_000,
      async run(signal) {
        // Another holder takes the job over (as after a long pause of this process).
        await leases.release('settlement', 'a');
        await leases.acquire('settlement', 'b', Date.now(), 60_000);
        await waitUntil(() => (signal.aborted ? true : undefined), { timeoutMs: 10_000, what: 'the abort signal' });
        aborted = true;
      },
    });
    expect(await s.runOnce('settlement')).toBe(true);
    expect(aborted).toBe(true);
    expect(s.held()).toEqual([]);
  });

  it('a run that cannot reach the database to renew is stopped once its lease has run out', async () => {
    const { leases } = await scheduler('unused');
    let unreachable = false;
    const flaky = {
      acquire: (job: string, holder: string, nowMs: number, leaseMs: number) => (unreachable ? Promise.reject(new Error('connection refused')) : leases.acquire(job, holder, nowMs, leaseMs)),
      release: (job: string, holder: string) => leases.release(job, holder),
    };
    const s = new JobScheduler({ leases: flaky, holderId: 'cut-off', leaseMs: JOB_LEASE_MS_MIN, logger: silent });
    schedulers.push(s);
    let aborted = false;
    s.register({
      name: 'reconciliation',
      intervalMs: 1_000,
      async run(signal) {
        unreachable = true;
        await waitUntil(() => (signal.aborted ? true : undefined), { timeoutMs: 10_000, what: 'the abort signal' });
        aborted = true;
      },
    });
    expect(await s.runOnce('reconciliation')).toBe(true);
    expect(aborted).toBe(true);
    expect(s.held()).toEqual([]);
    unreachable = false;
  });

  it('refuses a job registered twice and a lease too short to renew safely', async () => {
    const { scheduler: s, leases } = await scheduler('a');
    s.register({ name: 'x', intervalMs: 10, run: async () => {} });
    expect(() => s.register({ name: 'x', intervalMs: 10, run: async () => {} })).toThrow(/twice/);
    expect(() => new JobScheduler({ leases, holderId: 'b', leaseMs: JOB_LEASE_MS_MIN - 1, logger: silent })).toThrow(RangeError);
  });
});
