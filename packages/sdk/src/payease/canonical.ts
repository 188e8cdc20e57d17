/**
 * The PayEase v3 canonical signing string ("hmac source"): the values of a
 * payload, in key order, each followed by `#`. It must match, byte for byte,
 * what the real merchant clients build, because both sides hash it.
 *
 * The rules below reproduce `hedeqiang/payease` (see
 * shared/notes/payease-wire-protocol.md §1 and the vectors):
 *
 * - `hmac` is removed first; keys are sorted at every level (PHP `ksort`);
 *   list elements keep their index order; the walk is depth-first.
 * - Top level, scalars: the client drops `""`, `null`, `"0"`, `0`, `false`
 *   when it signs a request (`empty()`), but only `""`, `null`, `false` when
 *   it verifies an answer (`$v <> ''`; `false` is `''` in PHP). Hence the two
 *   rules.
 * - Second level (members of a top-level object *or list*): falsy values
 *   (`""`, `"0"`, `0`, `false`, `null`) are dropped under both rules, because
 *   the client runs `array_filter` over every top-level array. Decision: a
 *   top-level list of scalars is therefore emitted element by element with
 *   its falsy elements dropped, exactly as a top-level object's members are —
 *   PHP makes no distinction between the two.
 * - Third level (members of an object that sits in a list, or of any
 *   second-level container): nothing is dropped; `""`/`null`/`false` emit a
 *   bare `#`.
 * - Each piece is PHP `trim(value . '#')`: leading " \t\n\r\0\x0B" of the
 *   value disappears; trailing white space is protected by the `#`.
 * - Empty objects and lists emit nothing.
 *
 * Deeper than `CANONICAL_DEPTH_MAX` levels the real clients emit garbage, so
 * any container found there (even an empty one) throws `CanonicalError`
 * rather than being silently left out of what the signature covers.
 *
 * Values: strings as is; `true` as "1"; numbers as PHP prints what
 * `json_decode` made of them (see php-number.ts): a `bigint` (a JSON integer
 * read by `parseJsonExact`) and a safe integer in decimal, any other number
 * as a PHP float with 14 significant digits. So a request carrying
 * `"orderAmount": 10000` or even `1.5` verifies as the client signed it, and
 * the field check, not the signature, refuses what is not a whole amount.
 */

import { CanonicalError } from '../errors.js';
import { CANONICAL_DEPTH_MAX } from '../limits.js';
import { phpFloatString, phpIntegerString } from './php-number.js';

export type SkipRule = 'request' | 'verify';

type Container = readonly unknown[] | Readonly<Record<string, unknown>>;

/** The canonical string of `payload` under `rule`. Throws `CanonicalError` for content it cannot represent. */
export function canonicalString(payload: Readonly<Record<string, unknown>>, rule: SkipRule): string {
  if (!isPlainObject(payload)) throw new CanonicalError('payload must be a plain object');
  const out: string[] = [];
  for (const key of sortedKeys(payload)) {
    if (key === 'hmac') continue;
    const value = payload[key];
    if (isContainer(value)) {
      emitMembers(value, 2, out);
    } else if (!skippedAtTopLevel(value, rule)) {
      out.push(piece(value));
    }
  }
  return out.join('');
}

/** Emits the members of `container`, which sit at nesting level `level` (2 or 3). */
function emitMembers(container: Container, level: number, out: string[]): void {
  for (const member of membersInOrder(container)) {
    if (isContainer(member)) {
      if (level >= CANONICAL_DEPTH_MAX) {
        throw new CanonicalError(`payload nests deeper than ${CANONICAL_DEPTH_MAX} levels, which PayEase clients cannot sign`);
      }
      emitMembers(member, level + 1, out);
    } else if (!(level === 2 && isPhpFalsy(member))) {
      out.push(piece(member));
    }
  }
}

function membersInOrder(container: Container): unknown[] {
  if (Array.isArray(container)) {
    // JSON has no holes; undefined (from a JS caller) becomes null, as JSON.stringify writes it.
    return container.map((member) => (member === undefined ? null : member));
  }
  const record = container as Readonly<Record<string, unknown>>;
  // An undefined member is absent from the JSON, so it is absent here too.
  return sortedKeys(record)
    .map((key) => record[key])
    .filter((member) => member !== undefined);
}

function skippedAtTopLevel(value: unknown, rule: SkipRule): boolean {
  if (value === undefined || value === null || value === '' || value === false) return true;
  return rule === 'request' && (value === '0' || value === 0 || value === 0n);
}

/** PHP's truthiness for the scalars JSON can carry. */
function isPhpFalsy(value: unknown): boolean {
  return value === undefined || value === null || value === '' || value === '0' || value === 0 || value === 0n || value === false;
}

/** PHP `trim(value . '#')`: only leading white space can go, the `#` guards the end. */
function piece(value: unknown): string {
  return `${phpString(value)}#`.replace(LEADING_PHP_WHITESPACE, '');
}

const LEADING_PHP_WHITESPACE = /^[ \t\n\r\0\x0B]+/;

function phpString(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
      return phpIntegerString(value);
    case 'number':
      // A safe integer from a JavaScript caller is written as a JSON integer, which PHP reads as an int
      // (-0 prints as "0", like PHP's json_decode of -0); anything else PHP holds as a float.
      if (Number.isSafeInteger(value)) return String(value);
      if (!Number.isFinite(value)) throw new CanonicalError('NaN and infinities cannot be signed: JSON has no such numbers');
      return phpFloatString(value);
    case 'boolean':
      return value ? '1' : '';
    case 'object':
      if (value === null) return '';
      break;
    case 'undefined':
      return '';
  }
  throw new CanonicalError(`a ${typeof value === 'object' ? 'non-JSON object' : typeof value} cannot be signed`);
}

function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || isPlainObject(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * PHP `ksort` order. PHP stores keys that are canonical decimal integers as
 * integers and compares two of them numerically ("9" before "10"); every
 * other pair is compared bytewise on UTF-8 (JavaScript's `<` compares UTF-16
 * units, which differs above U+FFFF). Remaining difference, accepted: PHP 8
 * also compares two *non-canonical* numeric strings ("1e2", "1.5")
 * numerically; such keys do not occur in this protocol.
 */
function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort(compareKeys);
}

const PHP_INTEGER_KEY = /^(?:0|-?[1-9][0-9]*)$/;

function compareKeys(a: string, b: string): number {
  if (PHP_INTEGER_KEY.test(a) && PHP_INTEGER_KEY.test(b)) {
    const difference = BigInt(a) - BigInt(b);
    return difference < 0n ? -1 : difference > 0n ? 1 : 0;
  }
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
