import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, GatewayError } from './errors.js';

const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d+) \| (FAILED|ERROR) \| (yes|no) \| (.*) \|$/gm)].map((m) => [m[1]!, { http: Number(m[2]), status: m[3], retry: m[4] === 'yes', message: m[5] }]),
);

describe('error codes', () => {
  it('every code in the table is documented with the same status, retryability and message', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      expect(documented.get(code), code).toEqual({ http: spec.httpStatus, status: spec.wireStatus, retry: spec.retryable, message: spec.message });
    }
  });
  it('every documented code exists', () => {
    for (const code of documented.keys()) expect(Object.keys(ERRORS)).toContain(code);
    expect(documented.size).toBe(Object.keys(ERRORS).length);
  });
  it('renders parameters into messages', () => {
    expect(new GatewayError('FIELD_MISSING', { field: 'orderAmount' }).message).toBe('Required field orderAmount is missing.');
  });
});
