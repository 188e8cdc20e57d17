import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import type { CardInput } from '../domain/channel.js';
import type { Order } from '../domain/order.js';
import type { PaymentContext, PaymentRiskGate, RiskAction } from '../domain/risk-gate.js';
import type { RiskKeys } from './card-fingerprint.js';
import { COUNTER_KEYS, counterSpecs, type CounterEvent, type CounterKey } from './counters.js';
import type { BinTable, IpCountryTable } from './country-tables.js';
import type { RiskDecision } from './decision.js';
import { evaluate } from './evaluate.js';
import { ipSortKey, ipToBigInt, parseCidr } from './ip-address.js';
import { RISK_AUTO_BLOCK_MS, RISK_COUNTER_RETENTION_MS, RISK_PRUNE_BATCH_MAX } from './limits.js';
import type { ListKind, ListSource } from './lists.js';
import { BUILT_IN_DOCUMENT, parseRuleFile, rulesFor, type RuleDocument, type RuleFileError } from './rule-set.js';
import type { CounterEventRow, RiskAttempt, RiskRepository } from './risk-repository.js';
import { counterKeyValues, type RiskSignals } from './signals.js';

export interface RiskEngineDeps {
  repository: RiskRepository;
  keys: RiskKeys;
  bins: BinTable;
  ips: IpCountryTable;
  clock: () => number;
  logger: Logger;
  /** Told of every decision and how long it took (metrics). */
  onDecision?: (action: RiskAction, seconds: number) => void;
  /**
   * Fingerprints of the sandbox's published test cards. Every sandbox user
   * pays with them, so a chargeback on one says nothing about the card and
   * never puts it on a block list (it would break everyone's tests).
   */
  sharedTestCards?: ReadonlySet<string>;
}

export type RuleLoadResult = { ok: true; version: number } | { ok: false; errors: RuleFileError[] };

/**
 * The risk engine: gathers an attempt's signals, records it in the velocity
 * counters, reads the counters and list matches it needs (a few indexed
 * queries), decides with the pure `evaluate`, and keeps the decision with
 * the attempt. Rules live in the database, so a reload on one process is in
 * force on every process from its next decision.
 */
export class RiskEngine implements PaymentRiskGate {
  private cached: { version: number; document: RuleDocument } = { version: 0, document: BUILT_IN_DOCUMENT };

  constructor(private readonly deps: RiskEngineDeps) {}

  /** The rules in force, re-read from the database only when another version has been loaded. */
  async rules(): Promise<{ version: number; document: RuleDocument }> {
    const version = await this.deps.repository.currentRuleVersion();
    if (version !== this.cached.version) {
      const stored = await this.deps.repository.currentRuleSet();
      const parsed = stored ? parseRuleFile(stored.document) : undefined;
      // Stored rules were checked before they were stored; a failure here means a newer gateway wrote them.
      if (!stored || !parsed?.ok) throw new Error(`risk rules version ${version} cannot be read`);
      this.cached = { version: stored.version, document: parsed.document };
    }
    return this.cached;
  }

  /** Checks a rule file and, when it has no mistakes, puts it in force everywhere. On mistakes nothing changes. */
  async loadRules(text: string, source: string): Promise<RuleLoadResult> {
    const parsed = parseRuleFile(text);
    if (!parsed.ok) return parsed;
    const version = await this.deps.repository.storeRuleSet(text, source, this.deps.clock());
    this.deps.logger.info({ version, source }, 'risk rules loaded');
    return { ok: true, version };
  }

  /** The text of the rules in force (undefined: none loaded, the built-in rules apply). */
  async rulesInForce(): Promise<{ version: number; document: string; source: string; loadedAtMs: number } | undefined> {
    return this.deps.repository.currentRuleSet();
  }

  signals(order: Order, card: CardInput, context: PaymentContext): RiskSignals {
    const d = order.details;
    const first = (...values: (string | undefined)[]) => values.map((v) => v?.trim()).find((v) => v !== undefined && v !== '');
    const country = (v: string | undefined) => (v && /^[A-Za-z]{2}$/.test(v.trim()) ? v.trim().toUpperCase() : undefined);
    const ip = [context.ip, order.clientIp ?? undefined].find((v) => v !== undefined && isIP(v) !== 0);
    const email = first(d.billInfo?.email, d.shipInfo?.email, d.payer?.email)?.toLowerCase();
    const phone = first(d.billInfo?.phone, d.shipInfo?.phone, d.payer?.phone)?.replace(/[\s().-]/g, '');
    const user = first(d.payer?.userId, d.payer?.id);
    const s: RiskSignals = {
      merchantId: order.merchantId,
      orderId: order.orderId,
      amountMinor: order.amountMinor,
      currency: order.currency,
      cardFingerprint: this.deps.keys.cardFingerprint(card.pan),
      cardBin: card.pan.slice(0, 6),
    };
    const optional: Partial<RiskSignals> = {
      cardCountry: this.deps.bins.countryOf(card.pan.slice(0, 8)),
      ip,
      ipCountry: ip ? this.deps.ips.countryOf(ip) : undefined,
      email,
      phone,
      deviceId: context.deviceId,
      merchantUser: user,
      billingCountry: country(d.billInfo?.country),
      shippingCountry: country(d.shipInfo?.country),
    };
    for (const [k, v] of Object.entries(optional)) if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
    return s;
  }

  async assess(order: Order, card: CardInput, context: PaymentContext): Promise<{ action: RiskAction }> {
    const started = process.hrtime.bigint();
    const now = this.deps.clock();
    const { version, document } = await this.rules();
    const rules = rulesFor(document, order.merchantId);
    const signals = this.signals(order, card, context);
    const keys = this.counterKeys(signals);
    // The attempt counts itself: recorded first, so two simultaneous attempts on two processes see each other.
    await this.deps.repository.addCounterEvents(this.events(keys, 'attempt', signals, ['card', 'email', 'ip', 'device', 'user']), now);
    const counters = await this.deps.repository.readCounters(keys, counterSpecs(rules, order.currency), now);
    const hits = await this.deps.repository.matchLists(
      order.merchantId,
      { card: signals.cardFingerprint, email: signals.email, phone: signals.phone, device: signals.deviceId, user: signals.merchantUser },
      signals.ip ? ipSortKey(ipToBigInt(signals.ip)!) : undefined,
      now,
    );
    const decision: RiskDecision = evaluate(rules, signals, counters, hits);
    const decisionMicros = Number((process.hrtime.bigint() - started) / 1000n);
    await this.deps.repository.insertAttempt({
      ...signals,
      attemptId: `ra_${randomBytes(12).toString('hex')}`,
      atMs: now,
      action: decision.action,
      score: decision.score,
      fired: decision.fired,
      rulesVersion: version,
      decisionMicros,
      reviewStatus: decision.action === 'REVIEW' ? 'PENDING' : null,
      reviewedAtMs: null,
      reviewNote: null,
    });
    this.deps.onDecision?.(decision.action, decisionMicros / 1e6);
    if (decision.action !== 'ALLOW') this.deps.logger.info({ orderId: order.orderId, action: decision.action, score: decision.score, rules: decision.fired.map((f) => f.rule) }, 'risk decision');
    return { action: decision.action };
  }

  async holdsForReview(orderId: string): Promise<boolean> {
    const attempt = await this.deps.repository.latestAttempt(orderId);
    return attempt?.action === 'REVIEW' && attempt.reviewStatus === 'PENDING';
  }

  /** A final order feeds the counters once: a decline under its card and IP, an approval's amount under every key. */
  async onFinal(order: Order): Promise<void> {
    try {
      const attempt = await this.deps.repository.latestAttempt(order.orderId);
      if (!attempt) return;
      const keys = this.counterKeys(attempt);
      const events =
        order.state === 'FAILED'
          ? this.events(keys, 'decline', attempt, ['card', 'ip', 'device'])
          : order.state === 'SUCCESS'
            ? this.events(keys, 'approved', attempt, COUNTER_KEYS)
            : [];
      await this.deps.repository.recordOutcome(attempt.attemptId, events, this.deps.clock());
      if (attempt.reviewStatus === 'PENDING') await this.deps.repository.closeReview(attempt.attemptId, 'LAPSED', `the order ended ${order.state} before review`, this.deps.clock());
    } catch (err) {
      // The order's own state change is committed; a missed counter event only makes the counters lower.
      this.deps.logger.error({ err, orderId: order.orderId }, 'risk counters not updated for a final order');
    }
  }

  /** A chargeback on a paid order: the kinds the rules name under autoBlock.onChargeback go on the merchant's block list. */
  async onChargeback(order: Order): Promise<number> {
    return this.autoBlock(order, 'chargeback');
  }

  /** Fraud confirmed on an order: the kinds under autoBlock.onFraud go on every merchant's block list. */
  async onFraud(order: Order): Promise<number> {
    return this.autoBlock(order, 'fraud');
  }

  private async autoBlock(order: Order, source: Exclude<ListSource, 'operator'>): Promise<number> {
    const attempt = await this.deps.repository.latestAttempt(order.orderId);
    if (!attempt) return 0;
    const rules = rulesFor((await this.rules()).document, order.merchantId);
    const kinds = source === 'chargeback' ? rules.autoBlock.onChargeback : rules.autoBlock.onFraud;
    const values: Partial<Record<ListKind, string | undefined>> = {
      card: attempt.cardFingerprint,
      email: attempt.email,
      ip: attempt.ip,
      phone: attempt.phone,
      device: attempt.deviceId,
      user: attempt.merchantUser,
    };
    const now = this.deps.clock();
    let added = 0;
    for (const kind of kinds) {
      const value = values[kind];
      if (value === undefined) continue;
      if (kind === 'card' && this.deps.sharedTestCards?.has(value)) continue;
      // A merchant's user id means nothing elsewhere: user entries stay with the merchant.
      const scope = source === 'fraud' && kind !== 'user' ? '*' : order.merchantId;
      // An address becomes its one-address range, in the canonical form operators see and remove.
      const single = kind === 'ip' ? parseCidr(value) : undefined;
      const range = single ? { start: ipSortKey(single.start), end: ipSortKey(single.end) } : undefined;
      const stored = single ? single.cidr : value;
      await this.deps.repository.addListEntry(
        { scope, list: 'BLOCK', kind, value: stored, reason: `${source} on order ${order.orderId}`, source, createdAtMs: now, expiresAtMs: now + RISK_AUTO_BLOCK_MS },
        range,
      );
      added += 1;
    }
    this.deps.logger.info({ orderId: order.orderId, source, added }, 'risk lists fed');
    return added;
  }

  /** Deletes counter events no window can reach any more. */
  async pruneCounters(): Promise<number> {
    return this.deps.repository.pruneCounterEvents(this.deps.clock() - RISK_COUNTER_RETENTION_MS, RISK_PRUNE_BATCH_MAX);
  }

  private counterKeys(s: RiskSignals): Partial<Record<CounterKey, string>> {
    const out: Partial<Record<CounterKey, string>> = {};
    for (const [key, value] of Object.entries(counterKeyValues(s)) as [CounterKey, string][]) out[key] = this.deps.keys.counterKey(key, value);
    return out;
  }

  private events(keys: Partial<Record<CounterKey, string>>, event: CounterEvent, s: RiskSignals, which: readonly CounterKey[]): CounterEventRow[] {
    return which.filter((k) => keys[k] !== undefined).map((k) => ({ counterKey: keys[k]!, event, amountMinor: s.amountMinor, currency: s.currency }));
  }

  /** For the admin API and back office. */
  attempts(filter: Parameters<RiskRepository['attempts']>[0], limit: number): Promise<RiskAttempt[]> {
    return this.deps.repository.attempts(filter, limit);
  }
}
