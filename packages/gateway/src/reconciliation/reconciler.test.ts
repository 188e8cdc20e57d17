import { describe, expect, it } from 'vitest';
import { parseStatement, reconcile, StatementFormatError, type StatementEntry } from './reconciler.js';

const DAY_START = Date.parse('2026-11-20T16:00:00Z');
const DAY_END = Date.parse('2026-11-21T16:00:00Z');
const WINDOW = 15 * 60_000;

function entry(serialNumber: string, more: Partial<StatementEntry> = {}): StatementEntry {
  return { serialNumber, type: 'PAYMENT', currency: 'USD', amountMinor: 1000n, feeMinor: 30n, status: 'SUCCESS', atMs: DAY_START + 3_600_000, ...more };
}

describe('reconciler', () => {
  it('finds every planted mismatch class, once each, and nothing else', () => {
    const ours = [
      entry('ok-1'),
      entry('ok-2', { type: 'REFUND', feeMinor: 0n }),
      entry('amount'),
      entry('currency'),
      entry('status'),
      entry('fee'),
      entry('theirs-missing'),
      entry('late', { atMs: DAY_END - 60_000 }), // just before midnight: carried
      entry('yesterday', { atMs: DAY_START - 60_000 }), // the day before: not this statement's business
    ];
    const theirs = [
      entry('ok-1'),
      entry('ok-2', { type: 'REFUND', feeMinor: 0n }),
      entry('amount', { amountMinor: 1001n }),
      entry('currency', { currency: 'EUR' }),
      entry('status', { status: 'FAILED' }),
      entry('fee', { feeMinor: 31n }),
      entry('ours-missing'),
      entry('yesterday'), // the channel booked it today: matched, not missing
    ];
    const report = reconcile({ ours, theirs, dayStartMs: DAY_START, dayEndMs: DAY_END, carryWindowMs: WINDOW });
    expect(report.mismatches.map((m) => [m.class, m.serialNumber]).sort()).toEqual(
      [
        ['AMOUNT', 'amount'],
        ['CURRENCY', 'currency'],
        ['FEE', 'fee'],
        ['MISSING_OURS', 'ours-missing'],
        ['MISSING_THEIRS', 'theirs-missing'],
        ['STATUS', 'status'],
      ].sort(),
    );
    expect(report.matched).toBe(3);
    expect(report.carried.map((e) => e.serialNumber)).toEqual(['late']);
  });

  it('reports nothing for identical statements, and a payment and a refund with the same number are different entries', () => {
    const same = [entry('a'), entry('a', { type: 'REFUND' }), entry('b', { status: 'FAILED' })];
    expect(reconcile({ ours: same, theirs: same, dayStartMs: DAY_START, dayEndMs: DAY_END, carryWindowMs: WINDOW })).toEqual({ matched: 3, mismatches: [], carried: [] });
  });

  it('reads statements by column name and refuses malformed ones', () => {
    const text = '#comment\r\nstatus,amount,currency,type,serialNumber,fee,time\r\nSUCCESS,100,JPY,PAYMENT,"s,1",,2026-11-21 10:00:00\r\n';
    expect(parseStatement(text, () => 5)).toEqual([{ serialNumber: 's,1', type: 'PAYMENT', currency: 'JPY', amountMinor: 100n, status: 'SUCCESS', atMs: 5 }]);
    expect(() => parseStatement('serialNumber,type,currency,amount\r\n', () => 0)).toThrow(StatementFormatError);
    expect(() => parseStatement('serialNumber,type,currency,amount,status\r\nx,PAYMENT,USD,1.5,SUCCESS\r\n', () => 0)).toThrow(/minor units/);
    expect(() => parseStatement('serialNumber,type,currency,amount,status\r\nx,SALE,USD,1,SUCCESS\r\n', () => 0)).toThrow(/PAYMENT or REFUND/);
  });
});
