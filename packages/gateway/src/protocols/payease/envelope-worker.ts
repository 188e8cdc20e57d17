/**
 * A worker thread that does the RSA work of the PayEase envelope: opening
 * and verifying requests, sealing answers. RSA private operations are most
 * of a request's CPU; running them here lets one process (one SQLite
 * connection, no write-lock contention) use every core.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { sealResponse } from '@opencashier/sdk';
import { openVerifiedRequest } from './open-request.js';
import type { EnvelopeJob, EnvelopeResult, EnvelopeWorkerData } from './envelope-jobs.js';

/** Merchant certificates parsed per worker; a handful per merchant, bounded against growth. */
const CERTIFICATE_CACHE_MAX = 1_000;

const data = workerData as EnvelopeWorkerData;
const decryptionKeys = data.decryptionKeys.map((k) => ({ key: createPrivateKey(k.pem), retiresAtMs: k.retiresAtMs }));
const signingKey = createPrivateKey(data.signingKeyPem);
const rejectionSecret = Buffer.from(data.rejectionSecret);
const certificates = new Map<string, KeyObject>();

function certificate(pem: string): KeyObject {
  let key = certificates.get(pem);
  if (!key) {
    if (certificates.size >= CERTIFICATE_CACHE_MAX) certificates.clear();
    key = createPublicKey(pem);
    certificates.set(pem, key);
  }
  return key;
}

function open(job: Extract<EnvelopeJob, { kind: 'open' }>): EnvelopeResult {
  const opened = openVerifiedRequest({
    encryptKey: job.encryptKey,
    rawBody: job.rawBody,
    decryptionKeys: decryptionKeys.filter((k) => k.retiresAtMs === null || k.retiresAtMs > job.nowMs).map((k) => k.key),
    certificates: job.certificatesPem.map(certificate),
    rejectionSecret,
  });
  return opened ? { id: job.id, ok: true, ...opened } : { id: job.id, ok: false };
}

function seal(job: Extract<EnvelopeJob, { kind: 'seal' }>): EnvelopeResult {
  const sealed = sealResponse({ payload: job.fields, merchantId: job.merchantId, signingKey, recipient: certificate(job.recipientPem) });
  return { id: job.id, ok: true, headers: { ...sealed.headers }, body: sealed.body };
}

parentPort!.on('message', (job: EnvelopeJob) => {
  let result: EnvelopeResult;
  try {
    result = job.kind === 'open' ? open(job) : seal(job);
  } catch (error) {
    result = { id: job.id, ok: false, failure: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(result);
});
