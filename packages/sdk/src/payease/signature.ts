/**
 * The `hmac` field: despite its name, an RSA signature.
 *
 *   hmac = base64( RSASSA-PKCS1-v1_5 with MD5 over SHA1(canonical) )
 *
 * The 20 raw SHA1 bytes are the *message* (PHP `openssl_sign(sha1($s, true),
 * …, "md5")`, Java `MD5withRSA`); Node then hashes them with MD5 itself.
 * MD5 is what the production protocol uses; its collision weakness is
 * blunted by the SHA1 layer only as far as SHA1 holds, which is the
 * protocol's limit, not ours to fix.
 */

import { createHash, sign, verify, type KeyObject } from 'node:crypto';

import { canonicalString, type SkipRule } from './canonical.js';
import { decodeStrictBase64 } from './base64.js';

const SIGNATURE_DIGEST = 'md5';

/**
 * Signs `payload` (its `hmac`, if any, is ignored). The default rule is the
 * one that every client verifies with, which is what a gateway must use for
 * answers and notifications; a merchant imitating the PHP client signs
 * requests with `'request'`.
 */
export function signPayload(payload: Readonly<Record<string, unknown>>, privateKey: KeyObject, rule: SkipRule = 'verify'): string {
  return sign(SIGNATURE_DIGEST, sha1OfCanonical(payload, rule), privateKey).toString('base64');
}

/**
 * True if `payloadWithHmac.hmac` verifies with any of `publicKeys` under
 * either skip rule: the strict one (top-level `""`/`null`/`false` skipped)
 * or the PHP client's request rule (also `"0"` and `0`). Never throws: a
 * missing, non-string or malformed `hmac`, or a payload that cannot be made
 * canonical, simply does not verify.
 */
export function verifyPayload(payloadWithHmac: Readonly<Record<string, unknown>>, publicKeys: readonly KeyObject[]): boolean {
  try {
    const hmac = payloadWithHmac['hmac'];
    if (typeof hmac !== 'string') return false;
    const signature = decodeStrictBase64(hmac);
    if (signature === undefined || signature.length === 0) return false;
    const digests = candidateDigests(payloadWithHmac);
    for (const key of publicKeys) {
      for (const digest of digests) {
        if (verifyQuietly(digest, key, signature)) return true;
      }
    }
    return false;
  } catch {
    return false;
  }
}

function candidateDigests(payload: Readonly<Record<string, unknown>>): Buffer[] {
  const digests: Buffer[] = [];
  for (const rule of ['verify', 'request'] as const) {
    let digest: Buffer;
    try {
      digest = sha1OfCanonical(payload, rule);
    } catch {
      continue; // not representable under this rule: it cannot have been signed that way
    }
    // Most payloads have one canonical form under both rules: verify it once.
    if (!digests.some((known) => known.equals(digest))) digests.push(digest);
  }
  return digests;
}

function verifyQuietly(digest: Buffer, key: KeyObject, signature: Buffer): boolean {
  try {
    return verify(SIGNATURE_DIGEST, digest, key, signature);
  } catch {
    return false; // e.g. a private-only key type or a key OpenSSL refuses for this scheme
  }
}

function sha1OfCanonical(payload: Readonly<Record<string, unknown>>, rule: SkipRule): Buffer {
  return createHash('sha1').update(canonicalString(payload, rule), 'utf8').digest();
}
