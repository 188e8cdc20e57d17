import { describe, expect, it } from 'vitest';

import { findForbiddenKey } from './forbidden-keys.js';

describe('findForbiddenKey', () => {
  it('finds own __proto__, constructor and prototype keys at any depth of parsed JSON', () => {
    expect(findForbiddenKey(JSON.parse('{"__proto__":{"admin":true}}'))).toBe('__proto__');
    expect(findForbiddenKey(JSON.parse('{"a":{"b":[{"c":{"constructor":{"prototype":1}}}]}}'))).toBe('constructor');
    expect(findForbiddenKey(JSON.parse('[[{"prototype":null}]]'))).toBe('prototype');
  });

  it('passes clean documents and does not mistake values or inherited members for keys', () => {
    expect(findForbiddenKey(JSON.parse('{"a":"__proto__","b":["constructor"],"c":{"toString":"x"}}'))).toBeUndefined();
    expect(findForbiddenKey({})).toBeUndefined();
    expect(findForbiddenKey('__proto__')).toBeUndefined();
    expect(findForbiddenKey(null)).toBeUndefined();
  });

  it('survives nesting far deeper than the call stack', () => {
    const depth = 100_000;
    const deep = JSON.parse(`${'['.repeat(depth)}{"__proto__":1}${']'.repeat(depth)}`) as unknown;
    expect(findForbiddenKey(deep)).toBe('__proto__');
  });
});
