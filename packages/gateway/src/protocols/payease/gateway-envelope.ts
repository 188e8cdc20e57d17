import { createPublicKey, type KeyObject } from 'node:crypto';
import { headerValue, sealResponse, type HeaderSource } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import { MERCHANT_ID_PATTERN } from '../../domain/limits.js';
import type { GatewayKeyRing } from '../../keys/gateway-keys.js';
import type { Merchant, MerchantRepository } from '../../store/merchant-repository.js';
import type { EnvelopePool } from './envelope-pool.js';
import { openVerifiedRequest } from './open-request.js';
import { DiagnosedEnvelopeError, diagnoseEnvelope } from './envelope-diagnosis.js';

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
 * ENVELOPE_INVALID, so an attacker learns nothing about which check failed;
 * only a sandbox merchant's refusal carries a diagnostic (never telling a
 * bad key wrap from a bad AES body, see envelope-diagnosis.ts).
 */
export class GatewayEnvelope {
  readonly #cache = new Map<string, MerchantKeys>();

  constructor(
    private readonly keys: GatewayKeyRing,
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
    const body = typeof rawBody === 'string' ? rawBody : '';
    const opened = encryptKey ? (this.pool ? await this.openOnThread(encryptKey, body, keys.certificatesPem) : this.openHere(encryptKey, body, keys.certificates)) : undefined;
    if (!opened) throw this.refusal(keys, encryptKey, body);
    const i = opened.recipientIndex;
    return { merchant: keys.merchant, payload: opened.payload, recipient: keys.certificates[i]!, recipientPem: keys.certificatesPem[i]! };
  }

  /**
   * The uniform ENVELOPE_INVALID; for a sandbox merchant it also says which
   * check failed (worked out only now, off the uniform path).
   */
  private refusal(keys: MerchantKeys, encryptKey: string | undefined, rawBody: string): GatewayError {
    if (!keys.merchant.sandbox) return new GatewayError('ENVELOPE_INVALID');
    const decryptionKeys = this.keys.decryptionKeys(this.clock());
    return new DiagnosedEnvelopeError(diagnoseEnvelope({ encryptKey, rawBody, decryptionKeys, certificates: keys.certificates, rejectionSecret: this.rejectionSecret }));
  }

  private openHere(encryptKey: string, rawBody: string, certificates: KeyObject[]) {
    return openVerifiedRequest({ encryptKey, rawBody, decryptionKeys: this.keys.decryptionKeys(this.clock()), certificates, rejectionSecret: this.rejectionSecret });
  }

  private async openOnThread(encryptKey: string, rawBody: string, certificatesPem: string[]) {
    const result = await this.pool!.run({ kind: 'open', encryptKey, rawBody, certificatesPem, nowMs: this.clock() });
    if (!result.ok) {
      if (result.failure !== undefined) throw new Error(`envelope thread failed: ${result.failure}`);
      return undefined;
    }
    if (!('payload' in result)) throw new Error('envelope thread answered an open with a seal');
    return result;
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

  /**
   * Seals an answer or a notification for the merchant: signed by the
   * gateway key, encrypted to the merchant's certificate. Notifications also
   * carry the `requestId` header.
   */
  async seal(
    merchantId: string,
    recipient: { key: KeyObject; pem: string },
    fields: Record<string, unknown>,
    requestId?: string,
  ): Promise<{ headers: Record<string, string>; body: string }> {
    let sealed: { headers: Record<string, string>; body: string };
    if (this.pool) {
      const result = await this.pool.run({ kind: 'seal', merchantId, recipientPem: recipient.pem, fields });
      if (!result.ok || !('body' in result)) throw new Error(`envelope thread failed to seal: ${result.ok ? 'wrong answer' : result.failure}`);
      sealed = { headers: result.headers, body: result.body };
    } else {
      const s = sealResponse({ payload: fields, merchantId, signingKey: this.keys.current.privateKey, recipient: recipient.key });
      sealed = { headers: { ...s.headers }, body: s.body };
    }
    return requestId === undefined ? sealed : { headers: { ...sealed.headers, requestId }, body: sealed.body };
  }
}
