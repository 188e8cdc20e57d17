import { findCurrency, type CurrencyCode } from '../domain/currencies.js';
import { isRiskAction, type RiskAction } from './decision.js';
import { parseDurationMs } from './durations.js';
import { JsonSyntaxError, parseJsonWithLines } from './json-with-lines.js';
import { LIST_KINDS, type ListKind } from './lists.js';
import { RISK_WINDOW_MS_MAX } from './limits.js';

/**
 * The rules, as an operator writes them in the rule file (README: "Risk
 * control"). `defaults` apply to every merchant; a merchant's entry under
 * `merchants` replaces whole sections of the defaults (a section it does not
 * name stays the operator's). Amounts are strings of minor units, never JSON
 * numbers, so no amount passes through a float.
 */
export interface RuleOutcome {
  action: RiskAction;
  /** Added to the decision's score; the thresholds turn a high total into an action of its own. */
  score: number;
}

export interface AmountLimit {
  perTransactionMaxMinor?: bigint;
  /** Approved amount on one card in the last 24 hours, this payment included. */
  perCardDayMaxMinor?: bigint;
  /** Approved amount of the merchant in the last 24 hours, this payment included. */
  perMerchantDayMaxMinor?: bigint;
  outcome: RuleOutcome;
}

export const VELOCITY_KEYS = ['card', 'email', 'ip', 'device', 'user'] as const;
export type VelocityKey = (typeof VELOCITY_KEYS)[number];

export interface VelocityRule {
  name: string;
  key: VelocityKey;
  window: string;
  windowMs: number;
  /** Attempts in the window, this one included, above which the rule fires. */
  maxAttempts?: number;
  /** Attempted amount in `currency` in the window, this one included, above which the rule fires. */
  maxAmountMinor?: bigint;
  currency?: CurrencyCode;
  outcome: RuleOutcome;
}

export interface GeographyRules {
  highRiskCountries: readonly string[];
  /** Card, IP, billing or shipping country on the high-risk list. */
  highRisk?: RuleOutcome;
  cardIpMismatch?: RuleOutcome;
  cardBillingMismatch?: RuleOutcome;
  billingShippingMismatch?: RuleOutcome;
}

export interface CardTestingRule {
  window: string;
  windowMs: number;
  /** Declines on one card in the window above which the rule fires. */
  declinesPerCard?: number;
  /** Declines from one IP address in the window above which the rule fires. */
  declinesPerIp?: number;
  outcome: RuleOutcome;
}

export interface SplitOrderRule {
  window: string;
  windowMs: number;
  /** Orders by the same payer (card, e-mail or device) in the window, this one included, from which it fires … */
  minOrders: number;
  /** … when together they exceed the currency's per-transaction limit although each stays under it. */
  outcome: RuleOutcome;
}

export interface AutoBlock {
  onChargeback: readonly ListKind[];
  onFraud: readonly ListKind[];
}

export interface Thresholds {
  challenge?: number;
  review?: number;
  deny?: number;
}

export interface RuleSet {
  thresholds: Thresholds;
  amountLimits: Readonly<Partial<Record<CurrencyCode, AmountLimit>>>;
  velocity: readonly VelocityRule[];
  geography: GeographyRules;
  cardTesting?: CardTestingRule;
  splitOrders?: SplitOrderRule;
  autoBlock: AutoBlock;
}

export interface RuleDocument {
  defaults: RuleSet;
  merchants: ReadonlyMap<string, Partial<RuleSet>>;
}

/** A mistake in a rule file: where, and why. */
export interface RuleFileError {
  line: number;
  path: string;
  cause: string;
}

export type RuleFileResult = { ok: true; document: RuleDocument } | { ok: false; errors: RuleFileError[] };

/**
 * The rules in force when the operator has loaded none: block and allow
 * lists, and chargebacks feeding the block list. Velocity, geography and
 * amount rules depend on the business; the README's example is a start.
 */
export const BUILT_IN_RULES: RuleSet = {
  thresholds: {},
  amountLimits: {},
  velocity: [],
  geography: { highRiskCountries: [] },
  autoBlock: { onChargeback: ['card'], onFraud: ['card', 'email', 'device'] },
};

export const BUILT_IN_DOCUMENT: RuleDocument = { defaults: BUILT_IN_RULES, merchants: new Map() };

/** The rules for one merchant: its sections over the operator's defaults. */
export function rulesFor(document: RuleDocument, merchantId: string): RuleSet {
  const own = document.merchants.get(merchantId);
  return own ? { ...document.defaults, ...own } : document.defaults;
}

const SECTIONS = ['thresholds', 'amountLimits', 'velocity', 'geography', 'cardTesting', 'splitOrders', 'autoBlock'] as const;
const SCORE_MAX = 1_000;
const COUNT_MAX = 1_000_000;

/** Reads a rule file. Every mistake is reported with its line; nothing partial is returned. */
export function parseRuleFile(text: string): RuleFileResult {
  let parsed;
  try {
    parsed = parseJsonWithLines(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return { ok: false, errors: [{ line: error.line, path: '', cause: `${error.problem} (column ${error.column})` }] };
    throw error;
  }
  const errors: RuleFileError[] = [];
  const v = new Validator(parsed.lines, errors);
  const root = v.object(parsed.value, '', ['defaults', 'merchants', 'description']);
  let document: RuleDocument = BUILT_IN_DOCUMENT;
  if (root) {
    const defaults = root.defaults === undefined ? BUILT_IN_RULES : { ...BUILT_IN_RULES, ...v.ruleSet(root.defaults, 'defaults') };
    const merchants = new Map<string, Partial<RuleSet>>();
    const byMerchant = root.merchants === undefined ? {} : v.object(root.merchants, 'merchants');
    for (const [merchantId, value] of Object.entries(byMerchant ?? {})) {
      const path = `merchants.${merchantId}`;
      if (!/^[0-9]{9}$/.test(merchantId)) v.error(path, 'a merchant id is 9 digits');
      else merchants.set(merchantId, v.ruleSet(value, path));
    }
    document = { defaults: defaults as RuleSet, merchants };
  }
  return errors.length ? { ok: false, errors } : { ok: true, document };
}

class Validator {
  constructor(
    private readonly lines: ReadonlyMap<string, number>,
    private readonly errors: RuleFileError[],
  ) {}

  error(path: string, cause: string): undefined {
    // A missing key has no line of its own: report its parent's.
    let at = path;
    while (!this.lines.has(at) && at !== '') at = at.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
    this.errors.push({ line: this.lines.get(at) ?? 1, path, cause });
    return undefined;
  }

  object(value: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.error(path, 'must be an object');
    const obj = value as Record<string, unknown>;
    if (allowed) for (const key of Object.keys(obj)) if (!allowed.includes(key)) this.error(join(path, key), `unknown key (expected one of ${allowed.join(', ')})`);
    return obj;
  }

  count(value: unknown, path: string, min = 1): number | undefined {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > COUNT_MAX) return this.error(path, `must be a whole number from ${min} to ${COUNT_MAX}`);
    return value;
  }

  amount(value: unknown, path: string): bigint | undefined {
    if (typeof value === 'number') return this.error(path, 'amounts are strings of minor units, e.g. "500000", not JSON numbers');
    if (typeof value !== 'string' || !/^[1-9][0-9]{0,17}$/.test(value)) return this.error(path, 'must be a positive whole number of minor units as a string, at most 18 digits');
    return BigInt(value);
  }

  window(value: unknown, path: string): { window: string; windowMs: number } | undefined {
    const ms = typeof value === 'string' ? parseDurationMs(value) : undefined;
    if (ms === undefined) return this.error(path, 'must be a duration such as "30s", "10m", "2h" or "7d"');
    if (ms > RISK_WINDOW_MS_MAX) return this.error(path, `at most ${RISK_WINDOW_MS_MAX / 86_400_000}d: counters are kept no longer`);
    return { window: value as string, windowMs: ms };
  }

  outcome(obj: Record<string, unknown>, path: string, defaultAction: RiskAction): RuleOutcome | undefined {
    const action = obj.action ?? defaultAction;
    if (!isRiskAction(action)) return this.error(join(path, 'action'), 'must be ALLOW, CHALLENGE, REVIEW or DENY');
    const score = obj.score ?? 0;
    if (typeof score !== 'number' || !Number.isSafeInteger(score) || score < 0 || score > SCORE_MAX) return this.error(join(path, 'score'), `must be a whole number from 0 to ${SCORE_MAX}`);
    if (action === 'ALLOW' && score === 0) return this.error(path, 'a rule with action ALLOW needs a score, or it does nothing');
    return { action, score };
  }

  standaloneOutcome(value: unknown, path: string): RuleOutcome | undefined {
    const obj = this.object(value, path, ['action', 'score']);
    return obj ? this.outcome(obj, path, 'ALLOW') : undefined;
  }

  ruleSet(value: unknown, path: string): Partial<RuleSet> {
    const obj = this.object(value, path, SECTIONS);
    if (!obj) return {};
    const out: Partial<Record<(typeof SECTIONS)[number], unknown>> = {};
    if (obj.thresholds !== undefined) out.thresholds = this.thresholds(obj.thresholds, join(path, 'thresholds'));
    if (obj.amountLimits !== undefined) out.amountLimits = this.amountLimits(obj.amountLimits, join(path, 'amountLimits'));
    if (obj.velocity !== undefined) out.velocity = this.velocity(obj.velocity, join(path, 'velocity'));
    if (obj.geography !== undefined) out.geography = this.geography(obj.geography, join(path, 'geography'));
    if (obj.cardTesting !== undefined) out.cardTesting = this.cardTesting(obj.cardTesting, join(path, 'cardTesting'));
    if (obj.splitOrders !== undefined) out.splitOrders = this.splitOrders(obj.splitOrders, join(path, 'splitOrders'));
    if (obj.autoBlock !== undefined) out.autoBlock = this.autoBlock(obj.autoBlock, join(path, 'autoBlock'));
    return out as Partial<RuleSet>;
  }

  thresholds(value: unknown, path: string): Thresholds {
    const obj = this.object(value, path, ['challenge', 'review', 'deny']) ?? {};
    const out: Thresholds = {};
    for (const k of ['challenge', 'review', 'deny'] as const) if (obj[k] !== undefined) out[k] = this.count(obj[k], join(path, k));
    const ordered = [out.challenge, out.review, out.deny].filter((n): n is number => n !== undefined);
    if (ordered.some((n, i) => i > 0 && n <= ordered[i - 1]!)) this.error(path, 'thresholds must rise: challenge < review < deny');
    return out;
  }

  amountLimits(value: unknown, path: string): Partial<Record<CurrencyCode, AmountLimit>> {
    const out: Partial<Record<CurrencyCode, AmountLimit>> = {};
    for (const [code, entry] of Object.entries(this.object(value, path) ?? {})) {
      const p = join(path, code);
      const currency = findCurrency(code);
      if (!currency) {
        this.error(p, `${code} is not a supported currency`);
        continue;
      }
      const obj = this.object(entry, p, ['perTransactionMaxMinor', 'perCardDayMaxMinor', 'perMerchantDayMaxMinor', 'action', 'score']);
      if (!obj) continue;
      const limit: AmountLimit = { outcome: this.outcome(obj, p, 'DENY') ?? { action: 'DENY', score: 0 } };
      for (const k of ['perTransactionMaxMinor', 'perCardDayMaxMinor', 'perMerchantDayMaxMinor'] as const) if (obj[k] !== undefined) limit[k] = this.amount(obj[k], join(p, k));
      out[currency.code] = limit;
    }
    return out;
  }

  velocity(value: unknown, path: string): VelocityRule[] {
    if (!Array.isArray(value)) return this.error(path, 'must be a list of rules') ?? [];
    const rules: VelocityRule[] = [];
    value.forEach((entry, i) => {
      const p = `${path}[${i}]`;
      const obj = this.object(entry, p, ['name', 'key', 'window', 'maxAttempts', 'maxAmountMinor', 'currency', 'action', 'score']);
      if (!obj) return;
      const key = obj.key;
      if (!(VELOCITY_KEYS as readonly unknown[]).includes(key)) return this.error(join(p, 'key'), `must be one of ${VELOCITY_KEYS.join(', ')}`);
      const window = this.window(obj.window, join(p, 'window'));
      const rule: Partial<VelocityRule> = { key: key as VelocityKey, ...window };
      if (obj.maxAttempts !== undefined) rule.maxAttempts = this.count(obj.maxAttempts, join(p, 'maxAttempts'));
      if (obj.maxAmountMinor !== undefined) {
        rule.maxAmountMinor = this.amount(obj.maxAmountMinor, join(p, 'maxAmountMinor'));
        const currency = findCurrency(obj.currency);
        if (!currency) this.error(join(p, 'currency'), 'maxAmountMinor needs the currency it counts in');
        else rule.currency = currency.code;
      } else if (obj.currency !== undefined) this.error(join(p, 'currency'), 'only with maxAmountMinor');
      if (obj.maxAttempts === undefined && obj.maxAmountMinor === undefined) this.error(p, 'give maxAttempts, maxAmountMinor or both');
      if (obj.name !== undefined && (typeof obj.name !== 'string' || !/^[A-Za-z0-9_.-]{1,64}$/.test(obj.name))) this.error(join(p, 'name'), 'letters, digits, "_", "." and "-", up to 64');
      rule.name = typeof obj.name === 'string' ? obj.name : `velocity.${key as string}.${obj.window as string}`;
      rule.outcome = this.outcome(obj, p, 'REVIEW');
      if (window && rule.outcome) rules.push(rule as VelocityRule);
    });
    return rules;
  }

  geography(value: unknown, path: string): GeographyRules {
    const obj = this.object(value, path, ['highRiskCountries', 'highRisk', 'cardIpMismatch', 'cardBillingMismatch', 'billingShippingMismatch']) ?? {};
    const countries = obj.highRiskCountries ?? [];
    const out: GeographyRules = { highRiskCountries: [] };
    if (!Array.isArray(countries) || countries.some((c) => typeof c !== 'string' || !/^[A-Z]{2}$/.test(c))) this.error(join(path, 'highRiskCountries'), 'must be a list of ISO 3166 alpha-2 codes such as "KP"');
    else out.highRiskCountries = countries as string[];
    for (const k of ['highRisk', 'cardIpMismatch', 'cardBillingMismatch', 'billingShippingMismatch'] as const) {
      if (obj[k] !== undefined) out[k] = this.standaloneOutcome(obj[k], join(path, k));
    }
    if (out.highRiskCountries.length && !out.highRisk) this.error(join(path, 'highRisk'), 'highRiskCountries needs a highRisk outcome');
    return out;
  }

  cardTesting(value: unknown, path: string): CardTestingRule | undefined {
    const obj = this.object(value, path, ['window', 'declinesPerCard', 'declinesPerIp', 'action', 'score']);
    if (!obj) return undefined;
    const window = this.window(obj.window, join(path, 'window'));
    const out: Partial<CardTestingRule> = { ...window, outcome: this.outcome(obj, path, 'DENY') };
    if (obj.declinesPerCard !== undefined) out.declinesPerCard = this.count(obj.declinesPerCard, join(path, 'declinesPerCard'));
    if (obj.declinesPerIp !== undefined) out.declinesPerIp = this.count(obj.declinesPerIp, join(path, 'declinesPerIp'));
    if (obj.declinesPerCard === undefined && obj.declinesPerIp === undefined) this.error(path, 'give declinesPerCard, declinesPerIp or both');
    return window && out.outcome ? (out as CardTestingRule) : undefined;
  }

  splitOrders(value: unknown, path: string): SplitOrderRule | undefined {
    const obj = this.object(value, path, ['window', 'minOrders', 'action', 'score']);
    if (!obj) return undefined;
    const window = this.window(obj.window, join(path, 'window'));
    const minOrders = this.count(obj.minOrders, join(path, 'minOrders'), 2);
    const outcome = this.outcome(obj, path, 'REVIEW');
    return window && minOrders && outcome ? { ...window, minOrders, outcome } : undefined;
  }

  autoBlock(value: unknown, path: string): AutoBlock {
    const obj = this.object(value, path, ['onChargeback', 'onFraud']) ?? {};
    const kinds = (v: unknown, p: string): ListKind[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((k) => !(LIST_KINDS as readonly unknown[]).includes(k))) return this.error(p, `must be a list of ${LIST_KINDS.join(', ')}`) ?? [];
      return v as ListKind[];
    };
    return { onChargeback: kinds(obj.onChargeback, join(path, 'onChargeback')), onFraud: kinds(obj.onFraud, join(path, 'onFraud')) };
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
