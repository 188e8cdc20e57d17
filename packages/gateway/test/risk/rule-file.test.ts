import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRuleFile, rulesFor } from '../../src/risk/rule-set.js';
import { parseJsonWithLines } from '../../src/risk/json-with-lines.js';

const GOOD = `{
  "defaults": {
    "thresholds": { "challenge": 20, "review": 50, "deny": 90 },
    "amountLimits": { "USD": { "perTransactionMaxMinor": "500000", "perCardDayMaxMinor": "1000000", "action": "DENY" } },
    "velocity": [ { "name": "card-10m", "key": "card", "window": "10m", "maxAttempts": 5, "action": "REVIEW" } ],
    "geography": { "highRiskCountries": ["NG"], "highRisk": { "action": "REVIEW", "score": 30 }, "cardIpMismatch": { "score": 20 } },
    "cardTesting": { "window": "1h", "declinesPerCard": 3, "declinesPerIp": 10 },
    "splitOrders": { "window": "1h", "minOrders": 3 },
    "autoBlock": { "onChargeback": ["card", "email"], "onFraud": ["card", "email", "ip", "device"] }
  },
  "merchants": {
    "100000001": { "velocity": [] }
  }
}`;

describe('risk rule file', () => {
  it('reads a complete file: amounts as bigint, windows in ms, defaults for omitted actions', () => {
    const result = parseRuleFile(GOOD);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    const d = result.document.defaults;
    expect(d.amountLimits.USD).toEqual({ perTransactionMaxMinor: 500000n, perCardDayMaxMinor: 1000000n, outcome: { action: 'DENY', score: 0 } });
    expect(d.velocity[0]).toMatchObject({ name: 'card-10m', key: 'card', windowMs: 600_000, maxAttempts: 5, outcome: { action: 'REVIEW', score: 0 } });
    expect(d.cardTesting).toMatchObject({ windowMs: 3_600_000, outcome: { action: 'DENY' } });
    expect(d.geography.cardIpMismatch).toEqual({ action: 'ALLOW', score: 20 });
    // A merchant's section replaces the default section; the others stay the operator's.
    expect(rulesFor(result.document, '100000001').velocity).toEqual([]);
    expect(rulesFor(result.document, '100000001').cardTesting).toEqual(d.cardTesting);
    expect(rulesFor(result.document, '100000002')).toBe(d);
  });

  it('reports a syntax error with its line and column', () => {
    const text = '{\n  "defaults": {\n    "velocity": [\n      { "key": "card" "window": "1h" }\n    ]\n  }\n}';
    const result = parseRuleFile(text);
    expect(result).toEqual({ ok: false, errors: [{ line: 4, path: '', cause: expect.stringContaining('expected "," or "}"') }] });
  });

  it('reports every mistake with the line it is on, and its path', () => {
    const text = [
      '{', //                                                                1
      '  "defaults": {', //                                                  2
      '    "amountLimits": {', //                                            3
      '      "USD": { "perTransactionMaxMinor": 500000 },', //               4
      '      "XYZ": { "perTransactionMaxMinor": "1" }', //                   5
      '    },', //                                                           6
      '    "velocity": [', //                                                7
      '      { "key": "card", "window": "1h", "maxAttempts": 5 },', //       8
      '      { "key": "cookie", "window": "1h", "maxAttempts": 5 },', //     9
      '      { "key": "ip",', //                                            10
      '        "window": "10x", "maxAttempts": 0 }', //                     11
      '    ],', //                                                          12
      '    "thresholds": { "challenge": 50, "review": 40 },', //            13
      '    "geograhpy": {}', //                                             14
      '  }', //                                                             15
      '}', //                                                               16
    ].join('\n');
    const result = parseRuleFile(text);
    if (result.ok) throw new Error('accepted a file with mistakes');
    const byPath = Object.fromEntries(result.errors.map((e) => [e.path, e]));
    expect(byPath['defaults.amountLimits.USD.perTransactionMaxMinor']).toMatchObject({ line: 4, cause: expect.stringContaining('not JSON numbers') });
    expect(byPath['defaults.amountLimits.XYZ']).toMatchObject({ line: 5, cause: 'XYZ is not a supported currency' });
    expect(byPath['defaults.velocity[1].key']).toMatchObject({ line: 9 });
    expect(byPath['defaults.velocity[2].window']).toMatchObject({ line: 11, cause: expect.stringContaining('duration') });
    expect(byPath['defaults.velocity[2].maxAttempts']).toMatchObject({ line: 11 });
    expect(byPath['defaults.thresholds']).toMatchObject({ line: 13, cause: expect.stringContaining('must rise') });
    expect(byPath['defaults.geograhpy']).toMatchObject({ line: 14, cause: expect.stringContaining('unknown key') });
    expect(result.errors).toHaveLength(7);
  });

  it('refuses windows beyond the counters kept, __proto__ and duplicate keys', () => {
    expect(parseRuleFile('{"defaults":{"cardTesting":{"window":"31d","declinesPerCard":3}}}')).toMatchObject({ ok: false, errors: [{ path: 'defaults.cardTesting.window' }] });
    expect(parseRuleFile('{"__proto__":{}}')).toMatchObject({ ok: false, errors: [{ line: 1, cause: expect.stringContaining('__proto__') }] });
    expect(parseRuleFile('{"defaults":{},\n"defaults":{}}')).toMatchObject({ ok: false, errors: [{ line: 2, cause: expect.stringContaining('duplicate') }] });
    expect(parseRuleFile('{"merchants":{"12":{}}}')).toMatchObject({ ok: false, errors: [{ path: 'merchants.12' }] });
  });

  it('reads JSON exactly as JSON.parse does', () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n\\"y"],"b":{"c":{}},"d":[]}';
    expect(parseJsonWithLines(text).value).toEqual(JSON.parse(text));
  });

  it('the example in the README is a rule file without mistakes', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Risk control'));
    const example = /```json\n([\s\S]*?)```/.exec(section)![1]!;
    const result = parseRuleFile(example);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (result.ok) expect(result.document.defaults.velocity).toHaveLength(4);
  });
});
