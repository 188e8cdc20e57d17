/**
 * The gateway's crypto ceiling: what one core can do if the gateway did
 * nothing but the envelope work an `icc/order` needs —
 *
 *   openEnvelope   unwrap the AES key (RSA-2048 private decrypt, raw, with
 *                  constant-time unpadding), AES-decrypt, parse the JSON
 *   verifyPayload  the merchant's MD5withRSA signature
 *   sealResponse   sign the answer with the gateway key, wrap a fresh AES
 *                  key to the merchant certificate, AES-encrypt
 *
 * measured as a synchronous loop over the same prebuilt requests the load
 * phases send, with the gateway's real key. No HTTP, no database, no
 * logging: the rate any gateway speaking this protocol with these keys
 * could reach at best, per core.
 */

import { randomBytes, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

import {
  aesDecryptFromBase64,
  aesEncryptToBase64,
  extractCiphertext,
  generateAesKey,
  openEnvelope,
  sealResponse,
  signPayload,
  unwrapAesKey,
  verifyPayload,
  wrapAesKey,
} from '@opencashier/sdk';

import { cpuSnapshot, cpuUsageBetween, otherCores } from './cpu-usage.js';
import { CRYPTO_MEASURE_MS_MIN, CRYPTO_STEP_ITERATIONS, CRYPTO_WARMUP_ITERATIONS } from './limits.js';
import type { PreparedRequest } from './order-requests.js';

export interface CryptoCeilingInput {
  requests: readonly PreparedRequest[];
  gatewayPrivateKey: KeyObject;
  merchantPublicKey: KeyObject;
  merchantId: string;
  /** The fields of a real answer (hmac excluded); requestId is replaced per request. */
  answerFields: Readonly<Record<string, unknown>>;
}

/** Microseconds per call of each step alone; their sum is a little below the whole (JSON, copies). */
export interface CryptoSteps {
  unwrapAesKeyUs: number;
  aesDecryptUs: number;
  verifyPayloadUs: number;
  signPayloadUs: number;
  wrapAesKeyUs: number;
  aesEncryptUs: number;
}

export interface CryptoCeiling {
  iterations: number;
  /**
   * Per request, the lesser of CPU time and wall time. Wall time counts
   * the moments another process had the core; CPU time (process.cpuUsage)
   * counts V8's helper threads (GC) beside the loop. On a quiet machine
   * wall time is the smaller, on a busy one CPU time: either way the
   * ceiling errs on the high side, so the ratio errs on the low side.
   */
  perRequestUs: number;
  perRequestCpuUs: number;
  perRequestWallUs: number;
  /** Requests per second on one dedicated core. */
  opsPerSecond: number;
  /** Cores other processes used while the loop ran. */
  otherCores: number | undefined;
  /** CPU µs per call. */
  steps: CryptoSteps;
}

/** The gateway's whole envelope work for one request; throws if the request does not verify (the loop must not time a failure path). */
function envelopeWork(input: CryptoCeilingInput, request: PreparedRequest, rejectionSecret: Buffer): number {
  const encryptKey = request.headers['encryptKey']!;
  const { payload } = openEnvelope({ encryptKey, ciphertext: extractCiphertext(request.body), privateKey: input.gatewayPrivateKey, rejectionSecret });
  if (!verifyPayload(payload, [input.merchantPublicKey])) throw new Error(`request ${request.requestId} does not verify`);
  const sealed = sealResponse({
    payload: { ...input.answerFields, requestId: payload['requestId'] },
    merchantId: input.merchantId,
    signingKey: input.gatewayPrivateKey,
    recipient: input.merchantPublicKey,
  });
  return sealed.body.length;
}

export interface LoopResult {
  iterations: number;
  wallMs: number;
}

/**
 * Warms up, waits for `start` (a barrier when several threads run it at
 * once), then cycles over the requests for CRYPTO_MEASURE_MS_MIN.
 */
export async function runEnvelopeLoop(input: CryptoCeilingInput, start: () => Promise<void> = async () => {}): Promise<LoopResult> {
  const { requests } = input;
  if (requests.length === 0) throw new Error('no requests to measure the crypto ceiling with');
  const rejectionSecret = randomBytes(32);
  let sink = 0;
  for (let i = 0; i < CRYPTO_WARMUP_ITERATIONS; i++) sink += envelopeWork(input, requests[i % requests.length]!, rejectionSecret);
  await start();
  let iterations = 0;
  const startMs = performance.now();
  let wallMs = 0;
  while (wallMs < CRYPTO_MEASURE_MS_MIN) {
    sink += envelopeWork(input, requests[iterations % requests.length]!, rejectionSecret);
    iterations += 1;
    wallMs = performance.now() - startMs;
  }
  if (sink === 0) throw new Error('unreachable: the loop produced nothing');
  return { iterations, wallMs };
}

export async function measureCryptoCeiling(input: CryptoCeilingInput): Promise<CryptoCeiling> {
  let before = cpuSnapshot([]);
  const { iterations, wallMs } = await runEnvelopeLoop(input, async () => {
    before = cpuSnapshot([]);
  });
  const usage = cpuUsageBetween(before, cpuSnapshot([]), undefined, []);
  const perRequestCpuUs = (usage.benchSeconds * 1e6) / iterations;
  const perRequestWallUs = (wallMs * 1000) / iterations;
  const perRequestUs = Math.min(perRequestCpuUs, perRequestWallUs);
  return {
    iterations,
    perRequestUs,
    perRequestCpuUs,
    perRequestWallUs,
    opsPerSecond: 1e6 / perRequestUs,
    otherCores: otherCores(usage),
    steps: measureSteps(input, randomBytes(32)),
  };
}

/** The shape handed to a crypto thread; key objects survive the copy (KeyObject is cloneable). */
export type CryptoThreadJob = CryptoCeilingInput;

/**
 * The same loop on `threads` threads at once: checks the ceiling's
 * assumption that cores add up (shared caches, turbo limits, hyperthreads
 * or a host's other guests can make two busy cores worth less than two
 * idle ones). Returns requests per second, all threads together.
 */
export interface AllCoresResult {
  /** Requests per second, all threads together (wall clock). */
  opsPerSecond: number;
  /** Cores other processes used meanwhile. */
  otherCores: number | undefined;
}

export async function measureCryptoOnAllCores(input: CryptoCeilingInput, threads: number): Promise<AllCoresResult> {
  const workers = Array.from({ length: threads }, () => new Worker(new URL('./crypto-worker.js', import.meta.url), { workerData: { ...input } satisfies CryptoThreadJob }));
  try {
    await Promise.all(workers.map((worker) => once(worker, 'message')));
    const results = workers.map((worker) => once(worker, 'message') as Promise<[LoopResult]>);
    const before = cpuSnapshot([]);
    for (const worker of workers) worker.postMessage('go');
    const done = await Promise.all(results);
    const usage = cpuUsageBetween(before, cpuSnapshot([]), undefined, []);
    return {
      opsPerSecond: done.reduce((sum, [result]) => sum + (result.iterations * 1000) / result.wallMs, 0),
      otherCores: otherCores(usage),
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function cpuMicroseconds(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function timeUs(iterations: number, step: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(iterations, CRYPTO_WARMUP_ITERATIONS); i++) step(i);
  const startUs = cpuMicroseconds();
  for (let i = 0; i < iterations; i++) step(i);
  return (cpuMicroseconds() - startUs) / iterations;
}

function measureSteps(input: CryptoCeilingInput, rejectionSecret: Buffer): CryptoSteps {
  const n = CRYPTO_STEP_ITERATIONS;
  const sample = Array.from({ length: n }, (_, i) => input.requests[i % input.requests.length]!);
  const encryptKeys = sample.map((r) => r.headers['encryptKey']!);
  const ciphertexts = sample.map((r) => extractCiphertext(r.body));
  const aesKeys = encryptKeys.map((k) => unwrapAesKey(k, input.gatewayPrivateKey, rejectionSecret));
  const payloads = sample.map((_, i) => openEnvelope({ encryptKey: encryptKeys[i]!, ciphertext: ciphertexts[i]!, privateKey: input.gatewayPrivateKey, rejectionSecret }).payload);
  const answers = payloads.map((p) => ({ merchantId: input.merchantId, ...input.answerFields, requestId: p['requestId'] }));
  // A 2048-bit signature is 344 base64 characters: the encrypted answer is this long.
  const answerJson = answers.map((a) => JSON.stringify({ ...a, hmac: 'x'.repeat(344) }));
  const freshKey = generateAesKey();
  return {
    unwrapAesKeyUs: timeUs(n, (i) => unwrapAesKey(encryptKeys[i]!, input.gatewayPrivateKey, rejectionSecret)),
    aesDecryptUs: timeUs(n, (i) => aesDecryptFromBase64(ciphertexts[i]!, aesKeys[i]!)),
    verifyPayloadUs: timeUs(n, (i) => verifyPayload(payloads[i]!, [input.merchantPublicKey])),
    signPayloadUs: timeUs(n, (i) => signPayload(answers[i]!, input.gatewayPrivateKey)),
    wrapAesKeyUs: timeUs(n, () => wrapAesKey(generateAesKey(), input.merchantPublicKey)),
    aesEncryptUs: timeUs(n, (i) => aesEncryptToBase64(answerJson[i]!, freshKey)),
  };
}
