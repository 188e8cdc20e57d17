import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KeyObject } from 'node:crypto';
import type { EnvelopeJob, EnvelopeResult, EnvelopeWorkerData } from './envelope-jobs.js';
import type { GatewayKeyRing } from '../../keys/gateway-keys.js';

type JobWithoutId = EnvelopeJob extends infer J ? (J extends EnvelopeJob ? Omit<J, 'id'> : never) : never;

interface Pending {
  resolve: (r: EnvelopeResult) => void;
  reject: (e: Error) => void;
  worker: Worker;
}

/** The compiled worker; tests run from the TypeScript sources, so they use the build the test command made. */
function workerPath(): string {
  const here = fileURLToPath(new URL('./envelope-worker.js', import.meta.url));
  return existsSync(here) ? here : here.replace(/\/src\/protocols\//, '/dist/protocols/');
}

/**
 * A fixed pool of envelope worker threads. Jobs go to the thread with the
 * fewest in flight, so one slow job does not queue others behind it.
 */
export class EnvelopePool {
  readonly #workers: Worker[] = [];
  readonly #inFlight = new Map<Worker, number>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  readonly #data: EnvelopeWorkerData;

  constructor(threads: number, ring: GatewayKeyRing, rejectionSecret: Buffer) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError('the envelope pool needs at least one thread');
    const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string;
    this.#data = {
      decryptionKeys: ring.keys.map((k) => ({ pem: pem(k.privateKey), retiresAtMs: k.retiresAtMs })),
      signingKeyPem: pem(ring.current.privateKey),
      rejectionSecret: new Uint8Array(rejectionSecret),
    };
    for (let i = 0; i < threads; i++) this.#spawn();
  }

  /** Starts a thread; one that dies fails its jobs and is replaced, so the pool keeps its size. */
  #spawn(): void {
    const worker = new Worker(workerPath(), { workerData: this.#data });
    let gone = false;
    const retire = (error: Error) => {
      if (gone) return;
      gone = true;
      this.#workers.splice(this.#workers.indexOf(worker), 1);
      this.#inFlight.delete(worker);
      this.#fail(worker, error);
      if (!this.#closed) this.#spawn();
    };
    worker.on('message', (result: EnvelopeResult) => this.#settle(worker, result));
    worker.on('error', retire);
    worker.on('exit', (code) => retire(new Error(`envelope worker exited with code ${code}`)));
    worker.unref();
    this.#workers.push(worker);
    this.#inFlight.set(worker, 0);
  }

  run(job: JobWithoutId): Promise<EnvelopeResult> {
    if (this.#closed) return Promise.reject(new Error('envelope pool closed'));
    let worker = this.#workers[0]!;
    for (const w of this.#workers) if (this.#inFlight.get(w)! < this.#inFlight.get(worker)!) worker = w;
    const id = this.#nextId++;
    this.#inFlight.set(worker, this.#inFlight.get(worker)! + 1);
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker });
      worker.postMessage({ ...job, id });
    });
  }

  #settle(worker: Worker, result: EnvelopeResult): void {
    const pending = this.#pending.get(result.id);
    if (!pending) return;
    this.#pending.delete(result.id);
    const inFlight = this.#inFlight.get(worker);
    if (inFlight !== undefined) this.#inFlight.set(worker, inFlight - 1);
    pending.resolve(result);
  }

  #fail(worker: Worker, error: Error): void {
    for (const [id, p] of this.#pending) {
      if (p.worker !== worker) continue;
      this.#pending.delete(id);
      p.reject(error);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
