/** Messages between the envelope pool and its worker threads. */
export interface EnvelopeWorkerData {
  /** Every gateway key of the ring as PKCS#8 PEM, current first, with the end of its rotation overlap (null: current). */
  decryptionKeys: { pem: string; retiresAtMs: number | null }[];
  signingKeyPem: string;
  rejectionSecret: Uint8Array;
}

export type EnvelopeJob =
  /** `nowMs` is the gateway's clock: which keys are still in their overlap is decided by it, not by the thread's. */
  | { kind: 'open'; id: number; encryptKey: string; rawBody: string; certificatesPem: string[]; nowMs: number }
  | { kind: 'seal'; id: number; merchantId: string; recipientPem: string; fields: Record<string, unknown> };

export type EnvelopeResult =
  | { id: number; ok: true; payload: Record<string, unknown>; recipientIndex: number }
  | { id: number; ok: true; headers: Record<string, string>; body: string }
  /** `failure` is set for an unexpected error (a bug), absent for a bad envelope. */
  | { id: number; ok: false; failure?: string };
