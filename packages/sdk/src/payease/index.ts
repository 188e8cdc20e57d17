/** The PayEase v3 codec, shared by the gateway and the merchant SDK. */

export { canonicalString, type SkipRule } from './canonical.js';
export { signPayload, verifyPayload } from './signature.js';
export { aesDecryptFromBase64, aesEncryptToBase64 } from './aes-body.js';
export { rejectionSecretFor, unwrapAesKey, wrapAesKey } from './key-wrap.js';
export { loadCertificate, loadPfx, loadPrivateKey, type PfxContents } from './keys.js';
export {
  certificateToDer,
  createSelfSignedCertificate,
  writePfx,
  type SelfSignedCertificateOptions,
  type WritePfxOptions,
} from './provisioning.js';
export {
  extractCiphertext,
  generateAesKey,
  openEnvelope,
  PAYEASE_V3_CONTENT_TYPE,
  sealRequest,
  sealResponse,
  type OpenEnvelopeOptions,
  type Opened,
  type RequestHeaders,
  type ResponseHeaders,
  type Sealed,
  type SealRequestOptions,
  type SealResponseOptions,
} from './envelope.js';
export { headerValue, type HeaderSource } from './headers.js';
export { findForbiddenKey } from './forbidden-keys.js';
export { parseJsonExact, type ExactJson } from './exact-json.js';
export { phpFloatString, phpIntegerString } from './php-number.js';
export { decodeStrictBase64, isStrictBase64 } from './base64.js';
