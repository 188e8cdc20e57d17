/** Worker-thread entry for `sealOrderRequestsInParallel`. */

import { parentPort, workerData } from 'node:worker_threads';

import { sealOrderRequests, type SealJob } from './order-requests.js';

const job = workerData as SealJob;
parentPort!.postMessage(sealOrderRequests(job.merchant, job.requestIds, job.firstIndex));
