/**
 * Every bound the SDK applies, with the reason it has the value it has.
 * `limits.test.ts` checks how they relate to one another.
 */

/**
 * Levels of nesting the canonical signing string walks: the top level, the
 * members of a top-level object or list, and the members of those. Real
 * PayEase clients (hedeqiang/payease, the PHP and Java demos) are hand-written
 * loops three levels deep; what they do below that is undefined (PHP emits
 * the word `Array`), so deeper content is refused instead of guessed at.
 */
export const CANONICAL_DEPTH_MAX = 3;

/** AES-128: the body key is always 16 bytes (16 ASCII characters in practice). */
export const AES_KEY_BYTES = 16;

/**
 * Implicit rejection derives the fake key with HMAC-SHA256 keyed by this
 * secret; fewer than 128 bits would make the fake keys guessable.
 */
export const REJECTION_SECRET_BYTES_MIN = 16;

/**
 * Smallest RSA modulus we wrap keys to or unwrap keys from. PKCS#1 v1.5
 * needs 11 bytes of overhead plus the 16-byte key; anything under 2048 bits
 * is no longer issued by CFCA and must not be accepted silently.
 */
export const RSA_MODULUS_BYTES_MIN = 256;

/**
 * Largest response body the client reads. Real answers are a few kilobytes
 * (a base64 QR code PNG is the largest seen, well under 256 KiB); a bound
 * keeps a broken or hostile server from exhausting merchant memory.
 */
export const RESPONSE_BODY_BYTES_MAX = 1024 * 1024;

/** Characters of an unexpected HTTP body kept in an `HttpError`, enough to read an nginx error page title. */
export const HTTP_ERROR_BODY_EXCERPT_CHARS_MAX = 500;

/**
 * Default time for one API call, connect to last byte. PayEase's own PHP
 * client uses Guzzle's default (none); 30 s is longer than any observed
 * answer and short enough for a checkout page to fail visibly.
 */
export const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;

/**
 * PKCS#12 KDF iterations for files we write: the OpenSSL, Java keytool and
 * CFCA default, so every reader accepts them without a tuning switch.
 */
export const PFX_ITERATION_COUNT = 2048;

/** Salt length of PKCS#12 PBE and MAC in files we write (OpenSSL's default). */
export const PFX_SALT_BYTES = 8;

/** Longest validity we put in a provisioned certificate (about ten years, like the CFCA test certificates). */
export const CERTIFICATE_VALIDITY_DAYS_MAX = 3660;

/** Back-dating of provisioned certificates, so a peer whose clock runs slow accepts them at once. */
export const CERTIFICATE_BACKDATE_SECONDS = 300;
