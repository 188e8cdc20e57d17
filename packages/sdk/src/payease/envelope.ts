/**
 * The PayEase v3 HTTP envelope, both directions:
 *
 *   request  (merchant → gateway): raw base64 body, headers Content-Type,
 *            merchantId, requestId, encryptKey
 *   response / notification (gateway → merchant): body {"data":"<base64>"},
 *            headers encryptKey, merchantId (+ requestId for notifications)
 *
 * The body is AES-128-ECB over the JSON of the payload with its `hmac`
 * appended last; `encryptKey` is the AES key wrapped to the receiver.
 */

import { randomInt, type KeyObject } from 'node:crypto';

import { EnvelopeError, InvalidArgumentError } from '../errors.js';
import { AES_KEY_BYTES, REJECTION_SECRET_BYTES_MIN } from '../limits.js';
import { aesDecryptBlocks, aesEncryptToBase64 } from './aes-body.js';
import { decodeStrictBase64 } from './base64.js';
import { type SkipRule } from './canonical.js';
import { parseJsonExact } from './exact-json.js';
import { findForbiddenKey } from './forbidden-keys.js';
import { unwrapAesKey, wrapAesKey } from './key-wrap.js';
import { signPayload } from './signature.js';

export { EnvelopeError } from '../errors.js';

export const PAYEASE_V3_CONTENT_TYPE = 'application/vnd.5upay-v3.0+json';

// Type aliases, not interfaces, so they are assignable to header records (`Record<string, string>`).
export type RequestHeaders = {
  'Content-Type': typeof PAYEASE_V3_CONTENT_TYPE;
  merchantId: string;
  requestId?: string;
  encryptKey: string;
  partnerId?: string;
};

export type ResponseHeaders = {
  'Content-Type': 'application/json';
  encryptKey: string;
  merchantId: string;
  requestId?: string;
};

export interface Sealed<H> {
  headers: H;
  /** The HTTP body, ready to send. */
  body: string;
  /** The plaintext JSON inside, hmac included (for logs and tests; it may hold personal data). */
  json: string;
}

export interface SealRequestOptions {
  payload: Readonly<Record<string, unknown>>;
  merchantId: string;
  signingKey: KeyObject;
  /** The gateway's public key (from its certificate). */
  recipient: KeyObject;
  /** Fixed AES key, for test vectors only; random otherwise. */
  aesKey?: Uint8Array | string;
  partnerId?: string;
}

/**
 * Seals a merchant request exactly as the PHP client does: `merchantId` is
 * filled in when the payload lacks it, the payload is signed with the
 * client's `'request'` skip rule, and the body is the bare base64 string.
 */
export function sealRequest(options: SealRequestOptions): Sealed<RequestHeaders> {
  const { merchantId, signingKey, recipient } = options;
  const payload: Record<string, unknown> = withoutHmac(options.payload);
  if (isPhpEmpty(payload['merchantId'])) payload['merchantId'] = merchantId;
  const { json, ciphertext, encryptKey } = seal(payload, signingKey, 'request', recipient, options.aesKey);
  const headers: RequestHeaders = { 'Content-Type': PAYEASE_V3_CONTENT_TYPE, merchantId, encryptKey };
  const requestId = payload['requestId'];
  // The PHP client sends the header only when `!empty($params['requestId'])`.
  if (!isPhpEmpty(requestId) && (typeof requestId === 'string' || typeof requestId === 'number')) {
    headers.requestId = String(requestId);
  }
  if (options.partnerId !== undefined) headers.partnerId = options.partnerId;
  return { headers, body: ciphertext, json };
}

export interface SealResponseOptions {
  payload: Readonly<Record<string, unknown>>;
  merchantId: string;
  signingKey: KeyObject;
  /** The merchant's public key (from the certificate it uploaded). */
  recipient: KeyObject;
  /** Set for notifications, which carry it as a header. */
  requestId?: string;
  aesKey?: Uint8Array | string;
}

/**
 * Seals a gateway answer or notification, signed with the `'verify'` rule
 * that clients check answers with (top-level `"0"` kept). Top-level `""`,
 * `null` and `undefined` fields are left out of the JSON altogether, as the
 * protocol notes advise: verifiers differ in how they treat empty values,
 * while an absent field is absent for all of them.
 */
export function sealResponse(options: SealResponseOptions): Sealed<ResponseHeaders> {
  const payload = withoutHmac(options.payload);
  for (const key of Object.keys(payload)) {
    const value = payload[key];
    if (value === '' || value === null || value === undefined) delete payload[key];
  }
  const { json, ciphertext, encryptKey } = seal(payload, options.signingKey, 'verify', options.recipient, options.aesKey);
  const headers: ResponseHeaders = { 'Content-Type': 'application/json', encryptKey, merchantId: options.merchantId };
  if (options.requestId !== undefined) headers.requestId = options.requestId;
  return { headers, body: JSON.stringify({ data: ciphertext }), json };
}

/**
 * The base64 ciphertext of an envelope body: either the bare string (what
 * clients send) or `{"data":"…"}` (what the documentation describes and
 * what answers use). Surrounding white space is tolerated; anything that
 * is not strict base64 of whole AES blocks throws `EnvelopeError`.
 */
export function extractCiphertext(rawBody: string): string {
  const trimmed = rawBody.trim();
  let ciphertext: unknown = trimmed;
  if (trimmed.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      ciphertext = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)['data'] : undefined;
    } catch {
      throw new EnvelopeError();
    }
  }
  if (typeof ciphertext !== 'string') throw new EnvelopeError();
  const bytes = decodeStrictBase64(ciphertext);
  // AES output is whole 16-byte blocks; anything else cannot be an envelope.
  if (bytes === undefined || bytes.length === 0 || bytes.length % 16 !== 0) throw new EnvelopeError();
  return ciphertext;
}

export interface OpenEnvelopeOptions {
  /** The `encryptKey` header. */
  encryptKey: string;
  /** From `extractCiphertext`. */
  ciphertext: string;
  privateKey: KeyObject;
  /** Keys the implicit-rejection fake AES key; secret and stable per key pair (see `rejectionSecretFor`). */
  rejectionSecret: Uint8Array;
  /**
   * Read JSON numbers exactly (`parseJsonExact`): integers as `bigint`,
   * fractions and exponents as `number`. A gateway wants this, to check and
   * sign what the client sent digit for digit; off by default (`JSON.parse`).
   */
  exactNumbers?: boolean;
}

export interface Opened {
  json: string;
  /** The decrypted fields, hmac included. Not yet verified. */
  payload: Record<string, unknown>;
}

/**
 * Decrypts an envelope. Every failure — malformed base64, a key that does
 * not unwrap, a bad AES padding, invalid UTF-8 or JSON, JSON that is not an
 * object, prototype-polluting keys — throws the same `EnvelopeError` with
 * the same message, so the caller cannot leak which step failed.
 * Bytes 0x00–0x1F are removed before parsing, as clients do (JSON string
 * values cannot contain them raw, so only insignificant white space goes).
 */
export function openEnvelope(options: OpenEnvelopeOptions): Opened {
  // Configuration mistakes are not secret and must not hide behind EnvelopeError.
  if (options.rejectionSecret.length < REJECTION_SECRET_BYTES_MIN) {
    throw new InvalidArgumentError(`rejection secret must be at least ${REJECTION_SECRET_BYTES_MIN} bytes`);
  }
  if (options.privateKey.type !== 'private') throw new InvalidArgumentError('openEnvelope needs a private key');
  try {
    const aesKey = unwrapAesKey(options.encryptKey.trim(), options.privateKey, options.rejectionSecret);
    // A bad padding is only acted on after the message was decoded and parsed like any other:
    // early and late mismatches then take the same time.
    const { plaintext: blocks, paddingValid } = aesDecryptBlocks(options.ciphertext, aesKey);
    const plaintext = blocks.filter((byte) => byte > 0x1f);
    const json = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(plaintext);
    const parsed: unknown = options.exactNumbers === true ? parseJsonExact(json) : JSON.parse(json);
    if (!paddingValid) throw new EnvelopeError();
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new EnvelopeError();
    if (findForbiddenKey(parsed) !== undefined) throw new EnvelopeError();
    return { json, payload: parsed as Record<string, unknown> };
  } catch {
    throw new EnvelopeError();
  }
}

/** A fresh AES key the way clients make them: 16 characters of [A-Za-z0-9] (about 95 bits). */
export function generateAesKey(): Buffer {
  const key = Buffer.alloc(AES_KEY_BYTES);
  for (let i = 0; i < AES_KEY_BYTES; i++) key[i] = AES_KEY_ALPHABET.charCodeAt(randomInt(AES_KEY_ALPHABET.length));
  return key;
}

const AES_KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function seal(
  payload: Record<string, unknown>,
  signingKey: KeyObject,
  rule: SkipRule,
  recipient: KeyObject,
  fixedAesKey: Uint8Array | string | undefined,
): { json: string; ciphertext: string; encryptKey: string } {
  const aesKey = fixedAesKey === undefined ? generateAesKey() : toKeyBytes(fixedAesKey);
  const hmac = signPayload(payload, signingKey, rule);
  // `hmac` goes last, after the payload's own order; JSON.stringify already leaves UTF-8 and "/" unescaped.
  const json = JSON.stringify({ ...payload, hmac });
  return { json, ciphertext: aesEncryptToBase64(json, aesKey), encryptKey: wrapAesKey(aesKey, recipient) };
}

function toKeyBytes(aesKey: Uint8Array | string): Buffer {
  const bytes = typeof aesKey === 'string' ? Buffer.from(aesKey, 'utf8') : Buffer.from(aesKey);
  if (bytes.length !== AES_KEY_BYTES) throw new InvalidArgumentError(`AES key must be ${AES_KEY_BYTES} bytes`);
  return bytes;
}

/**
 * A shallow copy without `hmac`, so a re-signed payload gets its new `hmac`
 * at the end. Prototype-polluting keys are refused here: the receiver
 * rejects them, and `copy[key] = …` would not even copy `__proto__`.
 */
function withoutHmac(payload: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const forbidden = findForbiddenKey(payload);
  if (forbidden !== undefined) throw new InvalidArgumentError(`payload may not contain the key ${forbidden}`);
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(payload)) {
    if (key !== 'hmac') copy[key] = payload[key];
  }
  return copy;
}

/** PHP `empty()` for the values a payload can hold. */
function isPhpEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === '0' || value === 0 || value === false;
}
