import { findCurrency, type CurrencyCode } from '../domain/currencies.js';

/** One line of a statement, ours or a channel's: the fields both sides can compare. */
export interface StatementEntry {
  serialNumber: string;
  type: 'PAYMENT' | 'REFUND';
  currency: CurrencyCode;
  amountMinor: bigint;
  /** Undefined when the statement has no fee column: fees are then not compared. */
  feeMinor?: bigint;
  status: string;
  /** When it completed, if the statement says. */
  atMs?: number;
}

export type MismatchClass = 'MISSING_OURS' | 'MISSING_THEIRS' | 'AMOUNT' | 'CURRENCY' | 'STATUS' | 'FEE';
export const MISMATCH_CLASSES: readonly MismatchClass[] = ['MISSING_OURS', 'MISSING_THEIRS', 'AMOUNT', 'CURRENCY', 'STATUS', 'FEE'];

export interface Mismatch {
  class: MismatchClass;
  type: string;
  serialNumber: string;
  ours?: string;
  theirs?: string;
}

export interface ReconcileReport {
  matched: number;
  mismatches: Mismatch[];
  /** Ours, completed just before midnight, absent from their statement: expected on the next day's. */
  carried: StatementEntry[];
}

/**
 * Compares a channel's statement for one day with the gateway's records.
 * `ours` must cover the day and its neighbouring carry windows, so an entry
 * the channel booked on the other side of midnight is still found.
 */
export function reconcile(input: { ours: Iterable<StatementEntry>; theirs: Iterable<StatementEntry>; dayStartMs: number; dayEndMs: number; carryWindowMs: number }): ReconcileReport {
  const ours = new Map<string, StatementEntry>();
  for (const e of input.ours) ours.set(`${e.type}:${e.serialNumber}`, e);
  const mismatches: Mismatch[] = [];
  let matched = 0;
  const seen = new Set<string>();
  for (const t of input.theirs) {
    const key = `${t.type}:${t.serialNumber}`;
    seen.add(key);
    const o = ours.get(key);
    const id = { type: t.type, serialNumber: t.serialNumber };
    if (!o) {
      mismatches.push({ class: 'MISSING_OURS', ...id, theirs: `${t.currency} ${t.amountMinor} ${t.status}` });
      continue;
    }
    const before = mismatches.length;
    if (o.currency !== t.currency) mismatches.push({ class: 'CURRENCY', ...id, ours: o.currency, theirs: t.currency });
    else if (o.amountMinor !== t.amountMinor) mismatches.push({ class: 'AMOUNT', ...id, ours: String(o.amountMinor), theirs: String(t.amountMinor) });
    if (o.status !== t.status) mismatches.push({ class: 'STATUS', ...id, ours: o.status, theirs: t.status });
    if (t.feeMinor !== undefined && o.feeMinor !== undefined && o.feeMinor !== t.feeMinor && o.currency === t.currency) mismatches.push({ class: 'FEE', ...id, ours: String(o.feeMinor), theirs: String(t.feeMinor) });
    if (mismatches.length === before) matched += 1;
  }
  const carried: StatementEntry[] = [];
  for (const [key, o] of ours) {
    if (seen.has(key)) continue;
    const at = o.atMs ?? input.dayStartMs;
    // Outside the day: it belongs to a neighbouring day's statement.
    if (at < input.dayStartMs || at >= input.dayEndMs) continue;
    if (at >= input.dayEndMs - input.carryWindowMs) carried.push(o);
    else mismatches.push({ class: 'MISSING_THEIRS', type: o.type, serialNumber: o.serialNumber, ours: `${o.currency} ${o.amountMinor} ${o.status}` });
  }
  return { matched, mismatches, carried };
}

export class StatementFormatError extends Error {}

/** Splits one CSV line (RFC 4180 quoting). */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * Reads a channel statement: CSV with a header naming at least
 * `serialNumber,type,currency,amount,status` (`fee` and `completeTime` /
 * `time` optional, in any order; more columns ignored; `#` lines skipped).
 * The gateway's own reconciliation file is such a statement.
 */
export function parseStatement(text: string, parseTime: (s: string) => number | undefined): StatementEntry[] {
  const lines = text.split(/\r?\n/).filter((l) => l !== '' && !l.startsWith('#'));
  const header = csvCells(lines.shift() ?? '');
  const col = (name: string) => header.indexOf(name);
  for (const required of ['serialNumber', 'type', 'currency', 'amount', 'status']) if (col(required) < 0) throw new StatementFormatError(`the statement has no ${required} column`);
  const timeCol = col('completeTime') >= 0 ? col('completeTime') : col('time');
  return lines.map((line, i) => {
    const cells = csvCells(line);
    const where = `statement line ${i + 2}`;
    const type = cells[col('type')];
    if (type !== 'PAYMENT' && type !== 'REFUND') throw new StatementFormatError(`${where}: type must be PAYMENT or REFUND`);
    const currency = findCurrency(cells[col('currency')])?.code;
    if (!currency) throw new StatementFormatError(`${where}: unsupported currency`);
    const amount = cells[col('amount')] ?? '';
    if (!/^(0|[1-9][0-9]{0,17})$/.test(amount)) throw new StatementFormatError(`${where}: amount must be minor units`);
    const fee = col('fee') >= 0 ? cells[col('fee')] : undefined;
    if (fee !== undefined && fee !== '' && !/^(0|[1-9][0-9]{0,17})$/.test(fee)) throw new StatementFormatError(`${where}: fee must be minor units`);
    const atMs = timeCol >= 0 ? parseTime(cells[timeCol] ?? '') : undefined;
    return {
      serialNumber: cells[col('serialNumber')] ?? '',
      type,
      currency,
      amountMinor: BigInt(amount),
      ...(fee !== undefined && fee !== '' ? { feeMinor: BigInt(fee) } : {}),
      status: cells[col('status')] ?? '',
      ...(atMs !== undefined ? { atMs } : {}),
    };
  });
}
