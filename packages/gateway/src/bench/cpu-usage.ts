/**
 * Who used the CPU during a phase. On a machine with few cores the load
 * generator competes with the gateway, so the bench accounts for every
 * process: the gateway's workers and primary (from /proc/<pid>/stat), the
 * bench process itself (process.cpuUsage) and the whole machine's idle
 * time (/proc/stat). On systems without /proc the gateway figures are
 * missing and reported as such.
 */

import { readFileSync } from 'node:fs';

/** Kernel clock ticks per second for /proc times (USER_HZ); 100 on every mainstream Linux build. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface CpuSnapshot {
  atMs: number;
  /** CPU seconds (user + system) per pid; absent when /proc could not be read. */
  byPid: Map<number, number>;
  benchSeconds: number;
  /** All cores together, from /proc/stat. */
  machineBusySeconds: number | undefined;
  machineIdleSeconds: number | undefined;
}

export interface CpuUsage {
  wallSeconds: number;
  /** Per gateway worker, in the order given. */
  workerSeconds: number[];
  primarySeconds: number;
  /** The bench process: load generator thread plus the (mostly idle) main thread. */
  benchSeconds: number;
  machineBusySeconds: number | undefined;
  machineIdleSeconds: number | undefined;
}

/** CPU seconds of one process, or undefined if it has gone or /proc is missing. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime are fields 14 and 15; the command name before them is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
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
  const byPid = new Map<number, number>();
  for (const pid of pids) {
    const seconds = processCpuSeconds(pid);
    if (seconds !== undefined) byPid.set(pid, seconds);
  }
  const { user, system } = process.cpuUsage();
  const machine = machineSeconds();
  return {
    atMs: performance.now(),
    byPid,
    benchSeconds: (user + system) / 1e6,
    machineBusySeconds: machine?.busy,
    machineIdleSeconds: machine?.idle,
  };
}

export function cpuUsageBetween(before: CpuSnapshot, after: CpuSnapshot, primary: number, workers: readonly number[]): CpuUsage {
  const delta = (pid: number) => (after.byPid.get(pid) ?? Number.NaN) - (before.byPid.get(pid) ?? Number.NaN);
  const minus = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : a - b);
  return {
    wallSeconds: (after.atMs - before.atMs) / 1000,
    workerSeconds: workers.map(delta),
    primarySeconds: delta(primary),
    benchSeconds: after.benchSeconds - before.benchSeconds,
    machineBusySeconds: minus(after.machineBusySeconds, before.machineBusySeconds),
    machineIdleSeconds: minus(after.machineIdleSeconds, before.machineIdleSeconds),
  };
}

/** Cores used by processes that are neither the gateway nor the bench (other users of the machine); undefined without /proc. */
export function otherCores(usage: CpuUsage): number | undefined {
  if (usage.machineBusySeconds === undefined) return undefined;
  const ours = usage.workerSeconds.reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0) + (Number.isFinite(usage.primarySeconds) ? usage.primarySeconds : 0) + usage.benchSeconds;
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
    const usage = cpuUsageBetween(before, after, ourPids[0] ?? -1, ourPids.slice(1));
    const others = otherCores(usage);
    if (others === undefined || others <= coresMax || performance.now() >= deadline) return others;
  }
}
