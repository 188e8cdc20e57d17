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
import { performance } from 'node:perf_hooks';

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
   * CPU time per request (process.cpuUsage; the loop is the only thread at
   * work). On a machine shared with other processes wall time also counts
   * the time the loop waited for a core; CPU time does not.
   */
  perRequestUs: number;
  perRequestWallUs: number;
  /** Requests per second on one dedicated core, from CPU time. */
  opsPerSecond: number;
  /** Cores other processes used while the loop ran. */
  otherCores: number | undefined;
  /** CPU µs per call. */
  steps: CryptoSteps;
}

/** The gateway's whole envelope work for one request; throws if the request does not verify (the loop must not time a failure path). */
function envelopeWork(input: CryptoCeilingInput, request: PreparedRequest, rejectionSecret: Buffer): string {
  const encryptKey = request.headers['encryptKey']!;
  const { payload } = openEnvelope({ encryptKey, ciphertext: extractCiphertext(request.body), privateKey: input.gatewayPrivateKey, rejectionSecret });
  if (!verifyPayload(payload, [input.merchantPublicKey])) throw new Error(`request ${request.requestId} does not verify`);
  const sealed = sealResponse({
    payload: { ...input.answerFields, requestId: payload['requestId'] },
    merchantId: input.merchantId,
    signingKey: input.gatewayPrivateKey,
    recipient: input.merchantPublicKey,
  });
  return sealed.body;
}

export function measureCryptoCeiling(input: CryptoCeilingInput): CryptoCeiling {
  const { requests } = input;
  if (requests.length === 0) throw new Error('no requests to measure the crypto ceiling with');
  const rejectionSecret = randomBytes(32);
  let sink = 0;
  for (let i = 0; i < CRYPTO_WARMUP_ITERATIONS; i++) sink += envelopeWork(input, requests[i % requests.length]!, rejectionSecret).length;

  let iterations = 0;
  const before = cpuSnapshot([]);
  let elapsedMs = 0;
  while (elapsedMs < CRYPTO_MEASURE_MS_MIN) {
    sink += envelopeWork(input, requests[iterations % requests.length]!, rejectionSecret).length;
    iterations += 1;
    elapsedMs = performance.now() - before.atMs;
  }
  const after = cpuSnapshot([]);
  const cpuSeconds = after.benchSeconds - before.benchSeconds;
  const perRequestUs = (cpuSeconds * 1e6) / iterations;
  const usage = cpuUsageBetween(before, after, -1, []);
  const steps = measureSteps(input, rejectionSecret);
  if (sink === 0) throw new Error('unreachable: the loop produced nothing');
  return {
    iterations,
    perRequestUs,
    perRequestWallUs: (elapsedMs * 1000) / iterations,
    opsPerSecond: 1e6 / perRequestUs,
    otherCores: otherCores(usage),
    steps,
  };
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
  const payloads = sample.map((r, i) => openEnvelope({ encryptKey: encryptKeys[i]!, ciphertext: ciphertexts[i]!, privateKey: input.gatewayPrivateKey, rejectionSecret }).payload);
  const answers = payloads.map((p) => ({ merchantId: input.merchantId, ...input.answerFields, requestId: p['requestId'] }));
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
