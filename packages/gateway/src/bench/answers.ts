/**
 * Checking the answers after the clock has stopped: HTTP 200 is not enough,
 * since business refusals (a bad URL, a duplicate requestId) are sealed
 * 200s too. Each answer is opened with the merchant key, its signature
 * verified against the gateway certificate, and its status, merchantId and
 * requestId compared with the request — what `PayEaseClient` would do.
 */

import { randomBytes, type KeyObject } from 'node:crypto';

import { extractCiphertext, openEnvelope, verifyPayload } from '@opencashier/sdk';

import type { Answer } from './load-generator.js';
import type { PreparedRequest } from './order-requests.js';

export interface AnswerCheck {
  /** 200 answers examined (the others are already counted as HTTP errors). */
  checked: number;
  succeeded: number;
  /** Count per kind of failure. */
  failures: Record<string, number>;
  /** The fields of one successful answer, hmac excluded: the crypto ceiling seals the same shape. */
  sampleFields: Record<string, unknown> | undefined;
}

export interface AnswerKeys {
  merchantId: string;
  merchantPrivateKey: KeyObject;
  gatewayPublicKey: KeyObject;
}

export function checkAnswers(requests: readonly PreparedRequest[], answers: readonly (Answer | undefined)[], keys: AnswerKeys): AnswerCheck {
  const rejectionSecret = randomBytes(32);
  const failures: Record<string, number> = {};
  const fail = (kind: string) => {
    failures[kind] = (failures[kind] ?? 0) + 1;
  };
  let checked = 0;
  let succeeded = 0;
  let sampleFields: Record<string, unknown> | undefined;
  requests.forEach((request, index) => {
    const answer = answers[index];
    if (answer === undefined || answer.status !== 200) return;
    checked += 1;
    let payload: Record<string, unknown>;
    try {
      if (answer.encryptKey === undefined) throw new Error('no encryptKey');
      payload = openEnvelope({ encryptKey: answer.encryptKey, ciphertext: extractCiphertext(answer.body), privateKey: keys.merchantPrivateKey, rejectionSecret }).payload;
    } catch {
      fail('envelope does not open');
      return;
    }
    if (!verifyPayload(payload, [keys.gatewayPublicKey])) return fail('signature does not verify');
    if (payload['merchantId'] !== keys.merchantId || payload['requestId'] !== request.requestId) return fail('answer for another request');
    if (payload['status'] !== 'SUCCESS' || typeof payload['paymentOrderId'] !== 'string') {
      return fail(`status ${String(payload['status'])} ${String(payload['code'] ?? '')}`.trim());
    }
    succeeded += 1;
    if (sampleFields === undefined) {
      const { hmac: _hmac, ...fields } = payload;
      sampleFields = fields;
    }
  });
  return { checked, succeeded, failures, sampleFields };
}
