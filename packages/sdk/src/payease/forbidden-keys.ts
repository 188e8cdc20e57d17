/**
 * Keys that must never reach code that merges or copies parsed JSON:
 * `JSON.parse('{"__proto__":{…}}')` creates an *own* `__proto__` property,
 * and a later `Object.assign` / spread into a plain object turns it into a
 * prototype change (prototype pollution). Rejecting them at the edge is
 * simpler than proving every consumer safe.
 */

const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The first forbidden key found at any depth of `value`, or undefined.
 * Walks with an explicit stack so a deeply nested document cannot overflow
 * the call stack, and reads own keys only (`Object.keys`), which is where
 * `JSON.parse` puts a `__proto__` key.
 */
export function findForbiddenKey(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== 'object' || current === null) continue;
    if (Array.isArray(current)) {
      for (const element of current) pending.push(element);
      continue;
    }
    for (const key of Object.keys(current)) {
      if (FORBIDDEN_KEYS.has(key)) return key;
      pending.push((current as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}
