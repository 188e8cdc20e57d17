import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS } from '../../domain/errors.js';
import { GLOBAL_JSON_WIRE_CODES } from './wire-codes.js';

const doc = readFileSync(new URL('../../../../../docs/dialects/global-json.md', import.meta.url), 'utf8');
const rows = new Map([...doc.matchAll(/^\| `([0-9]+)` \| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[2]!, { code: m[1], message: m[3] }]));

describe('flat-JSON error codes', () => {
  it('every core code has its dialect code documented, and nothing else is', () => {
    for (const [core, code] of Object.entries(GLOBAL_JSON_WIRE_CODES)) expect(rows.get(core), core).toEqual({ code, message: ERRORS[core as keyof typeof ERRORS].message });
    expect(rows.size).toBe(Object.keys(ERRORS).length);
  });
  it('never uses "0", the success code, for an error', () => {
    expect(Object.values(GLOBAL_JSON_WIRE_CODES)).not.toContain('0');
  });
});
