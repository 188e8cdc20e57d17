import type { CurrencyCode } from '../domain/currencies.js';
import type { RuleSet } from './rule-set.js';

/**
 * Velocity counters: every payment attempt, decline and approval is an
 * event row under each of its keys (card fingerprint, e-mail, IP, device,
 * merchant user, merchant), and a counter is a count or a sum of amounts of
 * one kind of event under one key over a sliding window ending now. Rows
 * live in the database, so every gateway process sees the same counts.
 */
export const COUNTER_KEYS = ['card', 'email', 'ip', 'device', 'user', 'merchant'] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];
export type CounterEvent = 'attempt' | 'decline' | 'approved';

export interface CounterSpec {
  key: CounterKey;
  event: CounterEvent;
  measure: 'count' | 'amount';
  windowMs: number;
  /** Amounts are summed in one currency only. */
  currency?: CurrencyCode;
}

const DAY_MS = 86_400_000;

export function counterName(s: CounterSpec): string {
  return `${s.key}.${s.event}.${s.measure}.${s.windowMs}${s.currency ? `.${s.currency}` : ''}`;
}

/** The counters a rule set needs for a payment in `currency`, without repeats. */
export function counterSpecs(rules: RuleSet, currency: CurrencyCode): CounterSpec[] {
  const specs: CounterSpec[] = [];
  const limit = rules.amountLimits[currency];
  if (limit?.perCardDayMaxMinor !== undefined) specs.push({ key: 'card', event: 'approved', measure: 'amount', windowMs: DAY_MS, currency });
  if (limit?.perMerchantDayMaxMinor !== undefined) specs.push({ key: 'merchant', event: 'approved', measure: 'amount', windowMs: DAY_MS, currency });
  for (const v of rules.velocity) {
    if (v.maxAttempts !== undefined) specs.push({ key: v.key, event: 'attempt', measure: 'count', windowMs: v.windowMs });
    if (v.maxAmountMinor !== undefined) specs.push({ key: v.key, event: 'attempt', measure: 'amount', windowMs: v.windowMs, currency: v.currency! });
  }
  const t = rules.cardTesting;
  if (t?.declinesPerCard !== undefined) specs.push({ key: 'card', event: 'decline', measure: 'count', windowMs: t.windowMs });
  if (t?.declinesPerIp !== undefined) specs.push({ key: 'ip', event: 'decline', measure: 'count', windowMs: t.windowMs });
  const s = rules.splitOrders;
  if (s && limit?.perTransactionMaxMinor !== undefined) {
    for (const key of SPLIT_ORDER_KEYS) {
      specs.push({ key, event: 'attempt', measure: 'count', windowMs: s.windowMs, currency }, { key, event: 'attempt', measure: 'amount', windowMs: s.windowMs, currency });
    }
  }
  const seen = new Set<string>();
  return specs.filter((spec) => !seen.has(counterName(spec)) && seen.add(counterName(spec)));
}

/** The keys that identify one payer for split-order detection. */
export const SPLIT_ORDER_KEYS: readonly CounterKey[] = ['card', 'email', 'device'];

export type Counters = ReadonlyMap<string, bigint>;

export function counterValue(counters: Counters, spec: CounterSpec): bigint {
  return counters.get(counterName(spec)) ?? 0n;
}
