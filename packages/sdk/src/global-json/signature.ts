/**
 * The flat-JSON card API's `sign` (seed 003). The provider does not publish
 * its rule; its examples are 32 lower-case hex digits, which is the common
 * rule of that family of APIs, kept here in one place:
 *
 *   1. take every top-level field except `sign` whose value is not empty
 *      (null, undefined and "" are left out; numbers and booleans as text);
 *   2. sort the names by their UTF-16 code units (ASCII order for the
 *      seed's field names);
 *   3. join `name=value` pairs with `&`, append `&key=<app secret>`;
 *   4. MD5 over the UTF-8 bytes, lower-case hex.
 *
 * Nested objects and lists have no defined place in the string, so they are
 * refused rather than guessed at. The gateway and the SDK both import this
 * file, so the two sides agree by construction.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { CanonicalError } from '../errors.js';

export type FlatFields = Readonly<Record<string, unknown>>;

/** The string that is hashed, without the secret (for diagnosis; never log the secret). */
export function globalJsonSignContent(fields: FlatFields): string {
  const pairs: string[] = [];
  for (const name of Object.keys(fields).sort()) {
    if (name === 'sign') continue;
    const value = fields[name];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object') throw new CanonicalError(`field ${name} is not a flat value`);
    pairs.push(`${name}=${String(value)}`);
  }
  return pairs.join('&');
}

/** `sign` for `fields` under the app secret. */
export function globalJsonSign(fields: FlatFields, secret: string): string {
  const content = globalJsonSignContent(fields);
  const text = content === '' ? `key=${secret}` : `${content}&key=${secret}`;
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** True when `fields.sign` is the sign of the other fields under one of `secrets` (constant-time per comparison). */
export function verifyGlobalJsonSign(fields: FlatFields, secrets: readonly string[]): boolean {
  const given = fields.sign;
  if (typeof given !== 'string' || !/^[0-9a-fA-F]{32}$/.test(given)) return false;
  let content: string;
  try {
    content = globalJsonSignContent(fields);
  } catch {
    return false;
  }
  const givenBytes = Buffer.from(given.toLowerCase(), 'ascii');
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(createHash('md5').update(content === '' ? `key=${secret}` : `${content}&key=${secret}`, 'utf8').digest('hex'), 'ascii');
    // Every secret is tried, so timing does not tell which one matched.
    if (timingSafeEqual(expected, givenBytes)) ok = true;
  }
  return ok;
}

/** `fields` with their `sign` added. */
export function signGlobalJson<T extends FlatFields>(fields: T, secret: string): T & { sign: string } {
  return { ...fields, sign: globalJsonSign(fields, secret) };
}
