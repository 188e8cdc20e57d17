import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** What a running gateway records about itself in its data directory. */
export interface RunningGateway {
  pid: number;
  baseUrl: string;
  startedAtMs: number;
}

/** A second gateway on a data directory that a live one holds. */
export class GatewayRunningError extends Error {
  constructor(
    readonly lockPath: string,
    readonly holder: RunningGateway,
  ) {
    super(
      `another gateway (pid ${holder.pid}, ${holder.baseUrl}) is running on the data directory of ${lockPath}: ` +
        `stop it first, or give this one its own OPENCASHIER_DATA_DIR (SQLite allows one gateway per database; several nodes share PostgreSQL); if no gateway runs, remove ${lockPath}`,
    );
  }
}

export function gatewayLockPath(dataDir: string): string {
  return join(dataDir, 'gateway.lock');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(path: string): RunningGateway | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<RunningGateway>;
    if (typeof parsed.pid !== 'number' || typeof parsed.baseUrl !== 'string') return undefined;
    return { pid: parsed.pid, baseUrl: parsed.baseUrl, startedAtMs: Number(parsed.startedAtMs ?? 0) };
  } catch {
    return undefined;
  }
}

/** The gateway running on `dataDir`, if its lock names a live process. */
export function runningGateway(dataDir: string): RunningGateway | undefined {
  const holder = readLock(gatewayLockPath(dataDir));
  return holder && isAlive(holder.pid) ? holder : undefined;
}

/**
 * Takes the data directory for this process: one gateway per SQLite
 * database, since a second one would race the first for the write lock and
 * run every background job twice over one file. A lock left by a process
 * that died is taken over. Returns the release.
 */
export function acquireGatewayLock(dataDir: string, baseUrl: string, nowMs: number): () => void {
  const path = gatewayLockPath(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const record = JSON.stringify({ pid: process.pid, baseUrl, startedAtMs: nowMs } satisfies RunningGateway);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLock(path);
      if (holder && isAlive(holder.pid) && holder.pid !== process.pid) throw new GatewayRunningError(path, holder);
      rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, record);
    closeSync(fd);
    return () => {
      if (readLock(path)?.pid === process.pid) rmSync(path, { force: true });
    };
  }
  throw new Error(`could not take ${path}`);
}
