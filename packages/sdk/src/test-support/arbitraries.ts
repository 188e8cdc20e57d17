/**
 * fast-check generators for PayEase payloads: JSON objects at most three
 * levels deep (what the protocol can sign), with the values that trip up
 * the skip rules ("" , "0", 0, false, null, leading white space, "#") and
 * Unicode. Strings never contain "x", so a test can tamper with a value by
 * appending "x" and be sure the canonical string changes.
 */

import fc from 'fast-check';

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype', 'hmac']);

const character = fc.constantFrom('a', 'b', 'Z', '0', '1', '9', ' ', '\t', '\n', '#', '/', '"', '\\', '&', '=', '名', '前', 'ü', '😀', '\u00A0');

export const textValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '0', ' lead', 'trail ', '#', '00', '0.0', 'false', 'null'),
  fc.string({ unit: character, maxLength: 12 }),
);

export const scalarValue: fc.Arbitrary<string | number | boolean | null> = fc.oneof(
  { weight: 6, arbitrary: textValue },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -7, 12345, Number.MAX_SAFE_INTEGER) },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

export const payloadKey: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom('a', 'b', 'c', 'I', 'd', '_', '1', '0', 'é', '名'), minLength: 1, maxLength: 6 })
  .filter((key) => !FORBIDDEN.has(key));

function objectOf<T>(value: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> {
  return fc.dictionary(payloadKey, value, { maxKeys: 5, noNullPrototype: true });
}

type Scalar = string | number | boolean | null;
type Level3Container = Scalar[] | Record<string, Scalar>;
type Level2Value = Scalar | Level3Container;

const level3Container: fc.Arbitrary<Level3Container> = fc.oneof(fc.array(scalarValue, { maxLength: 4 }), objectOf(scalarValue));
const level2Value: fc.Arbitrary<Level2Value> = fc.oneof({ weight: 3, arbitrary: scalarValue }, { weight: 1, arbitrary: level3Container });
const topLevelValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalarValue },
  { weight: 1, arbitrary: fc.array(level2Value, { maxLength: 4 }) },
  { weight: 1, arbitrary: objectOf(level2Value) },
);

/** A payload the protocol can sign (≤ 3 levels, JSON values, no hmac). */
export function jsonPayload(): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(payloadKey, topLevelValue, { maxKeys: 8, noNullPrototype: true });
}

/** The same value with the keys of every object inserted in reverse order. */
export function withKeysReversed<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withKeysReversed) as T;
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).reverse();
  return Object.fromEntries(entries.map(([key, member]) => [key, withKeysReversed(member)])) as T;
}

/** Paths to every scalar leaf of a payload. */
export function leafPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((member, index) => leafPaths(member, [...prefix, index]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, member]) => leafPaths(member, [...prefix, key]));
  }
  return [prefix];
}

/** A deep copy of `payload` whose leaf at `path` has "x" appended (as text). */
export function tamperedAt(payload: Record<string, unknown>, path: (string | number)[]): Record<string, unknown> {
  const copy = structuredClone(payload);
  let parent: Record<string | number, unknown> = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const leaf = parent[last];
  parent[last] = `${leaf === null || leaf === false ? '' : leaf === true ? '1' : String(leaf)}x`;
  return copy;
}
