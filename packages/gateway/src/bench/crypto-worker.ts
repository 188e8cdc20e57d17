/** Worker-thread entry for `measureCryptoOnAllCores`: warm up, say so, wait for "go", run, report. */

import { once } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';

import { runEnvelopeLoop, type CryptoThreadJob } from './crypto-ceiling.js';

const port = parentPort!;
const result = await runEnvelopeLoop(workerData as CryptoThreadJob, async () => {
  const go = once(port, 'message');
  port.postMessage('ready');
  await go;
});
port.postMessage(result);
