/**
 * Who used the CPU during a phase. On a machine with few cores the load
 * generator competes with the gateway, and on a shared machine other
 * processes do too, so the bench accounts for every process: the gateway's
 * workers and primary (/proc/<pid>/stat), the bench process itself
 * (process.cpuUsage) and the whole machine (/proc/stat). Where /proc is
 * missing the gateway and machine figures are NaN / undefined and reported
 * as n/a.
 */

import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc times (USER_HZ); 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface CpuTimes {
  userSeconds: number;
  systemSeconds: number;
}

export interface CpuSnapshot {
  atMs: number;
  /** Per pid; absent when /proc could not be read. */
  byPid: Map<number, CpuTimes>;
  bench: CpuTimes;
  /** All cores together, from /proc/stat. */
  machineBusySeconds: number | undefined;
  machineIdleSeconds: number | undefined;
}

export interface CpuUsage {
  wallSeconds: number;
  /** Per gateway worker, in the order given (user + system). */
  workerSeconds: number[];
  /** Of workerSeconds, the kernel's share summed over workers: sockets, SQLite file I/O, scheduling. */
  workerSystemSeconds: number;
  primarySeconds: number;
  /** The bench process: load-generator thread plus the (mostly idle) main thread. */
  benchSeconds: number;
  benchSystemSeconds: number;
  machineBusySeconds: number | undefined;
  machineIdleSeconds: number | undefined;
}

/** CPU times of one process, or undefined if it has gone or /proc is missing. */
export function processCpuTimes(pid: number): CpuTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime are fields 14 and 15; the command name before them is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { userSeconds: Number(fields[11]) / CLOCK_TICKS_PER_SECOND, systemSeconds: Number(fields[12]) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

export function processCpuSeconds(pid: number): number | undefined {
  const times = processCpuTimes(pid);
  return times === undefined ? undefined : times.userSeconds + times.systemSeconds;
}

function machineSeconds(): { busy: number; idle: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user).
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    const busy = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0) - idle;
    return { busy: busy / CLOCK_TICKS_PER_SECOND, idle: idle / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(pids: readonly number[]): CpuSnapshot {
  const byPid = new Map<number, CpuTimes>();
  for (const pid of pids) {
    const times = processCpuTimes(pid);
    if (times !== undefined) byPid.set(pid, times);
  }
  const { user, system } = process.cpuUsage();
  const machine = machineSeconds();
  return {
    atMs: performance.now(),
    byPid,
    bench: { userSeconds: user / 1e6, systemSeconds: system / 1e6 },
    machineBusySeconds: machine?.busy,
    machineIdleSeconds: machine?.idle,
  };
}

/** `primary` is undefined when there is none to count apart (a single-process gateway, or no gateway at all). */
export function cpuUsageBetween(before: CpuSnapshot, after: CpuSnapshot, primary: number | undefined, workers: readonly number[]): CpuUsage {
  const delta = (pid: number, pick: (t: CpuTimes) => number) => {
    const a = after.byPid.get(pid);
    const b = before.byPid.get(pid);
    return a === undefined || b === undefined ? Number.NaN : pick(a) - pick(b);
  };
  const total = (t: CpuTimes) => t.userSeconds + t.systemSeconds;
  const minus = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
  return {
    wallSeconds: (after.atMs - before.atMs) / 1000,
    workerSeconds: workers.map((pid) => delta(pid, total)),
    workerSystemSeconds: workers.reduce((sum, pid) => sum + delta(pid, (t) => t.systemSeconds), 0),
    primarySeconds: primary === undefined ? 0 : delta(primary, total),
    benchSeconds: total(after.bench) - total(before.bench),
    benchSystemSeconds: after.bench.systemSeconds - before.bench.systemSeconds,
    machineBusySeconds: minus(after.machineBusySeconds, before.machineBusySeconds),
    machineIdleSeconds: minus(after.machineIdleSeconds, before.machineIdleSeconds),
  };
}

/** Cores used by processes that are neither the gateway nor the bench (other users of the machine); undefined without /proc. */
export function otherCores(usage: CpuUsage): number | undefined {
  if (usage.machineBusySeconds === undefined) return undefined;
  const known = (n: number) => (Number.isFinite(n) ? n : 0);
  const ours = usage.workerSeconds.reduce((a, b) => a + known(b), 0) + known(usage.primarySeconds) + usage.benchSeconds;
  return Math.max(0, usage.machineBusySeconds - ours) / usage.wallSeconds;
}

/**
 * Waits, up to `maxMs`, for a window of `windowMs` in which processes other
 * than `ourPids` and the bench used at most `coresMax` cores. Returns the
 * cores they used in the last window, so the report can say how quiet the
 * machine was; never fails, since a busy machine is a fact to report.
 */
export async function waitForQuietMachine(ourPids: readonly number[], coresMax: number, windowMs: number, maxMs: number): Promise<number | undefined> {
  const deadline = performance.now() + maxMs;
  for (;;) {
    const before = cpuSnapshot(ourPids);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = cpuSnapshot(ourPids);
    const others = otherCores(cpuUsageBetween(before, after, undefined, ourPids));
    if (others === undefined || others <= coresMax || performance.now() >= deadline) return others;
  }
}
