import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, GatewayError } from '../../domain/errors.js';
import { FORM_FIELD_WIRE_CODES, FORM_WIRE_CODES, formErrCode } from './wire-codes.js';

const doc = readFileSync(new URL('../../../../../docs/dialects/form-gateway.md', import.meta.url), 'utf8');
const coreRows = new Map([...doc.matchAll(/^\| `([0-9]{5})` \| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[2]!, { code: m[1], message: m[3] }]));
const fieldRows = new Map([...doc.matchAll(/^\| `([0-9]{5})` \| `([a-zA-Z]+)` \|$/gm)].map((m) => [m[2]!, m[1]]));

describe('form gateway error codes', () => {
  it('every core code has its errCode documented, and nothing else is', () => {
    for (const [core, code] of Object.entries(FORM_WIRE_CODES)) expect(coreRows.get(core), core).toEqual({ code, message: ERRORS[core as keyof typeof ERRORS].message });
    expect(coreRows.size).toBe(Object.keys(ERRORS).length);
  });
  it('every field code is documented, and nothing else is', () => {
    expect(Object.fromEntries(fieldRows)).toEqual(FORM_FIELD_WIRE_CODES);
  });
  it('refines field refusals by the field, and only those', () => {
    const error = new GatewayError('FIELD_MISSING', { field: 'orderId' });
    expect(formErrCode(error.code, error.params.field)).toBe('10007');
    expect(formErrCode('FIELD_INVALID', 'somethingElse')).toBe('10013');
    expect(formErrCode('ORDER_NOT_FOUND', 'orderId')).toBe('20005');
  });
});
