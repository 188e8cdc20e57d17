import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERRORS, type ErrorCode } from '../../domain/errors.js';
import { globalJsonMessage, globalJsonTemplate } from './messages.js';
import { GLOBAL_JSON_WIRE_CODES } from './wire-codes.js';

const doc = readFileSync(new URL('../../../../../docs/dialects/global-json.md', import.meta.url), 'utf8');
const rows = new Map([...doc.matchAll(/^\| `([0-9]+)` \| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[2]!, { code: m[1], message: m[3] }]));

/** Words of the PayEase and form gateway dialects that a flat-JSON client never sent and cannot act on. */
const FOREIGN_WORDS = /requestId|merchantId|orderAmount|orderCurrency|inputCharset|orderTimestamp|redoFlag|paymentModeCode|merchantUserId|listPriceToken|subOrderRequestId|clientIp|serialNumber|envelope|minor units|header/;

describe('flat-JSON error codes', () => {
  it('every core code has its dialect code and message documented, and nothing else is', () => {
    for (const [core, code] of Object.entries(GLOBAL_JSON_WIRE_CODES)) expect(rows.get(core), core).toEqual({ code, message: globalJsonTemplate(core as ErrorCode) });
    expect(rows.size).toBe(Object.keys(ERRORS).length);
  });
  it('never uses "0", the success code, for an error', () => {
    expect(Object.values(GLOBAL_JSON_WIRE_CODES)).not.toContain('0');
  });
  it('no message uses another dialect’s words', () => {
    for (const code of Object.keys(ERRORS) as ErrorCode[]) {
      const params = Object.fromEntries([...globalJsonTemplate(code).matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, 'x']));
      expect(globalJsonMessage(code, params), code).not.toMatch(FOREIGN_WORDS);
    }
  });
});
