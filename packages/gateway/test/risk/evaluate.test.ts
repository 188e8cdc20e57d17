import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type ListHit } from '../../src/risk/evaluate.js';
import { counterName, counterSpecs, type CounterSpec } from '../../src/risk/counters.js';
import { BUILT_IN_RULES, parseRuleFile, type RuleSet } from '../../src/risk/rule-set.js';
import type { RiskSignals } from '../../src/risk/signals.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function rules(defaults: object): RuleSet {
  const result = parseRuleFile(JSON.stringify({ defaults }));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.document.defaults;
}

const base: RiskSignals = { merchantId: '100000001', orderId: 'o1', amountMinor: 1000n, currency: 'USD', cardFingerprint: 'cf_0123456789abcdef0123456789abcdef', cardBin: '424242' };
const counters = (entries: [CounterSpec, bigint][]) => new Map(entries.map(([s, v]) => [counterName(s), v]));
const firedRules = (r: RuleSet, s: RiskSignals, c = new Map<string, bigint>(), lists: ListHit[] = []) => evaluate(r, s, c, lists).fired.map((f) => f.rule);

describe('risk rules at their boundaries', () => {
  it('amount per transaction: at the limit allowed, one minor unit above denied; other currencies untouched', () => {
    const r = rules({ amountLimits: { USD: { perTransactionMaxMinor: '500000' } } });
    expect(evaluate(r, { ...base, amountMinor: 500000n }, new Map(), []).action).toBe('ALLOW');
    expect(evaluate(r, { ...base, amountMinor: 500001n }, new Map(), [])).toMatchObject({ action: 'DENY', fired: [{ rule: 'amount.perTransaction' }] });
    expect(evaluate(r, { ...base, currency: 'JPY', amountMinor: 900000n }, new Map(), []).action).toBe('ALLOW');
  });

  it('amount per card and per merchant per day count what was approved in 24 hours plus this payment', () => {
    const r = rules({ amountLimits: { USD: { perCardDayMaxMinor: '10000', perMerchantDayMaxMinor: '50000', action: 'REVIEW' } } });
    const card = (v: bigint) => counters([[{ key: 'card', event: 'approved', measure: 'amount', windowMs: DAY, currency: 'USD' }, v]]);
    expect(firedRules(r, base, card(9000n))).toEqual([]);
    expect(firedRules(r, base, card(9001n))).toEqual(['amount.perCardDay']);
    const merchant = (v: bigint) => counters([[{ key: 'merchant', event: 'approved', measure: 'amount', windowMs: DAY, currency: 'USD' }, v]]);
    expect(firedRules(r, base, merchant(49000n))).toEqual([]);
    expect(evaluate(r, base, merchant(49001n), [])).toMatchObject({ action: 'REVIEW', fired: [{ rule: 'amount.perMerchantDay' }] });
  });

  it.each(['card', 'email', 'ip', 'device', 'user'] as const)('velocity of attempts by %s: the limit passes, one more fires', (key) => {
    const r = rules({ velocity: [{ key, window: '10m', maxAttempts: 3, action: 'CHALLENGE' }] });
    const s = { ...base, email: 'a@b.example', ip: '192.0.2.1', deviceId: 'dev1', merchantUser: 'u1' };
    const at = (n: bigint) => counters([[{ key, event: 'attempt', measure: 'count', windowMs: 600_000 }, n]]);
    expect(evaluate(r, s, at(3n), []).action).toBe('ALLOW');
    expect(evaluate(r, s, at(4n), [])).toMatchObject({ action: 'CHALLENGE', fired: [{ rule: `velocity.${key}.10m` }] });
    // Without the key (the payer gave no e-mail, say) the rule cannot fire.
    if (key !== 'card') expect(evaluate(r, base, at(4n), []).action).toBe('ALLOW');
  });

  it('velocity of amount counts in its own currency', () => {
    const r = rules({ velocity: [{ name: 'email-amount', key: 'email', window: '1d', maxAmountMinor: '100000', currency: 'USD' }] });
    const s = { ...base, email: 'a@b.example' };
    const sum = (n: bigint) => counters([[{ key: 'email', event: 'attempt', measure: 'amount', windowMs: DAY, currency: 'USD' }, n]]);
    expect(firedRules(r, s, sum(100000n))).toEqual([]);
    expect(evaluate(r, s, sum(100001n), [])).toMatchObject({ action: 'REVIEW', fired: [{ rule: 'email-amount' }] });
  });

  it('geography: high-risk country anywhere, and each mismatch only when both countries are known', () => {
    const r = rules({
      geography: { highRiskCountries: ['NG'], highRisk: { action: 'REVIEW' }, cardIpMismatch: { action: 'CHALLENGE' }, cardBillingMismatch: { score: 10 }, billingShippingMismatch: { score: 5 } },
    });
    expect(firedRules(r, { ...base, cardCountry: 'US', ipCountry: 'US', billingCountry: 'US', shippingCountry: 'US' })).toEqual([]);
    expect(firedRules(r, { ...base, cardCountry: 'US' })).toEqual([]);
    expect(firedRules(r, { ...base, shippingCountry: 'NG' })).toEqual(['geography.highRisk']);
    expect(evaluate(r, { ...base, cardCountry: 'US', ipCountry: 'DE' }, new Map(), []).action).toBe('CHALLENGE');
    const d = evaluate(r, { ...base, cardCountry: 'US', billingCountry: 'GB', shippingCountry: 'FR' }, new Map(), []);
    expect(d).toMatchObject({ action: 'ALLOW', score: 15 });
    expect(d.fired.map((f) => f.rule)).toEqual(['geography.cardBillingMismatch', 'geography.billingShippingMismatch']);
  });

  it('card testing: declines on the card or from the IP above the limit', () => {
    const r = rules({ cardTesting: { window: '1h', declinesPerCard: 3, declinesPerIp: 10 } });
    const s = { ...base, ip: '192.0.2.1' };
    const card = (n: bigint) => counters([[{ key: 'card', event: 'decline', measure: 'count', windowMs: HOUR }, n]]);
    const ip = (n: bigint) => counters([[{ key: 'ip', event: 'decline', measure: 'count', windowMs: HOUR }, n]]);
    expect(evaluate(r, s, card(3n), []).action).toBe('ALLOW');
    expect(evaluate(r, s, card(4n), [])).toMatchObject({ action: 'DENY', fired: [{ rule: 'cardTesting.card' }] });
    expect(evaluate(r, s, ip(10n), []).action).toBe('ALLOW');
    expect(evaluate(r, s, ip(11n), [])).toMatchObject({ action: 'DENY', fired: [{ rule: 'cardTesting.ip' }] });
  });

  it('split orders: enough orders under the limit that together exceed it', () => {
    const r = rules({ amountLimits: { USD: { perTransactionMaxMinor: '10000' } }, splitOrders: { window: '1h', minOrders: 3 } });
    const split = (count: bigint, total: bigint) =>
      counters([
        [{ key: 'card', event: 'attempt', measure: 'count', windowMs: HOUR, currency: 'USD' }, count],
        [{ key: 'card', event: 'attempt', measure: 'amount', windowMs: HOUR, currency: 'USD' }, total],
      ]);
    const s = { ...base, amountMinor: 9000n };
    expect(evaluate(r, s, split(2n, 18000n), []).action).toBe('ALLOW');
    expect(evaluate(r, s, split(3n, 10000n), []).action).toBe('ALLOW');
    expect(evaluate(r, s, split(3n, 10001n), [])).toMatchObject({ action: 'REVIEW', fired: [{ rule: 'splitOrders' }] });
  });

  it('lists: a block entry denies, an allow entry skips every other rule, block wins over allow', () => {
    const r = rules({ amountLimits: { USD: { perTransactionMaxMinor: '1' } } });
    const block: ListHit = { list: 'BLOCK', kind: 'email', value: 'x@y.example' };
    const allow: ListHit = { list: 'ALLOW', kind: 'card', value: base.cardFingerprint };
    expect(evaluate(r, base, new Map(), [allow])).toMatchObject({ action: 'ALLOW', fired: [{ rule: 'allowList.card' }] });
    expect(evaluate(r, base, new Map(), [block]).action).toBe('DENY');
    expect(evaluate(r, base, new Map(), [block, allow]).fired.map((f) => f.rule)).toEqual(['blockList.email', 'amount.perTransaction']);
  });

  it('score thresholds: scores add up to an action of their own, at the threshold exactly', () => {
    const r = rules({ thresholds: { challenge: 20, review: 30 }, geography: { highRiskCountries: [], cardIpMismatch: { score: 20 }, cardBillingMismatch: { score: 10 } } });
    expect(evaluate(r, { ...base, cardCountry: 'US', billingCountry: 'GB' }, new Map(), [])).toMatchObject({ action: 'ALLOW', score: 10 });
    expect(evaluate(r, { ...base, cardCountry: 'US', ipCountry: 'DE' }, new Map(), [])).toMatchObject({ action: 'CHALLENGE', score: 20 });
    expect(evaluate(r, { ...base, cardCountry: 'US', ipCountry: 'DE', billingCountry: 'GB' }, new Map(), [])).toMatchObject({ action: 'REVIEW', score: 30 });
  });

  it('the built-in rules allow anything not on a list', () => {
    expect(evaluate(BUILT_IN_RULES, { ...base, amountMinor: 999999999999n }, new Map(), [])).toEqual({ action: 'ALLOW', score: 0, fired: [] });
  });
});

describe('risk decisions are deterministic', () => {
  const full = rules({
    thresholds: { challenge: 20, review: 40, deny: 80 },
    amountLimits: { USD: { perTransactionMaxMinor: '50000', perCardDayMaxMinor: '100000', action: 'REVIEW', score: 10 } },
    velocity: [
      { key: 'card', window: '10m', maxAttempts: 3, action: 'CHALLENGE', score: 15 },
      { key: 'ip', window: '1h', maxAttempts: 20, score: 25 },
    ],
    geography: { highRiskCountries: ['NG'], highRisk: { score: 30 }, cardIpMismatch: { score: 20 } },
    cardTesting: { window: '1h', declinesPerCard: 3, declinesPerIp: 10 },
    splitOrders: { window: '1h', minOrders: 3 },
  });
  const country = fc.constantFrom(undefined, 'US', 'DE', 'NG');
  const signals = fc.record({
    amountMinor: fc.bigInt({ min: 1n, max: 200000n }),
    cardCountry: country,
    ipCountry: country,
    billingCountry: country,
  });

  it('gives the same decision for the same inputs, whatever the order the counters were read in', () => {
    const specs = counterSpecs(full, 'USD');
    fc.assert(
      fc.property(signals, fc.array(fc.bigInt({ min: 0n, max: 300000n }), { minLength: specs.length, maxLength: specs.length }), (sig, values) => {
        const s: RiskSignals = { ...base, ip: '192.0.2.1', ...Object.fromEntries(Object.entries(sig).filter(([, v]) => v !== undefined)) };
        const entries = specs.map((spec, i) => [counterName(spec), values[i]!] as const);
        const a = evaluate(full, s, new Map(entries), []);
        const b = evaluate(full, structuredClone(s), new Map([...entries].reverse()), []);
        expect(b).toEqual(a);
        // The action is never milder than any rule that fired asked for.
        for (const f of a.fired) expect(['ALLOW', 'CHALLENGE', 'REVIEW', 'DENY'].indexOf(a.action)).toBeGreaterThanOrEqual(['ALLOW', 'CHALLENGE', 'REVIEW', 'DENY'].indexOf(f.action));
      }),
    );
  });
});
