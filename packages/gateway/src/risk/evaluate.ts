import { mostSevere, type FiredRule, type RiskAction, type RiskDecision } from './decision.js';
import { counterValue, SPLIT_ORDER_KEYS, type Counters } from './counters.js';
import type { ListKind, ListName } from './lists.js';
import type { RuleOutcome, RuleSet } from './rule-set.js';
import { counterKeyValues, type RiskSignals } from './signals.js';

/** A list entry that matched one of the attempt's values. */
export interface ListHit {
  list: ListName;
  kind: ListKind;
  value: string;
}

const DAY_MS = 86_400_000;

/**
 * Decides one payment attempt. Pure: the same rules, signals, counters and
 * list hits give the same decision, with the rules fired in a fixed order.
 * Counters include the attempt being decided.
 */
export function evaluate(rules: RuleSet, s: RiskSignals, counters: Counters, lists: readonly ListHit[]): RiskDecision {
  const fired: FiredRule[] = [];
  const fire = (rule: string, outcome: RuleOutcome, detail: string) => fired.push({ rule, action: outcome.action, score: outcome.score, detail });

  const blocked = lists.filter((h) => h.list === 'BLOCK');
  for (const hit of blocked) fire(`blockList.${hit.kind}`, { action: 'DENY', score: 0 }, `${hit.kind} ${hit.value} is on the block list`);
  const allowed = lists.find((h) => h.list === 'ALLOW');
  if (!blocked.length && allowed) {
    return { action: 'ALLOW', score: 0, fired: [{ rule: `allowList.${allowed.kind}`, action: 'ALLOW', score: 0, detail: `${allowed.kind} ${allowed.value} is on the allow list` }] };
  }

  const limit = rules.amountLimits[s.currency];
  if (limit) {
    const day = (key: 'card' | 'merchant') => counterValue(counters, { key, event: 'approved', measure: 'amount', windowMs: DAY_MS, currency: s.currency });
    if (limit.perTransactionMaxMinor !== undefined && s.amountMinor > limit.perTransactionMaxMinor) {
      fire('amount.perTransaction', limit.outcome, `${s.amountMinor} ${s.currency} is above the ${limit.perTransactionMaxMinor} per payment`);
    }
    if (limit.perCardDayMaxMinor !== undefined && day('card') + s.amountMinor > limit.perCardDayMaxMinor) {
      fire('amount.perCardDay', limit.outcome, `${day('card')} ${s.currency} approved on the card in 24 h plus this payment is above ${limit.perCardDayMaxMinor}`);
    }
    if (limit.perMerchantDayMaxMinor !== undefined && day('merchant') + s.amountMinor > limit.perMerchantDayMaxMinor) {
      fire('amount.perMerchantDay', limit.outcome, `${day('merchant')} ${s.currency} approved for the merchant in 24 h plus this payment is above ${limit.perMerchantDayMaxMinor}`);
    }
  }

  const keys = counterKeyValues(s);
  for (const v of rules.velocity) {
    if (keys[v.key] === undefined) continue;
    const attempts = counterValue(counters, { key: v.key, event: 'attempt', measure: 'count', windowMs: v.windowMs });
    if (v.maxAttempts !== undefined && attempts > BigInt(v.maxAttempts)) fire(v.name, v.outcome, `${attempts} attempts by ${v.key} in ${v.window}, more than ${v.maxAttempts}`);
    if (v.maxAmountMinor !== undefined) {
      const amount = counterValue(counters, { key: v.key, event: 'attempt', measure: 'amount', windowMs: v.windowMs, currency: v.currency! });
      if (amount > v.maxAmountMinor) fire(v.name, v.outcome, `${amount} ${v.currency} attempted by ${v.key} in ${v.window}, more than ${v.maxAmountMinor}`);
    }
  }

  const g = rules.geography;
  const highRisk = new Set(g.highRiskCountries);
  if (g.highRisk) {
    const where = (
      [
        ['card', s.cardCountry],
        ['IP', s.ipCountry],
        ['billing', s.billingCountry],
        ['shipping', s.shippingCountry],
      ] as const
    ).filter(([, c]) => c !== undefined && highRisk.has(c));
    if (where.length) fire('geography.highRisk', g.highRisk, where.map(([what, c]) => `${what} country ${c}`).join(', ') + ' on the high-risk list');
  }
  const mismatch = (rule: string, outcome: RuleOutcome | undefined, a: string | undefined, b: string | undefined, what: string) => {
    if (outcome && a !== undefined && b !== undefined && a !== b) fire(rule, outcome, `${what}: ${a} vs ${b}`);
  };
  mismatch('geography.cardIpMismatch', g.cardIpMismatch, s.cardCountry, s.ipCountry, 'card country vs IP country');
  mismatch('geography.cardBillingMismatch', g.cardBillingMismatch, s.cardCountry, s.billingCountry, 'card country vs billing country');
  mismatch('geography.billingShippingMismatch', g.billingShippingMismatch, s.billingCountry, s.shippingCountry, 'billing country vs shipping country');

  const t = rules.cardTesting;
  if (t) {
    const declines = (key: 'card' | 'ip') => counterValue(counters, { key, event: 'decline', measure: 'count', windowMs: t.windowMs });
    if (t.declinesPerCard !== undefined && declines('card') > BigInt(t.declinesPerCard)) fire('cardTesting.card', t.outcome, `${declines('card')} declines on the card in ${t.window}`);
    if (t.declinesPerIp !== undefined && keys.ip !== undefined && declines('ip') > BigInt(t.declinesPerIp)) fire('cardTesting.ip', t.outcome, `${declines('ip')} declines from ${s.ip} in ${t.window}`);
  }

  const split = rules.splitOrders;
  const perTransaction = limit?.perTransactionMaxMinor;
  if (split && perTransaction !== undefined && s.amountMinor <= perTransaction) {
    for (const key of SPLIT_ORDER_KEYS) {
      if (keys[key] === undefined) continue;
      const count = counterValue(counters, { key, event: 'attempt', measure: 'count', windowMs: split.windowMs, currency: s.currency });
      const total = counterValue(counters, { key, event: 'attempt', measure: 'amount', windowMs: split.windowMs, currency: s.currency });
      if (count >= BigInt(split.minOrders) && total > perTransaction) {
        fire('splitOrders', split.outcome, `${count} orders by one ${key} in ${split.window} total ${total} ${s.currency}, each under the ${perTransaction} limit`);
        break;
      }
    }
  }

  const score = fired.reduce((sum, f) => sum + f.score, 0);
  let action: RiskAction = fired.reduce<RiskAction>((a, f) => mostSevere(a, f.action), 'ALLOW');
  const th = rules.thresholds;
  const byScore: RiskAction | undefined = th.deny !== undefined && score >= th.deny ? 'DENY' : th.review !== undefined && score >= th.review ? 'REVIEW' : th.challenge !== undefined && score >= th.challenge ? 'CHALLENGE' : undefined;
  if (byScore) {
    fired.push({ rule: 'score', action: byScore, score: 0, detail: `score ${score} reaches the ${byScore.toLowerCase()} threshold` });
    action = mostSevere(action, byScore);
  }
  return { action, score, fired };
}
