/**
 * `npm run bench`: the gateway as operators run it (a cluster of one worker
 * per core, SQLite, rate limiting off), driven over loopback with signed
 * and encrypted icc/order requests sealed ahead of time, next to the crypto
 * ceiling measured on the same machine in the same run. Prints a table and
 * rewrites the results section of docs/benchmarks.md. Not a test: nothing
 * here asserts a time; it reports, and fails only when requests fail.
 *
 * Phases, in order:
 *   1. GET /healthz, closed loop         the HTTP floor (framework + hooks, no crypto, no database)
 *   2. icc/order warm-up, closed loop    not reported as a result
 *   3. icc/order, closed loop            the maximum rate and its latency
 *   4. icc/order, open loop at half that  latency under a sustainable load
 *   5. answers opened and verified, orders counted in the database
 *   6. the envelope crypto on one core   the ceiling (gateway stopped, machine idle)
 *   7. risk decisions                     the risk engine's cost alone
 *   8. notifications                      a backlog drained to keep-alive receivers, then beside a slow host
 *
 * `--quick` runs 1,000 orders and a 2,000-notification backlog and leaves the
 * docs alone; `--json` ends the output with one JSON object of the headline
 * figures (null for those not measured).
 */

import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { loadCertificate, loadPfx } from '@opencashier/sdk';

import { loadGatewayKeys } from '../keys/gateway-keys.js';
import { KeyEncryptionKey } from '../keys/kek.js';
import { checkAnswers } from './answers.js';
import { cpuSnapshot, cpuUsageBetween, waitForQuietMachine } from './cpu-usage.js';
import { measureCryptoCeiling, measureCryptoOnAllCores } from './crypto-ceiling.js';
import { GatewayProcess } from './gateway-process.js';
import { summarizeLatency } from './latency.js';
import { LoadClient } from './load-client.js';
import type { LoadShape, PhaseResult, WireRequest } from './load-generator.js';
import { benchOptions, OPEN_LOOP_SOCKETS_MAX, QUIET_OTHER_CORES_MAX, QUIET_WINDOW_MS } from './limits.js';
import { ORDER_PATH, sealOrderRequestsInParallel, type PreparedRequest } from './order-requests.js';
import { createScratchPostgresDatabase, type ScratchDatabase } from '../store/scratch-postgres-database.js';
import { measureRiskDecisions, riskBenchReport } from './risk-decision.js';
import { rssNowMb, rssPeakMb } from './memory.js';
import { measureNotificationDrain, notificationBenchReport } from './notification-drain.js';
import { consoleReport, derive, describeMachine, markdownResults, writeResults, type BenchReport, type PhaseFigures } from './report.js';

const DOC_PATH = fileURLToPath(new URL('../../../../docs/benchmarks.md', import.meta.url));

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function toWire(requests: readonly PreparedRequest[]): WireRequest[] {
  return requests.map((r) => ({ method: 'POST', path: ORDER_PATH, headers: r.headers, body: r.body }));
}

async function runMeasured(
  name: string,
  client: LoadClient,
  gateway: GatewayProcess,
  workers: readonly number[],
  requests: WireRequest[],
  shape: LoadShape,
  keepAnswers: boolean,
  profiling: boolean,
): Promise<{ figures: PhaseFigures; result: PhaseResult }> {
  // A one-worker gateway serves from its primary: count that process once, as the worker.
  const primary = workers.includes(gateway.child.pid ?? -1) ? undefined : (gateway.child.pid ?? -1);
  const pids = primary === undefined ? [...workers] : [primary, ...workers];
  const before = cpuSnapshot(pids);
  const startUs = process.hrtime.bigint() / 1000n;
  const result = await client.run(requests, shape, keepAnswers);
  const endUs = process.hrtime.bigint() / 1000n;
  const after = cpuSnapshot(pids);
  // A .cpuprofile's timestamps are CLOCK_MONOTONIC µs too: this lets a profile be cut to one phase.
  if (profiling) log(`${name}: monotonic µs ${startUs}..${endUs}`);
  const wallSeconds = result.wallMs / 1000;
  const figures: PhaseFigures = {
    name,
    requested: result.requested,
    ok: result.ok,
    errors: result.errors,
    outcomes: result.outcomes,
    wallSeconds,
    ratePerSecond: result.ok / wallSeconds,
    targetRatePerSecond: shape.kind === 'open' ? shape.ratePerSecond : undefined,
    inFlight: shape.kind === 'closed' ? shape.inFlight : undefined,
    latency: summarizeLatency(result.latenciesMs),
    cpu: cpuUsageBetween(before, after, primary, workers),
    generatorLoopUtilization: result.generatorLoopUtilization,
  };
  log(`${name}: ${figures.ok}/${figures.requested} ok, ${Math.round(figures.ratePerSecond)}/s, p50 ${figures.latency.p50Ms.toFixed(1)} ms, p99 ${figures.latency.p99Ms.toFixed(1)} ms`);
  return { figures, result };
}

async function countOrders(database: { sqlitePath: string } | { postgresUrl: string }): Promise<number | undefined> {
  try {
    if ('postgresUrl' in database) {
      const client = new pg.Client({ connectionString: database.postgresUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: string }>('select count(*) as n from orders');
        return Number(rows[0]!.n);
      } finally {
        await client.end();
      }
    }
    const db = new BetterSqlite3(database.sqlitePath, { readonly: true });
    try {
      const row = db.prepare('select count(*) as n from orders').get() as { n: number };
      return Number(row.n);
    } finally {
      db.close();
    }
  } catch {
    return undefined;
  }
}

/** `--quick`: a short run (≤ 3 minutes) that leaves docs/benchmarks.md alone; `--json`: one JSON object on the last line. */
const ARGS = new Set(process.argv.slice(2));
const QUICK = ARGS.has('--quick');
const JSON_OUTPUT = ARGS.has('--json');
const QUICK_ENV: NodeJS.ProcessEnv = { BENCH_ORDERS: '1000', BENCH_QUIET_WAIT_MS: '5000', BENCH_WRITE_DOCS: '0' };
const NOTIFICATIONS_BACKLOG = QUICK ? 2000 : 10_000;

async function main(): Promise<number> {
  const options = benchOptions(QUICK ? { ...QUICK_ENV, ...process.env } : process.env);
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const scratch: ScratchDatabase | undefined = options.database === 'postgres' ? await createScratchPostgresDatabase(options.postgresUrl!, 'opencashier_bench') : undefined;
  log(`starting the gateway: ${options.workers} process(es), ${options.cryptoThreads} envelope thread(s) each, ${options.database === 'postgres' ? 'PostgreSQL' : `SQLite (synchronous=${options.sqliteSynchronous})`}`);
  let gateway: GatewayProcess;
  try {
    gateway = await GatewayProcess.start({
      workers: options.workers,
      cryptoThreads: options.cryptoThreads,
      nodeArgs: options.gatewayNodeArgs,
      sqliteSynchronous: options.sqliteSynchronous,
      ...(scratch ? { databaseUrl: scratch.url } : {}),
    });
  } catch (error) {
    await scratch?.drop();
    throw error;
  }
  let cleanedUp = false;
  const cleanUp = () => {
    if (cleanedUp) return;
    cleanedUp = true;
    gateway.killNow();
    gateway.removeDataDir();
  };
  // Whatever happens, leave no gateway and no data directory behind.
  process.once('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }

  let client: LoadClient | undefined;
  try {
    const workers = await gateway.waitForWorkers(options.workers);
    const gatewayPids = [...new Set([gateway.child.pid ?? -1, ...workers])];
    const rssIdleMb = rssNowMb(gatewayPids);
    const merchant = gateway.demoMerchant();
    const runTag = Date.now().toString(36);
    const total = options.warmupOrders + options.orders + options.halfRateOrders;
    log(`sealing ${total} icc/order requests on ${availableParallelism()} threads`);
    const sealStartMs = performance.now();
    const sealed = await sealOrderRequestsInParallel(
      merchant,
      Array.from({ length: total }, (_, i) => `bench-${runTag}-${i}`),
      availableParallelism(),
    );
    const sealSeconds = (performance.now() - sealStartMs) / 1000;
    const warmupRequests = sealed.slice(0, options.warmupOrders);
    const fullRequests = sealed.slice(options.warmupOrders, options.warmupOrders + options.orders);
    const halfRequests = sealed.slice(options.warmupOrders + options.orders);

    const ourPids = [...new Set([gateway.child.pid ?? -1, ...workers])];
    log(`waiting up to ${options.quietWaitMs} ms for other processes to leave the CPU`);
    const otherCoresBeforeLoad = await waitForQuietMachine(ourPids, QUIET_OTHER_CORES_MAX, QUIET_WINDOW_MS, options.quietWaitMs);
    if (otherCoresBeforeLoad !== undefined) log(`other processes use ${otherCoresBeforeLoad.toFixed(2)} cores`);

    client = new LoadClient({ host: '127.0.0.1', port: gateway.port });
    const closed: LoadShape = { kind: 'closed', inFlight: options.inFlight };
    const profiling = options.gatewayNodeArgs.length > 0;
    const healthz: WireRequest[] = Array.from({ length: options.httpFloorRequests }, () => ({ method: 'GET', path: '/healthz', headers: {} }));
    const httpFloor = await runMeasured('GET /healthz', client, gateway, workers, healthz, closed, false, profiling);
    const warmup = await runMeasured('icc/order warm-up', client, gateway, workers, toWire(warmupRequests), closed, true, profiling);
    const full = await runMeasured('icc/order full load', client, gateway, workers, toWire(fullRequests), closed, true, profiling);
    const halfRate = full.figures.ratePerSecond / 2;
    const half = await runMeasured(
      'icc/order half rate',
      client,
      gateway,
      workers,
      toWire(halfRequests),
      { kind: 'open', ratePerSecond: halfRate, socketsMax: OPEN_LOOP_SOCKETS_MAX },
      true,
      profiling,
    );
    await client.close();
    client = undefined;

    log('opening and verifying every answer');
    const { privateKey: merchantPrivateKey, certificate: merchantCertificate } = loadPfx(readFileSync(merchant.pfxPath), merchant.pfxPassword);
    const gatewayPublicKey = loadCertificate(readFileSync(merchant.gatewayCertPath)).publicKey;
    const answers = checkAnswers(
      [...warmupRequests, ...fullRequests, ...halfRequests],
      [...warmup.result.answers, ...full.result.answers, ...half.result.answers],
      { merchantId: merchant.merchantId, merchantPrivateKey, gatewayPublicKey },
    );

    const gatewayKeys = loadGatewayKeys(gateway.dataDir, KeyEncryptionKey.fromBase64(gateway.kekBase64));
    if (!gatewayKeys) throw new Error('the gateway key file is missing');
    const rssMaxMb = rssPeakMb(gatewayPids);
    log('stopping the gateway');
    await gateway.stop();
    const ordersInDatabase = await countOrders(scratch ? { postgresUrl: scratch.url } : { sqlitePath: join(gateway.dataDir, 'opencashier.sqlite') });

    await waitForQuietMachine([], QUIET_OTHER_CORES_MAX, QUIET_WINDOW_MS, options.quietWaitMs);
    log('measuring the envelope crypto on one core');
    const cryptoInput = {
      requests: fullRequests,
      gatewayPrivateKey: gatewayKeys.current.privateKey,
      // The gateway reads the merchant key from the certificate PEM it stored; the same kind of key object.
      merchantPublicKey: createPublicKey(merchantCertificate.toString()),
      merchantId: merchant.merchantId,
      answerFields: answers.sampleFields ?? { status: 'SUCCESS', requestId: '', paymentOrderId: '0'.repeat(32), redirectUrl: `${gateway.baseUrl}/cashier/${'0'.repeat(32)}.${'A'.repeat(22)}` },
    };
    const crypto = await measureCryptoCeiling(cryptoInput);
    log(`measuring the envelope crypto on ${options.cores} threads at once`);
    const cryptoAllCores = await measureCryptoOnAllCores(cryptoInput, options.cores);

    const report: BenchReport = {
      date,
      machine: describeMachine(),
      options,
      sealSeconds,
      sealedRequests: total,
      httpFloor: httpFloor.figures,
      warmup: warmup.figures,
      full: full.figures,
      half: half.figures,
      answers,
      ordersInDatabase,
      crypto,
      cryptoAllCores,
      otherCoresBeforeLoad,
    };
    const derived = derive(report);
    process.stdout.write(`${consoleReport(report, derived)}\n`);
    log('measuring risk decisions');
    process.stdout.write(`${riskBenchReport(await measureRiskDecisions())}\n`);
    log(`draining ${NOTIFICATIONS_BACKLOG} notifications, then again beside a slow host`);
    const notifications = await measureNotificationDrain(NOTIFICATIONS_BACKLOG);
    process.stdout.write(`${notificationBenchReport(notifications)}\n`);
    if (options.writeDocs) {
      writeResults(DOC_PATH, markdownResults(report, derived));
      log(`results written to ${DOC_PATH}`);
    }
    const output = gateway.output();
    if (output.length > 0) log(`the gateway printed (last ${output.length} lines):\n${output.join('\n')}`);
    const errorCount = derived.errors.length + notifications.backlog.errors + notifications.withSlowHost.errors;
    if (JSON_OUTPUT) {
      // null: not measured by this bench (yet); docs/benchmarks.md says which and why.
      const summary = {
        orderCryptoShare: derived.cryptoShareOfGatewayCpu,
        orderNetCeilingRatio: derived.ratioNetOfGenerator,
        ordersPerSec: full.figures.ratePerSecond,
        payFlowPerSec: null,
        notificationsPerSec: notifications.backlog.healthyPerSecond,
        slowHostHealthyRatio: notifications.slowHostHealthyRatio,
        rssIdleMb,
        rssMaxMb,
        growthRatio: null,
        searchP99MsLarge: null,
        errors: errorCount,
        database: options.database,
        quick: QUICK,
      };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    }
    return errorCount === 0 ? 0 : 1;
  } finally {
    if (client) await client.close();
    await gateway.stop();
    cleanUp();
    await scratch?.drop();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 2;
  },
);
