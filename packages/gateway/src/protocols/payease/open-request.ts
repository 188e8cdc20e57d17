import type { KeyObject } from 'node:crypto';
import { EnvelopeError, extractCiphertext, openEnvelope, verifyPayload } from '@opencashier/sdk';

export interface RequestToOpen {
  encryptKey: string;
  rawBody: string;
  /** Gateway keys that may open a request now, current first. */
  decryptionKeys: readonly KeyObject[];
  /** The merchant's verifying certificates. */
  certificates: readonly KeyObject[];
  rejectionSecret: Uint8Array;
}

/**
 * Opens a request envelope and verifies its signature: the one sequence
 * both the event loop and the envelope threads run. Undefined for any bad
 * envelope, never saying why; other errors (bugs) are thrown. JSON numbers
 * are read exactly: a JSON integer is a `bigint`, a fraction or exponent a
 * `number` (see `parseJsonExact`), so field checks can tell them apart.
 *
 * `recipientIndex` names the certificate that verified: the answer goes to
 * it, so during a certificate rotation a merchant still on its old key can
 * read it.
 */
export function openVerifiedRequest(request: RequestToOpen): { payload: Record<string, unknown>; recipientIndex: number } | undefined {
  let ciphertext: string;
  try {
    ciphertext = extractCiphertext(request.rawBody);
  } catch {
    return undefined;
  }
  for (const privateKey of request.decryptionKeys) {
    let payload: Record<string, unknown>;
    try {
      payload = openEnvelope({ encryptKey: request.encryptKey, ciphertext, privateKey, rejectionSecret: request.rejectionSecret, exactNumbers: true }).payload;
    } catch (error) {
      if (error instanceof EnvelopeError) continue;
      throw error;
    }
    const recipientIndex = request.certificates.findIndex((certificate) => verifyPayload(payload, [certificate]));
    return recipientIndex < 0 ? undefined : { payload, recipientIndex };
  }
  return undefined;
}
