/** The main thread's handle on the load-generator thread: one phase at a time. */

import { Worker } from 'node:worker_threads';

import type { LoadShape, PhaseResult, Target, WireRequest } from './load-generator.js';
import type { PhaseCommand } from './load-worker.js';

export class LoadClient {
  readonly #worker: Worker;

  constructor(target: Target) {
    this.#worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: target });
  }

  /** Runs one phase and resolves with its result; the requests are copied to the generator thread before it starts timing. */
  run(requests: WireRequest[], shape: LoadShape, keepAnswers: boolean): Promise<PhaseResult> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error) => {
        this.#worker.off('message', onMessage);
        reject(error);
      };
      const onMessage = (message: PhaseResult | { error: string }) => {
        this.#worker.off('error', onError);
        if ('error' in message) reject(new Error(message.error));
        else resolve(message);
      };
      this.#worker.once('message', onMessage);
      this.#worker.once('error', onError);
      const command: PhaseCommand = { requests, shape, keepAnswers };
      this.#worker.postMessage(command);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
