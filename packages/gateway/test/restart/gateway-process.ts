/**
 * The built gateway as a real child process (`opencashier start`), so a test
 * can SIGKILL it — no shutdown hook, no flushed buffers, exactly a crash —
 * and start it again on the same data directory and port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../e2e/wait-until.js';

/** The test command builds first (`npm test`); a test only checks the build is there. */
export const GATEWAY_MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

/** Start-up is migrations plus key loading: well under a second normally; 30 s for a loaded machine. */
const READY_WAIT_MS_MAX = 30_000;
/** Enough of the child's log to explain a failure, without keeping a flood of it. */
const OUTPUT_CHARS_MAX = 20_000;

export class GatewayProcess {
  readonly baseUrl: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #output = '';
  /** How many times the process has been started. */
  generation = 0;

  constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly cwd: string,
    /** How long a start may take before it counts as failed (a rig restarting hundreds of times on a busy machine wants more). */
    private readonly readyWaitMs = READY_WAIT_MS_MAX,
    /** Where the process is reached, when the public URL is another host's (a proxy in front of it). */
    reachedAt = env.OPENCASHIER_PUBLIC_BASE_URL!,
  ) {
    this.baseUrl = reachedAt;
  }

  /** Everything the process printed, most recent last (truncated from the front). */
  get output(): string {
    return this.#output;
  }

  async start(): Promise<void> {
    if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: build first (npx tsc -b packages/sdk packages/gateway)`);
    // Only what the gateway needs: a parent's OPENCASHIER_* or NODE_OPTIONS must not leak in.
    const child = spawn(process.execPath, [GATEWAY_MAIN, 'start'], {
      cwd: this.cwd,
      env: { PATH: process.env.PATH ?? '', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.generation += 1;
    const tag = `[gen ${this.generation}] `;
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + tag + chunk.toString('utf8')).slice(-OUTPUT_CHARS_MAX);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    let exited = false;
    this.#exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        exited = true;
        keep(Buffer.from(`exited code=${code} signal=${signal}\n`));
        resolve();
      }),
    );
    this.#child = child;
    await waitUntil(
      async () => {
        if (exited) throw new Error(`gateway exited during start-up:\n${this.#output}`);
        try {
          const response = await fetch(`${this.baseUrl}/readyz`, { signal: AbortSignal.timeout(1_000) });
          return response.status === 200 ? true : undefined;
        } catch {
          return undefined;
        }
      },
      { timeoutMs: this.readyWaitMs, intervalMs: 50, what: `${this.baseUrl}/readyz`, lastSeen: () => this.#output.slice(-2_000) },
    );
  }

  /** A crash: SIGKILL, then wait until the process is gone so its port is free. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** Process id of the running process (it names the process in job lease holders). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The exit code of the last run, once it has exited (null while running or after a signal). */
  get exitCode(): number | null {
    return this.#child?.exitCode ?? null;
  }

  /** Orderly stop for the end of a test. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
