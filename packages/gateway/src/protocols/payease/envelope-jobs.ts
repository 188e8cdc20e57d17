/** Messages between the envelope pool and its worker threads. */
export interface EnvelopeWorkerData {
  /** PKCS#8 PEM of every gateway key that may open a request, current first. */
  decryptionKeysPem: string[];
  signingKeyPem: string;
  rejectionSecret: Uint8Array;
}

export type EnvelopeJob =
  | { kind: 'open'; id: number; encryptKey: string; rawBody: string; certificatesPem: string[] }
  | { kind: 'seal'; id: number; merchantId: string; recipientPem: string; fields: Record<string, unknown> };

export type EnvelopeResult =
  | { id: number; ok: true; payload: Record<string, unknown>; recipientIndex: number }
  | { id: number; ok: true; headers: Record<string, string>; body: string }
  /** `failure` is set for an unexpected error (a bug), absent for a bad envelope. */
  | { id: number; ok: false; failure?: string };
