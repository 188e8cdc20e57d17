/**
 * Strict base64 (RFC 4648 §4, padded, no line breaks). Node's decoder skips
 * characters outside the alphabet and ignores a truncated tail; accepting
 * such input would let two different strings carry the same ciphertext or
 * signature, so everything that arrives from the wire goes through here.
 */

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isStrictBase64(text: string): boolean {
  if (!STRICT_BASE64.test(text)) return false;
  // The unused low bits of the last character must be zero (canonical form).
  return Buffer.from(text, 'base64').toString('base64') === text;
}

/** Decodes strict base64, or returns undefined for anything else. */
export function decodeStrictBase64(text: string): Buffer | undefined {
  return isStrictBase64(text) ? Buffer.from(text, 'base64') : undefined;
}
