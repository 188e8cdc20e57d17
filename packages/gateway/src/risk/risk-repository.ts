import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, RiskAttemptTable } from '../store/schema.js';
import type { CurrencyCode } from '../domain/currencies.js';
import type { AmountMinor } from '../domain/money.js';
import { isRiskAction, type FiredRule, type RiskAction } from './decision.js';
import { counterName, type CounterEvent, type CounterSpec, type Counters } from './counters.js';
import type { ListHit } from './evaluate.js';
import type { ListEntry, ListKind, ListName, ListSource } from './lists.js';
import type { RiskSignals } from './signals.js';

/** LAPSED: the order ended before anyone reviewed it (the channel declined, the payer gave up). */
export type ReviewStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'LAPSED';

/** One decided payment attempt, as the back office shows it. */
export interface RiskAttempt extends RiskSignals {
  attemptId: string;
  atMs: number;
  action: RiskAction;
  score: number;
  fired: FiredRule[];
  rulesVersion: number;
  decisionMicros: number;
  reviewStatus: ReviewStatus | null;
  reviewedAtMs: number | null;
  reviewNote: string | null;
}

export interface CounterEventRow {
  counterKey: string;
  event: CounterEvent;
  amountMinor: bigint;
  currency: CurrencyCode;
}

/** Risk control's tables: rule sets, lists, counter events and attempts, on SQLite and PostgreSQL alike. */
export class RiskRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async currentRuleSet(): Promise<{ version: number; document: string; source: string; loadedAtMs: number } | undefined> {
    const row = await this.db.selectFrom('risk_rule_sets').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? { version: Number(row.version), document: row.document, source: row.source, loadedAtMs: Number(row.loaded_at_ms) } : undefined;
  }

  /** The version of the rules in force (0: none loaded), read on every decision so every process follows a reload. */
  async currentRuleVersion(): Promise<number> {
    const row = await this.db.selectFrom('risk_rule_sets').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst();
    return row ? Number(row.version) : 0;
  }

  async storeRuleSet(document: string, source: string, nowMs: number): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const last = await tx.selectFrom('risk_rule_sets').select('version').orderBy('version', 'desc').limit(1).executeTakeFirst();
      const version = (last?.version ?? 0n) + 1n;
      await tx.insertInto('risk_rule_sets').values({ version, document, source, loaded_at_ms: BigInt(nowMs) }).execute();
      return Number(version);
    });
  }

  /** Adds an entry, or refreshes the reason and expiry of the same entry. Returns the stored entry. */
  async addListEntry(entry: Omit<ListEntry, 'entryId'>, range?: { start: string; end: string }): Promise<ListEntry> {
    const entryId = `rl_${randomBytes(10).toString('hex')}`;
    await this.db
      .insertInto('risk_list_entries')
      .values({
        entry_id: entryId,
        scope: entry.scope,
        list: entry.list,
        kind: entry.kind,
        value: entry.value,
        range_start: range?.start ?? null,
        range_end: range?.end ?? null,
        reason: entry.reason,
        source: entry.source,
        created_at_ms: BigInt(entry.createdAtMs),
        expires_at_ms: entry.expiresAtMs === null ? null : BigInt(entry.expiresAtMs),
      })
      .onConflict((oc) =>
        oc.columns(['scope', 'list', 'kind', 'value']).doUpdateSet({ reason: entry.reason, expires_at_ms: entry.expiresAtMs === null ? null : BigInt(entry.expiresAtMs) }),
      )
      .execute();
    const row = await this.db
      .selectFrom('risk_list_entries')
      .selectAll()
      .where('scope', '=', entry.scope)
      .where('list', '=', entry.list)
      .where('kind', '=', entry.kind)
      .where('value', '=', entry.value)
      .executeTakeFirstOrThrow();
    return listEntryFromRow(row);
  }

  async removeListEntry(entryId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('risk_list_entries').where('entry_id', '=', entryId).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  async listEntries(filter: { scope?: string; list?: ListName; kind?: ListKind }, limit: number): Promise<ListEntry[]> {
    let q = this.db.selectFrom('risk_list_entries').selectAll();
    if (filter.scope) q = q.where('scope', '=', filter.scope);
    if (filter.list) q = q.where('list', '=', filter.list);
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    const rows = await q.orderBy('created_at_ms', 'desc').orderBy('entry_id').limit(limit).execute();
    return rows.map(listEntryFromRow);
  }

  /** Entries of the merchant or of every merchant that match the attempt's values, IP ranges included. */
  async matchLists(merchantId: string, values: Partial<Record<Exclude<ListKind, 'ip'>, string>>, ipKey: string | undefined, nowMs: number): Promise<ListHit[]> {
    const pairs = Object.entries(values).filter(([, v]) => v !== undefined) as [ListKind, string][];
    if (!pairs.length && !ipKey) return [];
    const rows = await this.db
      .selectFrom('risk_list_entries')
      .select(['list', 'kind', 'value'])
      .where('scope', 'in', [merchantId, '*'])
      .where((eb) => eb.or([eb('expires_at_ms', 'is', null), eb('expires_at_ms', '>', BigInt(nowMs))]))
      .where((eb) =>
        eb.or([
          ...pairs.map(([kind, value]) => eb.and([eb('kind', '=', kind), eb('value', '=', value)])),
          ...(ipKey ? [eb.and([eb('kind', '=', 'ip'), eb('range_start', '<=', ipKey), eb('range_end', '>=', ipKey)])] : []),
        ]),
      )
      .orderBy('list')
      .orderBy('kind')
      .orderBy('value')
      .execute();
    return rows.map((r) => ({ list: r.list as ListName, kind: r.kind as ListKind, value: r.value }));
  }

  /** Records the attempt's events under each of its keys (before the counters are read, so they count it). */
  async addCounterEvents(events: readonly CounterEventRow[], nowMs: number): Promise<void> {
    if (!events.length) return;
    await this.db
      .insertInto('risk_counter_events')
      .values(eventRows(events, nowMs))
      .execute();
  }

  /** Every counter in `specs` for the keys given, over windows ending at `nowMs`, in one query. */
  async readCounters(keys: Partial<Record<CounterSpec['key'], string>>, specs: readonly CounterSpec[], nowMs: number): Promise<Counters> {
    const wanted = specs.filter((s) => keys[s.key] !== undefined);
    const counters = new Map<string, bigint>();
    if (!wanted.length) return counters;
    const keyValues = [...new Set(wanted.map((s) => keys[s.key]!))];
    const oldest = BigInt(nowMs - Math.max(...wanted.map((s) => s.windowMs)));
    const columns = wanted.map((s, i) => {
      const since = BigInt(nowMs - s.windowMs);
      const currency = s.currency ? sql`and currency = ${s.currency}` : sql``;
      const measure = s.measure === 'count' ? sql`1` : sql`amount_minor`;
      return sql<string | bigint>`coalesce(sum(case when event = ${s.event} and at_ms > ${since} ${currency} then ${measure} else 0 end), 0)`.as(`c${i}`);
    });
    const rows = await this.db
      .selectFrom('risk_counter_events')
      .select(['counter_key', ...columns])
      .where('counter_key', 'in', keyValues)
      .where('at_ms', '>', oldest)
      .groupBy('counter_key')
      .execute();
    const byKey = new Map(rows.map((r) => [r.counter_key, r as Record<string, unknown>]));
    wanted.forEach((s, i) => {
      const row = byKey.get(keys[s.key]!);
      // PostgreSQL's sum over bigint is numeric and arrives as text; SQLite's is an integer.
      counters.set(counterName(s), row ? BigInt(String(row[`c${i}`] ?? 0)) : 0n);
    });
    return counters;
  }

  async insertAttempt(a: RiskAttempt, outcomeRecorded = false): Promise<void> {
    await this.db
      .insertInto('risk_attempts')
      .values({
        attempt_id: a.attemptId,
        order_id: a.orderId,
        merchant_id: a.merchantId,
        at_ms: BigInt(a.atMs),
        action: a.action,
        score: BigInt(a.score),
        fired_json: JSON.stringify(a.fired),
        rules_version: BigInt(a.rulesVersion),
        decision_us: BigInt(a.decisionMicros),
        amount_minor: a.amountMinor,
        currency: a.currency,
        card_fingerprint: a.cardFingerprint,
        card_bin: a.cardBin,
        card_country: a.cardCountry ?? null,
        ip: a.ip ?? null,
        ip_country: a.ipCountry ?? null,
        email: a.email ?? null,
        phone: a.phone ?? null,
        device_id: a.deviceId ?? null,
        merchant_user: a.merchantUser ?? null,
        billing_country: a.billingCountry ?? null,
        shipping_country: a.shippingCountry ?? null,
        review_status: a.reviewStatus,
        reviewed_at_ms: null,
        review_note: null,
        outcome_recorded: outcomeRecorded ? 1n : 0n,
      })
      .execute();
  }

  async latestAttempt(orderId: string): Promise<RiskAttempt | undefined> {
    const row = await this.db.selectFrom('risk_attempts').selectAll().where('order_id', '=', orderId).orderBy('at_ms', 'desc').orderBy('attempt_id').limit(1).executeTakeFirst();
    return row ? attemptFromRow(row) : undefined;
  }

  async findAttempt(attemptId: string): Promise<RiskAttempt | undefined> {
    const row = await this.db.selectFrom('risk_attempts').selectAll().where('attempt_id', '=', attemptId).executeTakeFirst();
    return row ? attemptFromRow(row) : undefined;
  }

  async attempts(filter: { orderId?: string; merchantId?: string; action?: RiskAction; reviewStatus?: ReviewStatus; decidedBeforeMs?: number }, limit: number): Promise<RiskAttempt[]> {
    let q = this.db.selectFrom('risk_attempts').selectAll();
    if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
    if (filter.merchantId) q = q.where('merchant_id', '=', filter.merchantId);
    if (filter.action) q = q.where('action', '=', filter.action);
    if (filter.reviewStatus) q = q.where('review_status', '=', filter.reviewStatus);
    if (filter.decidedBeforeMs !== undefined) q = q.where('at_ms', '<', BigInt(filter.decidedBeforeMs));
    const rows = await q.orderBy('at_ms', 'desc').orderBy('attempt_id').limit(limit).execute();
    return rows.map(attemptFromRow);
  }

  /**
   * Marks the attempt's outcome as counted and adds its events, once: of two
   * processes finishing the same order, only the one whose update wins adds them.
   */
  async recordOutcome(attemptId: string, events: readonly CounterEventRow[], nowMs: number): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      const won = await tx.updateTable('risk_attempts').set({ outcome_recorded: 1n }).where('attempt_id', '=', attemptId).where('outcome_recorded', '=', 0n).executeTakeFirst();
      if (won.numUpdatedRows !== 1n) return false;
      if (events.length) {
        await tx
          .insertInto('risk_counter_events')
          .values(eventRows(events, nowMs))
          .execute();
      }
      return true;
    });
  }

  /** Closes a pending review; false when it was not pending (already decided by another operator). */
  async closeReview(attemptId: string, status: Exclude<ReviewStatus, 'PENDING'>, note: string, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('risk_attempts')
      .set({ review_status: status, reviewed_at_ms: BigInt(nowMs), review_note: note })
      .where('attempt_id', '=', attemptId)
      .where('review_status', '=', 'PENDING')
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Reopens a review whose approval or rejection could not be carried out at the channel. */
  async reopenReview(attemptId: string): Promise<void> {
    await this.db.updateTable('risk_attempts').set({ review_status: 'PENDING', reviewed_at_ms: null, review_note: null }).where('attempt_id', '=', attemptId).execute();
  }

  /** Deletes counter events older than every window can reach. Returns how many. */
  async pruneCounterEvents(beforeMs: number, limit: number): Promise<number> {
    const old = await this.db.selectFrom('risk_counter_events').select('id').where('at_ms', '<', BigInt(beforeMs)).orderBy('at_ms').limit(limit).execute();
    if (!old.length) return 0;
    const result = await this.db.deleteFrom('risk_counter_events').where('id', 'in', old.map((r) => r.id)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function eventRows(events: readonly CounterEventRow[], nowMs: number) {
  return events.map((e) => ({ counter_key: e.counterKey, event: e.event, amount_minor: e.amountMinor, currency: e.currency, at_ms: BigInt(nowMs) }));
}

function listEntryFromRow(r: Selectable<Database['risk_list_entries']>): ListEntry {
  return {
    entryId: r.entry_id,
    scope: r.scope,
    list: r.list as ListName,
    kind: r.kind as ListKind,
    value: r.value,
    reason: r.reason,
    source: r.source as ListSource,
    createdAtMs: Number(r.created_at_ms),
    expiresAtMs: r.expires_at_ms === null ? null : Number(r.expires_at_ms),
  };
}

function attemptFromRow(r: Selectable<RiskAttemptTable>): RiskAttempt {
  if (!isRiskAction(r.action)) throw new Error(`risk attempt ${r.attempt_id} has an unknown action ${r.action}`);
  const opt = (v: string | null) => v ?? undefined;
  const out: RiskAttempt = {
    attemptId: r.attempt_id,
    orderId: r.order_id,
    merchantId: r.merchant_id,
    atMs: Number(r.at_ms),
    action: r.action,
    score: Number(r.score),
    fired: JSON.parse(r.fired_json) as FiredRule[],
    rulesVersion: Number(r.rules_version),
    decisionMicros: Number(r.decision_us),
    amountMinor: BigInt(r.amount_minor) as AmountMinor,
    currency: r.currency as CurrencyCode,
    cardFingerprint: r.card_fingerprint,
    cardBin: r.card_bin,
    reviewStatus: r.review_status as ReviewStatus | null,
    reviewedAtMs: r.reviewed_at_ms === null ? null : Number(r.reviewed_at_ms),
    reviewNote: r.review_note,
  };
  const optional = {
    cardCountry: opt(r.card_country),
    ip: opt(r.ip),
    ipCountry: opt(r.ip_country),
    email: opt(r.email),
    phone: opt(r.phone),
    deviceId: opt(r.device_id),
    merchantUser: opt(r.merchant_user),
    billingCountry: opt(r.billing_country),
    shippingCountry: opt(r.shipping_country),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (out as unknown as Record<string, string>)[k] = v;
  return out;
}
