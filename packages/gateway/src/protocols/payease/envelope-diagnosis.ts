import { createHash } from 'node:crypto';
import {
  MalformedInputError,
  aesDecryptFromBase64,
  canonicalString,
  extractCiphertext,
  findForbiddenKey,
  parseJsonExact,
  unwrapAesKey,
  verifyPayload,
  type SkipRule,
} from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import type { RequestToOpen } from './open-request.js';

/**
 * Which check of the envelope failed, for sandbox merchants only (see
 * docs/dialects/payease.md § Sandbox diagnostics). The key unwrap and the AES
 * decryption are ONE check, `DECRYPT`: the gateway key is shared by every
 * merchant, so telling a bad RSA padding from a bad AES padding would hand
 * anyone naming a sandbox merchant a padding oracle on live merchants'
 * captured `encryptKey`s. Implicit rejection keeps the two indistinguishable.
 */
export type EnvelopeCheck = 'BODY' | 'ENCRYPT_KEY' | 'DECRYPT' | 'JSON' | 'SIGNATURE';

export interface CanonicalForms {
  /** Top-level `""`/`null` skipped: how the gateway signs and how clients verify. */
  strict: string;
  strictSha1: string;
  /** Also top-level `"0"`/`0` skipped: what the PHP client signs a request over. */
  client: string;
  clientSha1: string;
}

export interface EnvelopeDiagnostic {
  check: EnvelopeCheck;
  detail: string;
  /** For `SIGNATURE`: the canonical strings the gateway verified against (card-like digit runs masked; the SHA-1 is of the unmasked string). */
  canonical?: CanonicalForms;
}

/** ENVELOPE_INVALID with the reason, for a sandbox merchant's plain error body. */
export class DiagnosedEnvelopeError extends GatewayError {
  constructor(readonly diagnostic: EnvelopeDiagnostic) {
    super('ENVELOPE_INVALID');
  }
}

const BODY_FORM = 'the body must be the bare base64 ciphertext or {"data":"<base64>"}, whole 16-byte AES blocks';

/**
 * Re-runs the envelope checks one by one, saying which failed. Only called
 * after the uniform open failed, and only for a sandbox merchant; a live
 * merchant's refusal stays one uniform ENVELOPE_INVALID.
 */
export function diagnoseEnvelope(request: Omit<RequestToOpen, 'encryptKey'> & { encryptKey: string | undefined }): EnvelopeDiagnostic {
  if (request.encryptKey === undefined || request.encryptKey.trim() === '') return { check: 'ENCRYPT_KEY', detail: 'no encryptKey header' };
  let ciphertext: string;
  try {
    ciphertext = extractCiphertext(request.rawBody);
  } catch {
    return { check: 'BODY', detail: BODY_FORM };
  }
  const plaintext = decrypt(request.encryptKey.trim(), ciphertext, request);
  if (typeof plaintext !== 'object') return plaintext === 'ENCRYPT_KEY'
    ? { check: 'ENCRYPT_KEY', detail: "encryptKey is not base64 of one RSA block of the gateway key's size" }
    : { check: 'DECRYPT', detail: 'the body does not decrypt with the AES key in encryptKey: encrypt the AES key to the current gateway certificate and the body with that same key (AES-128-ECB, PKCS#7)' };
  let payload: unknown;
  try {
    payload = parseJsonExact(new TextDecoder('utf-8', { fatal: true }).decode(plaintext.filter((byte) => byte > 0x1f)));
  } catch {
    return { check: 'JSON', detail: 'the decrypted body is not UTF-8 JSON' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { check: 'JSON', detail: 'the decrypted body is not a JSON object' };
  const forbidden = findForbiddenKey(payload);
  if (forbidden !== undefined) return { check: 'JSON', detail: `the key ${forbidden} is not allowed` };
  const fields = payload as Record<string, unknown>;
  if (typeof fields.hmac !== 'string' || fields.hmac === '') return { check: 'SIGNATURE', detail: 'no hmac field (a string) in the body' };
  let canonical: CanonicalForms;
  try {
    canonical = canonicalForms(fields);
  } catch (error) {
    return { check: 'SIGNATURE', detail: `the body cannot be signed: ${error instanceof Error ? error.message : String(error)}` };
  }
  const verifies = verifyPayload(fields, request.certificates);
  return verifies
    ? { check: 'SIGNATURE', detail: 'the signature verifies now: the certificate changed while the request was checked; send it again' }
    : { check: 'SIGNATURE', detail: "hmac does not verify with the merchant's certificate over either canonical string: base64(MD5withRSA(SHA1(canonical)))", canonical };
}

/** The plaintext, or which of the two checks failed. */
function decrypt(encryptKey: string, ciphertext: string, request: Pick<RequestToOpen, 'decryptionKeys' | 'rejectionSecret'>): Buffer | 'ENCRYPT_KEY' | 'DECRYPT' {
  let malformed = true;
  for (const privateKey of request.decryptionKeys) {
    let aesKey: Buffer;
    try {
      aesKey = unwrapAesKey(encryptKey, privateKey, request.rejectionSecret);
    } catch (error) {
      if (error instanceof MalformedInputError) continue;
      throw error;
    }
    malformed = false;
    try {
      return aesDecryptFromBase64(ciphertext, aesKey);
    } catch {
      // A wrong key (or a bad RSA padding, turned into a pseudo-random key): try the next gateway key.
    }
  }
  return malformed ? 'ENCRYPT_KEY' : 'DECRYPT';
}

function canonicalForms(payload: Record<string, unknown>): CanonicalForms {
  const form = (rule: SkipRule) => canonicalString(payload, rule);
  const strict = form('verify');
  const client = form('request');
  return { strict: maskCardNumbers(strict), strictSha1: sha1Hex(strict), client: maskCardNumbers(client), clientSha1: sha1Hex(client) };
}

const sha1Hex = (text: string) => createHash('sha1').update(text, 'utf8').digest('hex');

/** Card-number-like digit runs (12 to 19 digits) keep their first 6 and last 4 digits: an answer never carries a PAN in clear. */
function maskCardNumbers(text: string): string {
  return text.replace(/\d{12,19}/g, (run) => `${run.slice(0, 6)}${'*'.repeat(run.length - 10)}${run.slice(-4)}`);
}
