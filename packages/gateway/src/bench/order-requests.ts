/**
 * `icc/order` requests sealed ahead of time with the SDK codec, exactly as
 * `PayEaseClient` seals them, so the load generator only writes bytes and
 * the merchant-side RSA signature does not compete with the gateway for CPU
 * during the measurement. Sealing is spread over worker threads because
 * each request costs one RSA-2048 signature.
 */

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

import { loadCertificate, loadPfx, sealRequest, type IccOrderRequest } from '@opencashier/sdk';

import type { SandboxMerchantInfo } from '../provisioning.js';

export const ORDER_PATH = '/icc/order';

/** One request ready to send: headers and body exactly as they go on the wire. */
export interface PreparedRequest {
  requestId: string;
  headers: Record<string, string>;
  body: string;
}

export type MerchantCredentials = Pick<SandboxMerchantInfo, 'merchantId' | 'pfxPath' | 'pfxPassword' | 'gatewayCertPath'>;

/** A plausible order: the amount varies so no two bodies are alike; the URLs go nowhere (port 9, discard). */
export function benchOrder(requestId: string, index: number): IccOrderRequest {
  const orderAmount = String(10_000 + (index % 90_000));
  return {
    requestId,
    orderAmount,
    orderCurrency: 'USD',
    language: 'en',
    notifyUrl: 'http://127.0.0.1:9999/notify',
    callbackUrl: 'http://127.0.0.1:9999/return',
    remark: 'opencashier bench',
    productDetails: [{ name: 'Bench widget', quantity: '1', amount: orderAmount }],
  };
}

export function sealOrderRequests(merchant: MerchantCredentials, requestIds: readonly string[], firstIndex: number): PreparedRequest[] {
  const { privateKey } = loadPfx(readFileSync(merchant.pfxPath), merchant.pfxPassword);
  const gatewayKey = loadCertificate(readFileSync(merchant.gatewayCertPath)).publicKey;
  return requestIds.map((requestId, offset) => {
    const sealed = sealRequest({
      payload: { ...benchOrder(requestId, firstIndex + offset) },
      merchantId: merchant.merchantId,
      signingKey: privateKey,
      recipient: gatewayKey,
    });
    return { requestId, headers: { ...sealed.headers }, body: sealed.body };
  });
}

export interface SealJob {
  merchant: MerchantCredentials;
  requestIds: string[];
  firstIndex: number;
}

/** Seals `requestIds` on `threads` worker threads, keeping their order. */
export async function sealOrderRequestsInParallel(merchant: MerchantCredentials, requestIds: readonly string[], threads: number): Promise<PreparedRequest[]> {
  const chunk = Math.ceil(requestIds.length / threads);
  const jobs: Promise<PreparedRequest[]>[] = [];
  for (let start = 0; start < requestIds.length; start += chunk) {
    const job: SealJob = { merchant, requestIds: requestIds.slice(start, start + chunk), firstIndex: start };
    jobs.push(
      new Promise((resolve, reject) => {
        const worker = new Worker(new URL('./seal-worker.js', import.meta.url), { workerData: job });
        worker.once('message', (sealed: PreparedRequest[]) => resolve(sealed));
        worker.once('error', reject);
        worker.once('exit', (code) => {
          if (code !== 0) reject(new Error(`sealing thread exited with code ${code}`));
        });
      }),
    );
  }
  return (await Promise.all(jobs)).flat();
}
