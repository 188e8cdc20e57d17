/**
 * Worker-thread entry of the load generator. The generator gets an event
 * loop of its own, so the main thread's bookkeeping (CPU sampling, reports)
 * never delays a send or an answer, and its own loop utilization says
 * whether the generator, rather than the gateway, was the limit.
 */

import { parentPort, workerData } from 'node:worker_threads';

import { runPhase, type LoadShape, type Target, type WireRequest } from './load-generator.js';

export interface PhaseCommand {
  requests: WireRequest[];
  shape: LoadShape;
  keepAnswers: boolean;
}

const target = workerData as Target;
parentPort!.on('message', (command: PhaseCommand) => {
  runPhase(target, command.requests, command.shape, command.keepAnswers).then(
    (result) => parentPort!.postMessage(result, [result.latenciesMs.buffer as ArrayBuffer]),
    (error: unknown) => parentPort!.postMessage({ error: String(error) }),
  );
});
