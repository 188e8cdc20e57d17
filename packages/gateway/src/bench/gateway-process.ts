/**
 * The gateway under test, as operators run it: `opencashier start` in its
 * own process, a cluster of workers, a fresh data directory and a KEK from
 * the environment. Nothing is started in-process, so the bench measures the
 * real composition root, logger and database settings.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { SandboxMerchantInfo } from '../provisioning.js';
import { processCpuSeconds } from './cpu-usage.js';
import { GATEWAY_OUTPUT_LINES_MAX, GATEWAY_READY_POLL_MS, GATEWAY_READY_TIMEOUT_MS, GATEWAY_STOP_TIMEOUT_MS, WORKER_QUIET_CPU_SHARE_MAX, WORKER_QUIET_MS } from './limits.js';

const CLI_PATH = fileURLToPath(new URL('../cli/main.js', import.meta.url));

export interface StartGatewayOptions {
  workers: number;
  cryptoThreads: number;
  /** Unset: SQLite in the data directory. */
  databaseUrl?: string;
  sqliteSynchronous: 'NORMAL' | 'FULL';
  nodeArgs: readonly string[];
}

export class GatewayProcess {
  readonly #output: string[] = [];
  #exited = false;

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
    readonly kekBase64: string,
    readonly port: number,
  ) {
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.#output.push(line);
      this.#output.splice(0, Math.max(0, this.#output.length - GATEWAY_OUTPUT_LINES_MAX));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('exit', () => {
      this.#exited = true;
    });
  }

  static async start(options: StartGatewayOptions): Promise<GatewayProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-bench-'));
    const kekBase64 = randomBytes(32).toString('base64');
    const port = await freePort();
    const child = spawn(process.execPath, [...options.nodeArgs, CLI_PATH, 'start'], {
      env: {
        ...process.env,
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_KEK: kekBase64,
        PORT: String(port),
        HOST: '127.0.0.1',
        OPENCASHIER_WORKERS: String(options.workers),
        OPENCASHIER_CRYPTO_THREADS: String(options.cryptoThreads),
        OPENCASHIER_LOG_LEVEL: 'warn',
        OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0',
        OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: '0',
        OPENCASHIER_SQLITE_SYNCHRONOUS: options.sqliteSynchronous,
        ...(options.databaseUrl ? { OPENCASHIER_DATABASE_URL: options.databaseUrl } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const gateway = new GatewayProcess(child, dataDir, kekBase64, port);
    try {
      await gateway.#waitReady();
    } catch (error) {
      await gateway.stop();
      gateway.removeDataDir();
      throw error;
    }
    return gateway;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The primary's pid and its workers' pids (children in /proc), for CPU accounting; no workers when it serves alone. */
  pids(): { primary: number; workers: number[] } {
    const primary = this.child.pid ?? -1;
    return { primary, workers: childPids(primary) };
  }

  demoMerchant(): SandboxMerchantInfo {
    return JSON.parse(readFileSync(join(this.dataDir, 'demo-merchant', 'merchant.json'), 'utf8')) as SandboxMerchantInfo;
  }

  /** The last lines the gateway printed (warnings and errors only, at log level warn). */
  output(): string[] {
    return [...this.#output];
  }

  async #waitReady(): Promise<void> {
    const deadline = Date.now() + GATEWAY_READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.#exited) throw new Error(`gateway exited before it was ready:\n${this.#output.join('\n')}`);
      try {
        const response = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(GATEWAY_READY_POLL_MS * 10) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, GATEWAY_READY_POLL_MS));
    }
    throw new Error(`gateway not ready after ${GATEWAY_READY_TIMEOUT_MS} ms:\n${this.#output.join('\n')}`);
  }

  /**
   * Waits until `count` workers exist and have finished starting. /readyz
   * answers as soon as one worker listens, and a keep-alive connection stays
   * with the worker that accepted it, so measuring early would pin the load
   * to fewer workers. There is no outside signal that a worker listens; a
   * worker whose CPU time (almost) stops growing has finished loading and
   * opening its database, which is the last thing before listen.
   */
  async waitForWorkers(count: number): Promise<number[]> {
    // One worker: the gateway serves from its own process (see startServer), which is ready already.
    if (count <= 1) return [this.child.pid ?? -1];
    const deadline = Date.now() + GATEWAY_READY_TIMEOUT_MS;
    let previous = new Map<number, number | undefined>();
    for (;;) {
      if (Date.now() > deadline) throw new Error(`${count} gateway workers did not all start within ${GATEWAY_READY_TIMEOUT_MS} ms`);
      if (this.#exited) throw new Error(`gateway exited while starting:\n${this.#output.join('\n')}`);
      const workers = this.pids().workers;
      const now = new Map(workers.map((pid) => [pid, processCpuSeconds(pid)] as const));
      const quiet =
        workers.length >= count &&
        workers.every((pid) => {
          const seconds = now.get(pid);
          const before = previous.get(pid);
          return seconds !== undefined && before !== undefined && seconds - before <= (WORKER_QUIET_MS / 1000) * WORKER_QUIET_CPU_SHARE_MAX;
        });
      if (quiet) return workers;
      previous = now;
      await new Promise((resolve) => setTimeout(resolve, WORKER_QUIET_MS));
    }
  }

  /**
   * SIGTERM to the primary (it stops its workers and they drain), then
   * SIGKILL to whatever is left of the processes we started. Idempotent.
   */
  async stop(): Promise<void> {
    const { workers } = this.pids();
    if (!this.#exited) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timedOut = await Promise.race([exited.then(() => false), sleep(GATEWAY_STOP_TIMEOUT_MS).then(() => true)]);
      if (timedOut) this.child.kill('SIGKILL');
    }
    // The primary may leave before its workers; they were started for us, so end them by pid.
    for (const pid of workers) killQuietly(pid, 'SIGKILL');
  }

  /** Deletes the data directory (keys, database, demo merchant files). */
  removeDataDir(): void {
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** For an exit handler: no waiting possible, so kill at once. */
  killNow(): void {
    const { workers } = this.pids();
    if (!this.#exited) this.child.kill('SIGKILL');
    for (const pid of workers) killQuietly(pid, 'SIGKILL');
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Pids whose parent is `parent`, from /proc (Linux); empty elsewhere. */
export function childPids(parent: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the command name, which is in parentheses and may hold spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) children.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return children;
}
