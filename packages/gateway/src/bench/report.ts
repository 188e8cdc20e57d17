/**
 * The figures of one run: derived numbers, the console table and the
 * results section of docs/benchmarks.md (only the part between the markers
 * is rewritten, so the prose around it stays as written).
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem, type, arch } from 'node:os';

import type { AnswerCheck } from './answers.js';
import { otherCores, type CpuUsage } from './cpu-usage.js';
import type { AllCoresResult, CryptoCeiling } from './crypto-ceiling.js';
import type { LatencySummary } from './latency.js';
import { CEILING_RATIO_TARGET, HALF_RATE_P99_MS_TARGET, QUIET_OTHER_CORES_MAX, type BenchOptions } from './limits.js';

export const RESULTS_START = '<!-- bench-results:start (written by `npm run bench`; edit the prose outside these markers) -->';
export const RESULTS_END = '<!-- bench-results:end -->';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  openssl: string;
  os: string;
}

export function describeMachine(): Machine {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: totalmem() / 2 ** 30,
    node: process.version,
    openssl: process.versions.openssl,
    os: `${type()} ${release()} ${arch()}`,
  };
}

export interface PhaseFigures {
  name: string;
  requested: number;
  ok: number;
  errors: number;
  outcomes: Record<string, number>;
  wallSeconds: number;
  /** Answers per second (HTTP 200 only). */
  ratePerSecond: number;
  /** The open loop's schedule; undefined for closed loops. */
  targetRatePerSecond: number | undefined;
  inFlight: number | undefined;
  latency: LatencySummary;
  cpu: CpuUsage;
  generatorLoopUtilization: number;
}

export interface BenchReport {
  date: string;
  machine: Machine;
  options: BenchOptions;
  sealSeconds: number;
  sealedRequests: number;
  httpFloor: PhaseFigures;
  warmup: PhaseFigures;
  full: PhaseFigures;
  half: PhaseFigures;
  answers: AnswerCheck;
  /** Rows in the orders table after the run; undefined if it could not be read. */
  ordersInDatabase: number | undefined;
  crypto: CryptoCeiling;
  /** The same loop on every gateway core at once (wall clock): checks that cores add up. */
  cryptoAllCores: AllCoresResult;
  /** Cores other processes used just before the load phases, after waiting for quiet. */
  otherCoresBeforeLoad: number | undefined;
}

export interface Derived {
  ceilingPerSecond: number;
  ratio: number;
  /** The ceiling if the gateway had the cores minus what the load generator used during the full-load phase. */
  ceilingNetOfGeneratorPerSecond: number;
  ratioNetOfGenerator: number;
  otherCoresAtFullLoad: number | undefined;
  /** Gateway worker CPU per order at full load. */
  gatewayCpuUsPerOrder: number;
  /**
   * The share of it the envelope crypto explains: also the rate against the
   * ceiling of the CPU the workers actually got, whoever else used the
   * machine. 100 % would mean the gateway does nothing but the crypto.
   */
  cryptoShareOfGatewayCpu: number;
  gatewayCpuUsPerHealthz: number;
  generatorCpuUsPerOrder: number;
  generatorCores: number;
  gatewayCores: number;
  machineIdleShare: number | undefined;
  /** Every way the run went wrong; empty for a clean run. */
  errors: string[];
  /** Conditions that make the figures lower than the gateway deserves (a busy machine). */
  caveats: string[];
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function derive(report: BenchReport): Derived {
  const { full, crypto, options } = report;
  const ceilingPerSecond = crypto.opsPerSecond * options.cores;
  const generatorCores = full.cpu.benchSeconds / full.cpu.wallSeconds;
  const gatewayCores = (sum(full.cpu.workerSeconds) + full.cpu.primarySeconds) / full.cpu.wallSeconds;
  const ceilingNetOfGeneratorPerSecond = crypto.opsPerSecond * Math.max(0, Math.min(options.cores, report.machine.cores - generatorCores));
  const gatewayCpuUsPerOrder = (sum(full.cpu.workerSeconds) * 1e6) / full.ok;
  const machineIdleShare =
    full.cpu.machineIdleSeconds === undefined || full.cpu.machineBusySeconds === undefined
      ? undefined
      : full.cpu.machineIdleSeconds / (full.cpu.machineIdleSeconds + full.cpu.machineBusySeconds);

  const errors: string[] = [];
  for (const phase of [report.httpFloor, report.warmup, report.full, report.half]) {
    if (phase.errors > 0) errors.push(`${phase.name}: ${phase.errors} of ${phase.requested} requests failed (${formatOutcomes(phase.outcomes)})`);
  }
  for (const [kind, n] of Object.entries(report.answers.failures)) errors.push(`answers: ${n} × ${kind}`);
  const expectedOrders = report.answers.succeeded;
  if (report.ordersInDatabase === undefined) errors.push('the orders table could not be read after the run');
  else if (report.ordersInDatabase !== expectedOrders) errors.push(`the database holds ${report.ordersInDatabase} orders, but ${expectedOrders} were confirmed`);
  const caveats: string[] = [];
  const busy = (cores: number | undefined) => cores !== undefined && cores > QUIET_OTHER_CORES_MAX * 2;
  if (busy(report.otherCoresBeforeLoad)) caveats.push(`other processes used ${f2(report.otherCoresBeforeLoad!)} cores before the load phases`);
  for (const phase of [report.httpFloor, report.full, report.half]) {
    const others = otherCores(phase.cpu);
    if (busy(others)) caveats.push(`other processes used ${f2(others!)} of ${report.machine.cores} cores during "${phase.name}"`);
  }
  if (busy(report.cryptoAllCores.otherCores)) caveats.push(`other processes used ${f2(report.cryptoAllCores.otherCores!)} cores while the crypto ran on all cores at once`);
  if (busy(crypto.otherCores)) caveats.push(`other processes used ${f2(crypto.otherCores!)} cores during the crypto loop (the ceiling used the lesser of its CPU time, ${f0(crypto.perRequestCpuUs)} µs, and wall time, ${f0(crypto.perRequestWallUs)} µs, per request)`);

  const idleWorkers = full.cpu.workerSeconds.filter((s) => !(s > 0.05 * full.cpu.wallSeconds)).length;
  if (idleWorkers > 0) errors.push(`${idleWorkers} gateway worker(s) were (almost) idle at full load: the connections did not spread over all workers`);

  return {
    ceilingPerSecond,
    ratio: full.ratePerSecond / ceilingPerSecond,
    ceilingNetOfGeneratorPerSecond,
    ratioNetOfGenerator: full.ratePerSecond / ceilingNetOfGeneratorPerSecond,
    otherCoresAtFullLoad: otherCores(full.cpu),
    gatewayCpuUsPerOrder,
    cryptoShareOfGatewayCpu: crypto.perRequestUs / gatewayCpuUsPerOrder,
    gatewayCpuUsPerHealthz: (sum(report.httpFloor.cpu.workerSeconds) * 1e6) / report.httpFloor.ok,
    generatorCpuUsPerOrder: (full.cpu.benchSeconds * 1e6) / full.requested,
    generatorCores,
    gatewayCores,
    machineIdleShare,
    errors,
    caveats,
  };
}

function formatOutcomes(outcomes: Record<string, number>): string {
  return Object.entries(outcomes)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
}

const f0 = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
const pct = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? `${(n * 100).toFixed(0)} %` : 'n/a');
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** The headline rows, shared by the console and the document. */
function headlineRows(report: BenchReport, d: Derived): [string, string][] {
  const { full, half, crypto } = report;
  return [
    ['icc/order at full load (closed loop)', `${f0(full.ratePerSecond)} orders/s (${report.options.inFlight} in flight)`],
    ['  latency p50 / p99', `${f1(full.latency.p50Ms)} / ${f1(full.latency.p99Ms)} ms`],
    ['icc/order at half rate (open loop)', `${f0(half.ratePerSecond)} orders/s (scheduled ${f0(half.targetRatePerSecond ?? Number.NaN)}/s)`],
    ['  latency p50 / p99', `${f1(half.latency.p50Ms)} / ${f1(half.latency.p99Ms)} ms (target p99 ≤ ${HALF_RATE_P99_MS_TARGET} ms: ${verdict(half.latency.p99Ms <= HALF_RATE_P99_MS_TARGET)})`],
    ['envelope crypto, one core', `${f0(crypto.opsPerSecond)} requests/s (${f0(crypto.perRequestUs)} µs each)`],
    ['crypto ceiling', `${f0(d.ceilingPerSecond)} requests/s (× ${report.options.cores} cores; all ${report.options.cores} cores at once measured ${f0(report.cryptoAllCores.opsPerSecond)}/s)`],
    ['measured / ceiling', `${pct(d.ratio)} (target ≥ ${pct(CEILING_RATIO_TARGET)}: ${verdict(d.ratio >= CEILING_RATIO_TARGET)})`],
    ['  … net of the load generator', `${pct(d.ratioNetOfGenerator)} (ceiling ${f0(d.ceilingNetOfGeneratorPerSecond)}/s on the ${f2(report.machine.cores - d.generatorCores)} cores the generator left)`],
    ['  … on the CPU the gateway got', `${pct(d.cryptoShareOfGatewayCpu)} (crypto ÷ gateway CPU per order; ignores who else used the machine)`],
    ['GET /healthz (HTTP floor, closed loop)', `${f0(report.httpFloor.ratePerSecond)} requests/s, p50 ${f1(report.httpFloor.latency.p50Ms)} ms`],
    ['errors', d.errors.length === 0 ? `0 (${report.answers.succeeded} answers opened and verified, ${report.ordersInDatabase ?? '?'} orders stored)` : `${d.errors.length} KINDS OF ERROR — see below`],
  ];
}

function cpuRows(report: BenchReport, d: Derived): [string, string][] {
  const { full } = report;
  const c = full.cpu;
  return [
    ['gateway CPU per order (workers)', `${f0(d.gatewayCpuUsPerOrder)} µs, of which envelope crypto ${f0(report.crypto.perRequestUs)} µs (${pct(d.cryptoShareOfGatewayCpu)}) and kernel ${pct(c.workerSystemSeconds / sum(c.workerSeconds))}`],
    ['gateway CPU per GET /healthz', `${f0(d.gatewayCpuUsPerHealthz)} µs`],
    ['cores used at full load', `gateway workers ${c.workerSeconds.map((s) => f2(s / c.wallSeconds)).join(' + ')}, primary ${f2(c.primarySeconds / c.wallSeconds)}, load generator ${f2(d.generatorCores)}`],
    ['load generator', `${f0(d.generatorCpuUsPerOrder)} µs CPU per order (kernel ${pct(c.benchSystemSeconds / c.benchSeconds)}); its event loop ${pct(full.generatorLoopUtilization)} busy`],
    ['other processes at full load', d.otherCoresAtFullLoad === undefined ? 'n/a' : `${f2(d.otherCoresAtFullLoad)} cores`],
    ['machine idle at full load', pct(d.machineIdleShare)],
  ];
}

/** Which gateway was measured: processes, envelope threads, database. */
function runLine(o: BenchReport['options']): string {
  const processes = o.workers === 1 ? 'one gateway process' : `${o.workers} gateway processes`;
  const threads = o.cryptoThreads > 0 ? ` with ${o.cryptoThreads} envelope threads${o.workers === 1 ? '' : ' each'}` : '';
  return `${processes}${threads} on ${o.database === 'postgres' ? 'PostgreSQL' : `SQLite (synchronous=${o.sqliteSynchronous})`}`;
}

export function consoleReport(report: BenchReport, d: Derived): string {
  const rows = [...headlineRows(report, d), ['', ''] as [string, string], ...cpuRows(report, d)];
  const width = Math.max(...rows.map(([label]) => label.length));
  const s = report.crypto.steps;
  const lines = [
    '',
    `OpenCashier bench — ${report.date}`,
    `${report.machine.cpuModel}, ${report.machine.cores} cores, ${f1(report.machine.memoryGiB)} GiB, Node ${report.machine.node}, OpenSSL ${report.machine.openssl}, ${report.machine.os}`,
    runLine(report.options),
    '',
    ...rows.map(([label, value]) => (label === '' ? '' : `${label.padEnd(width)}  ${value}`)),
    '',
    `crypto steps (CPU µs): unwrap ${f0(s.unwrapAesKeyUs)}, AES decrypt ${f1(s.aesDecryptUs)}, verify ${f0(s.verifyPayloadUs)}, sign ${f0(s.signPayloadUs)}, wrap ${f0(s.wrapAesKeyUs)}, AES encrypt ${f1(s.aesEncryptUs)}`,
  ];
  if (d.caveats.length > 0) {
    lines.push('', 'THE MACHINE WAS NOT QUIET — throughput and latency are lower bounds:', ...d.caveats.map((c) => `  - ${c}`));
  }
  if (d.errors.length > 0) {
    lines.push('', '!'.repeat(72), `!!! THIS RUN HAD ERRORS — ITS FIGURES DO NOT DESCRIBE A WORKING GATEWAY`, ...d.errors.map((e) => `!!!   ${e}`), '!'.repeat(72));
  }
  return lines.join('\n');
}

function table(header: [string, string], rows: [string, string][]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [`| ${header[0]} | ${header[1]} |`, '|---|---|', ...rows.map(([a, b]) => `| ${esc(a.trim())} | ${esc(b)} |`)].join('\n');
}

function phaseRow(p: PhaseFigures): string {
  const others = otherCores(p.cpu);
  return `| ${p.name} | ${p.requested} | ${f0(p.ratePerSecond)} | ${f1(p.latency.p50Ms)} | ${f1(p.latency.p90Ms)} | ${f1(p.latency.p99Ms)} | ${f1(p.latency.maxMs)} | ${p.errors} | ${others === undefined ? 'n/a' : f2(others)} |`;
}

export function markdownResults(report: BenchReport, d: Derived): string {
  const m = report.machine;
  const s = report.crypto.steps;
  const o = report.options;
  const lines = [
    RESULTS_START,
    '',
    `## Latest results (${report.date})`,
    '',
    `**Machine:** ${m.cpuModel}, ${m.cores} cores (\`os.availableParallelism()\`), ${f1(m.memoryGiB)} GiB RAM, Node ${m.node} (OpenSSL ${m.openssl}), ${m.os}.`,
    '',
    `**Run:** ${runLine(o)}; ${o.orders} orders at full load with ${o.inFlight} in flight, after ${o.warmupOrders} warm-up orders; ${o.halfRateOrders} orders at half rate; ${o.httpFloorRequests} GET /healthz. ${report.sealedRequests} requests sealed ahead of time in ${f1(report.sealSeconds)} s.`,
    '',
  ];
  if (d.caveats.length > 0) {
    lines.push('> **The machine was not quiet during this run** — throughput and latency are lower bounds; the CPU-time figures still hold:', ...d.caveats.map((c) => `> - ${c}`), '');
  }
  if (d.errors.length > 0) {
    lines.push('> **⚠ THIS RUN HAD ERRORS — its figures do not describe a working gateway:**', ...d.errors.map((e) => `> - ${e}`), '');
  }
  lines.push(
    table(['Figure', 'Value'], headlineRows(report, d)),
    '',
    '| Phase | Requests | Rate (/s) | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | Errors | Cores used by other processes |',
    '|---|---|---|---|---|---|---|---|---|',
    ...[report.httpFloor, report.warmup, report.full, report.half].map(phaseRow),
    '',
    '**Where the CPU went (full-load phase):**',
    '',
    table(['Figure', 'Value'], cpuRows(report, d)),
    '',
    `**Envelope crypto, each step alone on one core (CPU µs per call):** unwrap AES key ${f0(s.unwrapAesKeyUs)}, AES decrypt ${f1(s.aesDecryptUs)}, verify merchant signature ${f0(s.verifyPayloadUs)}, sign answer ${f0(s.signPayloadUs)}, wrap AES key ${f0(s.wrapAesKeyUs)}, AES encrypt ${f1(s.aesEncryptUs)}; the whole sequence ${f0(report.crypto.perRequestCpuUs)} µs CPU and ${f0(report.crypto.perRequestWallUs)} µs wall over ${report.crypto.iterations} iterations (the ceiling uses the lesser).`,
    '',
    RESULTS_END,
  );
  return lines.join('\n');
}

/** Replaces the results section of `path` (or appends one); creates a minimal document if none exists. */
export function writeResults(path: string, results: string): void {
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n\nRun `npm run bench` to measure the gateway on this machine.\n';
  const start = existing.indexOf(RESULTS_START);
  const end = existing.indexOf(RESULTS_END);
  const next =
    start >= 0 && end > start
      ? `${existing.slice(0, start)}${results}${existing.slice(end + RESULTS_END.length)}`
      : `${existing.trimEnd()}\n\n${results}\n`;
  writeFileSync(path, next);
}
