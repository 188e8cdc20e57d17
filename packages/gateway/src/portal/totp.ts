import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), HMAC-SHA1,
 * 30-second steps, 6 digits: what every authenticator app reads from an
 * `otpauth://` link. Pure: the time is a parameter.
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
const SECRET_BYTES = 20;
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4226 §5.3: dynamic truncation of HMAC-SHA1(key, counter). */
export function hotp(key: Buffer, counter: bigint, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpAt(key: Buffer, unixMs: number, digits = TOTP_DIGITS): string {
  return hotp(key, BigInt(Math.floor(unixMs / 1000 / TOTP_STEP_SECONDS)), digits);
}

/** True when `code` is the TOTP of any step within `driftSteps` of `unixMs`; compared in constant time. */
export function verifyTotp(key: Buffer, code: string, unixMs: number, driftSteps: number): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  const step = BigInt(Math.floor(unixMs / 1000 / TOTP_STEP_SECONDS));
  let ok = false;
  for (let d = -driftSteps; d <= driftSteps; d++) {
    const expected = hotp(key, step + BigInt(d));
    ok = timingSafeEqual(Buffer.from(expected), Buffer.from(code)) || ok;
  }
  return ok;
}

export function generateTotpSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error('not base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The link an authenticator app scans (Key Uri Format). */
export function otpauthUri(issuer: string, account: string, secret: Buffer): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${base32Encode(secret)}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`;
}
