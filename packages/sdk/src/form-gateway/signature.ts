/**
 * `signMsg` of the RMB form gateway (seed 004). The content is the
 * non-empty fields in the protocol's fixed order as `name=value` joined with
 * `&`. Then:
 *
 * - `signType=1`: MD5 over the content with `&key=<merchant key>` appended,
 *   upper-case hex (32 characters);
 * - `signType=4`: RSA PKCS#1 v1.5 with SHA-1 over the content, base64; the
 *   merchant signs with its private key and the gateway verifies with the
 *   merchant's certificate; answers are signed with the gateway's key.
 *
 * The content is hashed as UTF-8 whatever `inputCharset` the form used: the
 * values are the decoded text, so both sides agree on the same bytes.
 */
import { createHash, createSign, createVerify, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { FormSignType } from './field-order.js';

export type FormFields = Readonly<Record<string, string | undefined>>;

export function formSignContent(fields: FormFields, order: readonly string[]): string {
  const pairs: string[] = [];
  for (const name of order) {
    const value = fields[name];
    if (value === undefined || value === '') continue;
    pairs.push(`${name}=${value}`);
  }
  return pairs.join('&');
}

export function formMd5Sign(content: string, key: string): string {
  return createHash('md5').update(`${content}&key=${key}`, 'utf8').digest('hex').toUpperCase();
}

export function formRsaSign(content: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA1').update(content, 'utf8').sign(privateKey, 'base64');
}

/** The merchant's or the gateway's secret material for one `signType`. */
export type FormSigner = { signType: '1'; key: string } | { signType: '4'; privateKey: KeyObject };
export type FormVerifier = { signType: '1'; keys: readonly string[] } | { signType: '4'; publicKeys: readonly KeyObject[] };

export function formSign(fields: FormFields, order: readonly string[], signer: FormSigner): string {
  const content = formSignContent(fields, order);
  return signer.signType === '1' ? formMd5Sign(content, signer.key) : formRsaSign(content, signer.privateKey);
}

/**
 * True when `signMsg` verifies with one of the verifier's keys. MD5 compares
 * in constant time; every key is tried so timing does not tell which matched.
 */
export function verifyFormSign(fields: FormFields, order: readonly string[], signMsg: string | undefined, verifier: FormVerifier): boolean {
  if (typeof signMsg !== 'string' || signMsg === '') return false;
  const content = formSignContent(fields, order);
  let ok = false;
  if (verifier.signType === '1') {
    if (!/^[0-9A-Fa-f]{32}$/.test(signMsg)) return false;
    const given = Buffer.from(signMsg.toUpperCase(), 'ascii');
    for (const key of verifier.keys) if (timingSafeEqual(Buffer.from(formMd5Sign(content, key), 'ascii'), given)) ok = true;
    return ok;
  }
  // Java encoders wrap base64 at 76 columns; whitespace is not part of the value.
  const signature = Buffer.from(signMsg.replace(/\s+/g, ''), 'base64');
  for (const key of verifier.publicKeys) {
    try {
      if (createVerify('RSA-SHA1').update(content, 'utf8').verify(key, signature)) ok = true;
    } catch {
      // A key of the wrong type cannot verify: not a match.
    }
  }
  return ok;
}

export function isFormSignType(value: unknown): value is FormSignType {
  return value === '1' || value === '4';
}
