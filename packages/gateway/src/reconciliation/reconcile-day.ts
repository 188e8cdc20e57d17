import { dayBoundsMs, localTimeMs } from '../domain/business-day.js';
import { RECONCILE_CARRY_WINDOW_MS } from '../domain/limits.js';
import type { ReconciliationRepository } from '../store/reconciliation-repository.js';
import { reconcile, type ReconcileReport, type StatementEntry } from './reconciler.js';

/** Rows read from the gateway's records per page while reconciling. */
const RECONCILE_PAGE_ROWS = 5_000;

/** A statement time: local `yyyy-MM-dd HH:mm:ss` in the gateway's zone, or ISO 8601 with a zone. */
export function statementTimeParser(timeZone: string): (text: string) => number | undefined {
  return (text) => {
    const local = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d):(\d\d)$/.exec(text);
    if (local) return localTimeMs(local[1]!, local[2]!, timeZone) + Number(local[3]) * 1000;
    const iso = Date.parse(text);
    return Number.isFinite(iso) && /T.*(Z|[+-]\d\d:?\d\d)$/.test(text) ? iso : undefined;
  };
}

/**
 * Compares a channel's statement for one business day with the gateway's
 * records of that day and its carry windows (one merchant's, or everyone's
 * when `merchantId` is null). The CLI's `reconcile` and the operator
 * console both report with it.
 */
export async function reconcileDay(repository: ReconciliationRepository, input: { merchantId: string | null; date: string; timeZone: string; theirs: readonly StatementEntry[] }): Promise<ReconcileReport> {
  const { startMs, endMs } = dayBoundsMs(input.date, input.timeZone);
  const ours: StatementEntry[] = [];
  for await (const page of repository.entries(input.merchantId, startMs - RECONCILE_CARRY_WINDOW_MS, endMs + RECONCILE_CARRY_WINDOW_MS, RECONCILE_PAGE_ROWS)) {
    for (const e of page) ours.push({ serialNumber: e.serialNumber, type: e.type, currency: e.currency, amountMinor: e.amountMinor, feeMinor: e.feeMinor, status: e.status, atMs: e.completedAtMs });
  }
  return reconcile({ ours, theirs: input.theirs, dayStartMs: startMs, dayEndMs: endMs, carryWindowMs: RECONCILE_CARRY_WINDOW_MS });
}
