/**
 * Every bound of the benchmark, with the reason for its value. The bench
 * must stop by itself whatever the gateway does, so each wait has a limit;
 * the sizes are chosen so a run takes about a minute on a 2-core machine.
 */

import { availableParallelism } from 'node:os';

/** Orders measured at full load. 4000 gives a p99 from 40 samples above it, and about 2 s of load per 1000 orders/s. */
export const BENCH_ORDERS_DEFAULT = 4_000;

/** A run small enough to be a smoke test still needs a p99 that means something. */
export const BENCH_ORDERS_MIN = 200;

/** More than this takes minutes to seal ahead of time and holds every answer in memory. */
export const BENCH_ORDERS_MAX = 200_000;

/**
 * Orders sent before measuring, not counted: V8 compiles the hot paths and
 * SQLite grows its first pages, so the measured phase sees a steady state.
 */
export const WARMUP_FRACTION = 0.1;

/**
 * In-flight requests per gateway worker in the closed-loop phase. One would
 * leave a worker idle while its answer travels back; a few keep each busy.
 * Beyond that, queues grow and only latency rises (Little's law).
 */
export const IN_FLIGHT_PER_WORKER_DEFAULT = 8;

/** Orders in the half-rate phase, as a fraction of BENCH_ORDERS: at half the rate this lasts as long as the full-load phase. */
export const HALF_RATE_FRACTION = 0.5;

/** GET /healthz requests in the HTTP-floor phase, as a fraction of BENCH_ORDERS. */
export const HTTP_FLOOR_FRACTION = 1;

/**
 * Sockets the open-loop phase may open. An open loop does not wait for
 * answers, so if the gateway stalls, connections pile up; past this the
 * generator queues in the agent and the latency (measured from the
 * scheduled send) shows it.
 */
export const OPEN_LOOP_SOCKETS_MAX = 256;

/** One request that has not answered after this counts as an error. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A phase still running after this is abandoned; what remains counts as errors. */
export const PHASE_DURATION_MS_MAX = 180_000;

/** A gateway that is not ready by then has failed to start (migrations, key generation, forking). */
export const GATEWAY_READY_TIMEOUT_MS = 60_000;

/** How often readiness is polled while waiting. */
export const GATEWAY_READY_POLL_MS = 100;

/**
 * A starting worker that used at most this share of one core over
 * WORKER_QUIET_MS is taken as started. Starting takes a whole core; an idle
 * worker uses nothing, or a few per cent when run under --cpu-prof.
 */
export const WORKER_QUIET_MS = 300;
export const WORKER_QUIET_CPU_SHARE_MAX = 0.1;

/** After SIGTERM the gateway drains for up to 10 s (SHUTDOWN_GRACE_MS); we wait a little longer, then SIGKILL. */
export const GATEWAY_STOP_TIMEOUT_MS = 15_000;

/**
 * The single-core crypto loop runs at least this long (after its warm-up),
 * and cycles over the prebuilt requests as needed: long enough to smooth out
 * timer and frequency noise, short enough not to dominate the run.
 */
export const CRYPTO_MEASURE_MS_MIN = 3_000;

/** Iterations of the crypto loop before timing starts (JIT, OpenSSL caches). */
export const CRYPTO_WARMUP_ITERATIONS = 100;

/** Iterations per step when timing each crypto step alone. */
export const CRYPTO_STEP_ITERATIONS = 500;

/**
 * Other processes (a test run, a browser) may share the machine. Before the
 * load phases and before the crypto loop the bench waits, at most
 * QUIET_WAIT_MS_MAX, for a window in which they use no more than this many
 * cores; then it measures anyway and reports how busy the machine was.
 */
export const QUIET_OTHER_CORES_MAX = 0.1;
export const QUIET_WINDOW_MS = 1_000;
export const QUIET_WAIT_MS_MAX_DEFAULT = 30_000;

/** The gateway should reach this share of its crypto ceiling (docs/benchmarks.md). */
export const CEILING_RATIO_TARGET = 0.8;

/** At half the maximum rate, p99 should stay under this. */
export const HALF_RATE_P99_MS_TARGET = 50;

/** Lines of gateway output kept, to show if it fails. */
export const GATEWAY_OUTPUT_LINES_MAX = 200;

export interface BenchOptions {
  orders: number;
  warmupOrders: number;
  halfRateOrders: number;
  httpFloorRequests: number;
  /**
   * `threads` (default): one gateway process with an envelope thread per
   * core — one SQLite connection, no write-lock contention. `processes`: a
   * cluster of one process per core, each doing its own RSA work.
   */
  mode: 'threads' | 'processes';
  /** Gateway processes: 1 in threads mode, one per core in processes mode, unless BENCH_WORKERS says otherwise. */
  workers: number;
  /** `sqlite` (a file in the bench's data directory) or `postgres` (a scratch database on BENCH_POSTGRES_URL's server). */
  database: 'sqlite' | 'postgres';
  /** PostgreSQL server the scratch database is created on (postgres only). */
  postgresUrl: string | undefined;
  /** SQLite `synchronous` setting of the gateway under test. */
  sqliteSynchronous: 'NORMAL' | 'FULL';
  /** Envelope threads per gateway process: 0 in processes mode. */
  cryptoThreads: number;
  /** Cores the gateway is given, whichever the mode: the crypto ceiling's multiplier. */
  cores: number;
  inFlight: number;
  writeDocs: boolean;
  /** How long to wait for other processes to quiet down before measuring. */
  quietWaitMs: number;
  /** Extra node flags for the gateway (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), inherited by its workers. */
  gatewayNodeArgs: string[];
}

function integerFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}, got ${raw}`);
  return value;
}

/**
 * Reads BENCH_ORDERS, BENCH_MODE, BENCH_CORES, BENCH_WORKERS, BENCH_DATABASE,
 * BENCH_POSTGRES_URL, BENCH_SQLITE_SYNCHRONOUS, BENCH_IN_FLIGHT,
 * BENCH_QUIET_WAIT_MS, BENCH_WRITE_DOCS and BENCH_GATEWAY_NODE_ARGS.
 */
export function benchOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  const orders = integerFromEnv(env, 'BENCH_ORDERS', BENCH_ORDERS_DEFAULT, BENCH_ORDERS_MIN, BENCH_ORDERS_MAX);
  const mode = env.BENCH_MODE === 'processes' ? 'processes' : 'threads';
  if (env.BENCH_MODE !== undefined && env.BENCH_MODE !== '' && env.BENCH_MODE !== mode) throw new Error(`BENCH_MODE must be threads or processes, got ${env.BENCH_MODE}`);
  const cores = integerFromEnv(env, 'BENCH_CORES', availableParallelism(), 1, 256);
  const workers = integerFromEnv(env, 'BENCH_WORKERS', mode === 'processes' ? cores : 1, 1, 256);
  const cryptoThreads = mode === 'threads' ? cores : 0;
  const inFlight = integerFromEnv(env, 'BENCH_IN_FLIGHT', IN_FLIGHT_PER_WORKER_DEFAULT * cores, 1, OPEN_LOOP_SOCKETS_MAX);
  const database = env.BENCH_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
  if (env.BENCH_DATABASE !== undefined && env.BENCH_DATABASE !== '' && env.BENCH_DATABASE !== database) throw new Error(`BENCH_DATABASE must be sqlite or postgres, got ${env.BENCH_DATABASE}`);
  // The test command's throwaway server will do as well (node scripts/with-test-postgres.mjs npm run bench).
  const postgresUrl = env.BENCH_POSTGRES_URL || env.OPENCASHIER_TEST_POSTGRES_URL || undefined;
  if (database === 'postgres' && !postgresUrl) throw new Error('BENCH_DATABASE=postgres needs BENCH_POSTGRES_URL=postgres://… (a server the bench may create a scratch database on)');
  const sqliteSynchronous = env.BENCH_SQLITE_SYNCHRONOUS === 'FULL' ? 'FULL' : 'NORMAL';
  if (env.BENCH_SQLITE_SYNCHRONOUS !== undefined && env.BENCH_SQLITE_SYNCHRONOUS !== '' && env.BENCH_SQLITE_SYNCHRONOUS !== sqliteSynchronous) throw new Error(`BENCH_SQLITE_SYNCHRONOUS must be NORMAL or FULL, got ${env.BENCH_SQLITE_SYNCHRONOUS}`);
  return {
    orders,
    warmupOrders: Math.ceil(orders * WARMUP_FRACTION),
    halfRateOrders: Math.ceil(orders * HALF_RATE_FRACTION),
    httpFloorRequests: Math.ceil(orders * HTTP_FLOOR_FRACTION),
    mode,
    workers,
    database,
    postgresUrl,
    sqliteSynchronous,
    cryptoThreads,
    cores,
    inFlight,
    writeDocs: env.BENCH_WRITE_DOCS !== '0',
    quietWaitMs: integerFromEnv(env, 'BENCH_QUIET_WAIT_MS', QUIET_WAIT_MS_MAX_DEFAULT, 0, 600_000),
    gatewayNodeArgs: (env.BENCH_GATEWAY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
  };
}
