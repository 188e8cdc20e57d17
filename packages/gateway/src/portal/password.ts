import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { PASSWORD_LENGTH_MAX } from './limits.js';

/**
 * Password hashes with scrypt (RFC 7914) from node:crypto. The stored form
 * names its parameters, so they can be raised later without breaking old
 * hashes: `scrypt$N$r$p$salt$hash` (base64url).
 */
const COST_N = 1 << 15;
const BLOCK_R = 8;
const PARALLEL_P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly that for N=2^15, r=8, so give headroom. */
const MAXMEM_BYTES = 64 * 1024 * 1024;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: MAXMEM_BYTES };
  return new Promise((resolve, reject) => scryptCallback(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, COST_N, BLOCK_R, PARALLEL_P);
  return ['scrypt', COST_N, BLOCK_R, PARALLEL_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  if (password.length > PASSWORD_LENGTH_MAX) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash that matches nothing, checked when the e-mail is unknown so both answers take the same time. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** A generated password for a new or reset account: 18 random bytes, 24 characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
