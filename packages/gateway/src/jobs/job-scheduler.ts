/**
 * Runs background jobs once across every process and node sharing the
 * database: before each run a process must hold the job's lease (a row in
 * `job_leases`), renews it while the run lasts, and keeps it between runs
 * by renewing at its next tick. A process that dies stops renewing; when
 * the lease runs out the next process to tick takes the job over.
 *
 * A lease rules out two runs at once; it does not make a job run at most
 * once per interval across a takeover. Jobs are therefore written to be
 * safe to run again (guarded transitions, or their own record of what is
 * done), and a run whose lease is lost is told so through its AbortSignal.
 */
import { JOB_LEASE_MS_MIN, JOB_LEASE_RENEWALS_PER_LEASE } from './limits.js';

export interface BackgroundJob {
  /** Stable name: it is the lease's key, shared by every process running the gateway. */
  name: string;
  /** Pause between the end of one run and the next attempt. */
  intervalMs: number;
  /** One pass of the job. `signal` aborts when the lease is lost mid-run: stop at the next safe point. */
  run(signal: AbortSignal): Promise<unknown>;
}

export interface JobLeaseStore {
  acquire(jobName: string, holderId: string, nowMs: number, leaseMs: number): Promise<boolean>;
  release(jobName: string, holderId: string): Promise<void>;
}

export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface JobSchedulerOptions {
  leases: JobLeaseStore;
  /** Unique per process (and per gateway within a process). */
  holderId: string;
  leaseMs: number;
  /** Wall clock for lease times; every process sharing the database must agree on it (NTP). */
  clock?: () => number;
  logger: JobLogger;
}

interface JobState {
  job: BackgroundJob;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  held: boolean;
}

export class JobScheduler {
  readonly holderId: string;
  readonly #opts: JobSchedulerOptions;
  readonly #clock: () => number;
  readonly #jobs = new Map<string, JobState>();
  #started = false;
  #stopping = false;

  constructor(opts: JobSchedulerOptions) {
    if (!Number.isInteger(opts.leaseMs) || opts.leaseMs < JOB_LEASE_MS_MIN) throw new RangeError(`job leaseMs must be an integer ≥ ${JOB_LEASE_MS_MIN}, got ${opts.leaseMs}`);
    this.#opts = opts;
    this.holderId = opts.holderId;
    this.#clock = opts.clock ?? Date.now;
  }

  /** Adds a job; once started, it begins at once. One line per job in the composition root. */
  register(job: BackgroundJob): void {
    if (this.#jobs.has(job.name)) throw new Error(`background job ${job.name} is registered twice`);
    if (!Number.isInteger(job.intervalMs) || job.intervalMs < 1) throw new RangeError(`job ${job.name}: intervalMs must be a positive integer`);
    const state: JobState = { job, timer: undefined, running: undefined, held: false };
    this.#jobs.set(job.name, state);
    if (this.#started) this.#schedule(state, 0);
  }

  start(): void {
    if (this.#started || this.#stopping) return;
    this.#started = true;
    for (const state of this.#jobs.values()) this.#schedule(state, 0);
  }

  /** Names of every registered job. */
  names(): string[] {
    return [...this.#jobs.keys()];
  }

  /** Names of the jobs this process holds the lease of right now. */
  held(): string[] {
    return [...this.#jobs.values()].filter((s) => s.held).map((s) => s.job.name);
  }

  /**
   * Takes (or renews) the job's lease and, if this process holds it, runs
   * the job once. Resolves to whether it ran.
   */
  async runOnce(name: string): Promise<boolean> {
    const state = this.#jobs.get(name);
    if (!state) throw new Error(`no background job ${name}`);
    if (state.running) {
      await state.running;
      return false;
    }
    let ran = false;
    const run = this.#leaseAndRun(state).then((r) => {
      ran = r;
    });
    state.running = run;
    try {
      await run;
    } finally {
      state.running = undefined;
    }
    return ran;
  }

  /** Stops ticking, waits for runs in flight, and gives up held leases so another process takes over at once. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const state of this.#jobs.values()) clearTimeout(state.timer);
    await Promise.allSettled([...this.#jobs.values()].map((s) => s.running));
    await Promise.allSettled(
      [...this.#jobs.values()]
        .filter((s) => s.held)
        .map(async (s) => {
          s.held = false;
          await this.#opts.leases.release(s.job.name, this.holderId);
        }),
    );
  }

  #schedule(state: JobState, delayMs: number): void {
    if (this.#stopping) return;
    state.timer = setTimeout(() => {
      this.runOnce(state.job.name)
        .catch((err: unknown) => this.#opts.logger.error({ err, job: state.job.name }, `background job ${state.job.name} failed`))
        .finally(() => this.#schedule(state, state.job.intervalMs));
    }, delayMs);
    state.timer.unref();
  }

  async #leaseAndRun(state: JobState): Promise<boolean> {
    const { leases, leaseMs, logger } = this.#opts;
    const name = state.job.name;
    let held: boolean;
    try {
      held = await leases.acquire(name, this.holderId, this.#clock(), leaseMs);
    } catch (err) {
      // Cannot tell whether the lease is still ours: behave as if not, and let it run out.
      state.held = false;
      throw err;
    }
    if (held !== state.held) logger.info({ job: name, holderId: this.holderId }, held ? `took the lease of background job ${name}` : `background job ${name} is held elsewhere`);
    state.held = held;
    if (!held || this.#stopping) return false;

    const lost = new AbortController();
    const loseLease = (why: string) => {
      if (lost.signal.aborted) return;
      state.held = false;
      logger.warn({ job: name, holderId: this.holderId }, `background job ${name} ${why}; stopping the run`);
      lost.abort(new Error(`lease of ${name} lost`));
    };
    const renewEveryMs = Math.floor(leaseMs / JOB_LEASE_RENEWALS_PER_LEASE);
    let leaseUntilMs = this.#clock() + leaseMs;
    const heartbeat = setInterval(() => {
      const nowMs = this.#clock();
      leases.acquire(name, this.holderId, nowMs, leaseMs).then(
        (renewed) => {
          if (renewed) leaseUntilMs = nowMs + leaseMs;
          else loseLease('lost its lease mid-run');
        },
        (err: unknown) => {
          // Unreachable database: the lease may run out under us, and then another process may start the job.
          if (this.#clock() >= leaseUntilMs) loseLease('could not renew its lease before it ran out');
          else logger.warn({ err, job: name }, `renewing the lease of background job ${name} failed; retrying`);
        },
      );
    }, renewEveryMs);
    heartbeat.unref();
    try {
      await state.job.run(lost.signal);
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }
}
