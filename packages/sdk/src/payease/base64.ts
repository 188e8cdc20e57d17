/**
 * Strict base64 (RFC 4648 §4, padded). Line breaks are the one exception:
 * Java's MIME encoders (and the old `sun.misc.BASE64Encoder` in many
 * merchant demos) wrap at 76 columns, so CR/LF are removed first; they carry
 * no data and cannot alter what decodes. Node's decoder skips
 * characters outside the alphabet and ignores a truncated tail; accepting
 * such input would let two different strings carry the same ciphertext or
 * signature, so everything that arrives from the wire goes through here.
 */

// A flat character class, not groups of four: V8 backtracks through a repeated
// group one stack frame per repetition and overflows on bodies of a few MB.
// Whole quads come from the length check; the padding's place from the round trip.
const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const LINE_BREAKS = /\r?\n/g;

export function isStrictBase64(text: string): boolean {
  const unwrapped = text.replace(LINE_BREAKS, '');
  if (unwrapped.length % 4 !== 0 || !STRICT_BASE64.test(unwrapped)) return false;
  // The unused low bits of the last character must be zero (canonical form).
  return Buffer.from(unwrapped, 'base64').toString('base64') === unwrapped;
}

/** Decodes strict base64 (line breaks allowed), or returns undefined for anything else. */
export function decodeStrictBase64(text: string): Buffer | undefined {
  return isStrictBase64(text) ? Buffer.from(text.replace(LINE_BREAKS, ''), 'base64') : undefined;
}
