import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  EnvelopeError,
  extractCiphertext,
  headerValue,
  openEnvelope,
  sealResponse,
  verifyPayload,
  type HeaderSource,
} from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import { MERCHANT_ID_PATTERN } from '../../domain/limits.js';
import type { GatewayKeyRing } from '../../keys/gateway-keys.js';
import type { Merchant, MerchantRepository } from '../../store/merchant-repository.js';
import type { EnvelopePool } from './envelope-pool.js';

/**
 * How long a merchant and its certificates are cached per process. Short,
 * so a suspension or a new certificate takes effect on every node within
 * seconds; long enough that the request path does not parse certificates.
 */
export const MERCHANT_CACHE_TTL_MS = 5_000;

interface MerchantKeys {
  merchant: Merchant;
  /** Verify requests; the first one also encrypts notifications. */
  certificates: KeyObject[];
  /** The same certificates as PEM, for the envelope threads. */
  certificatesPem: string[];
  loadedAtMs: number;
}

export interface OpenedRequest {
  merchant: Merchant;
  payload: Record<string, unknown>;
  /** The merchant certificate that verified the request: the answer is encrypted to it. */
  recipient: KeyObject;
  recipientPem: string;
}

/**
 * The gateway side of the PayEase envelope: opens and verifies requests,
 * seals answers. Every way an envelope can be wrong ends in the same
 * ENVELOPE_INVALID, so an attacker learns nothing about which check failed.
 */
export class GatewayEnvelope {
  readonly #cache = new Map<string, MerchantKeys>();

  constructor(
    private readonly keys: () => GatewayKeyRing,
    private readonly merchants: MerchantRepository,
    private readonly rejectionSecret: Buffer,
    private readonly clock: () => number,
    /** When given, RSA work runs on these threads instead of the event loop. */
    private readonly pool?: EnvelopePool,
  ) {}

  async merchantKeys(merchantId: string): Promise<MerchantKeys | undefined> {
    const now = this.clock();
    const cached = this.#cache.get(merchantId);
    if (cached && now - cached.loadedAtMs < MERCHANT_CACHE_TTL_MS) return cached;
    const merchant = await this.merchants.find(merchantId);
    if (!merchant) {
      this.#cache.delete(merchantId);
      return undefined;
    }
    const certs = await this.merchants.verifyingCertificates(merchantId, now);
    const entry: MerchantKeys = {
      merchant,
      certificates: certs.map((c) => createPublicKey(c.certificatePem)),
      certificatesPem: certs.map((c) => c.certificatePem),
      loadedAtMs: now,
    };
    this.#cache.set(merchantId, entry);
    return entry;
  }

  async openRequest(headers: HeaderSource, rawBody: unknown): Promise<OpenedRequest> {
    const merchantId = headerValue(headers, 'merchantId');
    if (!merchantId || !MERCHANT_ID_PATTERN.test(merchantId)) throw new GatewayError('MERCHANT_UNKNOWN');
    const keys = await this.merchantKeys(merchantId);
    if (!keys || keys.certificates.length === 0) throw new GatewayError('MERCHANT_UNKNOWN');
    const encryptKey = headerValue(headers, 'encryptKey');
    if (!encryptKey || typeof rawBody !== 'string') throw new GatewayError('ENVELOPE_INVALID');
    if (this.pool) {
      const result = await this.pool.run({ kind: 'open', encryptKey, rawBody, certificatesPem: keys.certificatesPem });
      if (!result.ok) {
        if (result.failure !== undefined) throw new Error(`envelope thread failed: ${result.failure}`);
        throw new GatewayError('ENVELOPE_INVALID');
      }
      if (!('payload' in result)) throw new Error('envelope thread answered an open with a seal');
      const i = result.recipientIndex;
      return { merchant: keys.merchant, payload: result.payload, recipient: keys.certificates[i]!, recipientPem: keys.certificatesPem[i]! };
    }
    const payload = this.decrypt(encryptKey, rawBody);
    // The answer goes to the certificate that verified the request: during a
    // certificate rotation, a merchant still on its old key can read it.
    const i = keys.certificates.findIndex((certificate) => verifyPayload(payload, [certificate]));
    if (i < 0) throw new GatewayError('ENVELOPE_INVALID');
    return { merchant: keys.merchant, payload, recipient: keys.certificates[i]!, recipientPem: keys.certificatesPem[i]! };
  }

  /**
   * Checks an authentic request may go on. These refusals are sealed like
   * any business answer: the request was genuine, so the merchant may know.
   */
  admit(opened: OpenedRequest): void {
    const bodyMerchantId = opened.payload.merchantId;
    if (bodyMerchantId !== undefined && bodyMerchantId !== opened.merchant.merchantId) throw new GatewayError('MERCHANT_MISMATCH');
    if (opened.merchant.status !== 'active') throw new GatewayError('MERCHANT_SUSPENDED');
  }

  /** Tries the current key, then keys still in their rotation overlap. */
  private decrypt(encryptKey: string, rawBody: string): Record<string, unknown> {
    let ciphertext: string;
    try {
      ciphertext = extractCiphertext(rawBody);
    } catch {
      throw new GatewayError('ENVELOPE_INVALID');
    }
    for (const privateKey of this.keys().decryptionKeys(this.clock())) {
      try {
        return openEnvelope({ encryptKey, ciphertext, privateKey, rejectionSecret: this.rejectionSecret }).payload;
      } catch (error) {
        if (!(error instanceof EnvelopeError)) throw error;
      }
    }
    throw new GatewayError('ENVELOPE_INVALID');
  }

  /** Seals an answer for the merchant: signed by the gateway key, encrypted to the merchant's certificate. */
  async seal(merchantId: string, recipient: { key: KeyObject; pem: string }, fields: Record<string, unknown>): Promise<{ headers: Record<string, string>; body: string }> {
    if (this.pool) {
      const result = await this.pool.run({ kind: 'seal', merchantId, recipientPem: recipient.pem, fields });
      if (!result.ok || !('body' in result)) throw new Error(`envelope thread failed to seal: ${result.ok ? 'wrong answer' : result.failure}`);
      return { headers: result.headers, body: result.body };
    }
    const sealed = sealResponse({
      payload: fields,
      merchantId,
      signingKey: this.keys().current.privateKey,
      recipient: recipient.key,
    });
    return { headers: { ...sealed.headers }, body: sealed.body };
  }
}
