import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AmountMinor } from './money.js';
import type { CurrencyCode } from './currencies.js';
import {
  account,
  assertBalanced,
  captureJournals,
  chargebackJournal,
  chargebackLostJournal,
  chargebackReversalJournal,
  normalSide,
  refundJournal,
  UnbalancedJournalError,
  type Journal,
} from './ledger.js';

const ref = (amount: bigint, currency = 'USD') => ({ orderId: 'o1', merchantId: '100000001', channel: 'sandbox-card', amountMinor: amount as AmountMinor, currency: currency as CurrencyCode });

/** Balance per account, on each account's normal side, from a list of journals. */
function balances(journals: readonly Journal[]): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const j of journals) {
    for (const p of j.postings) {
      const signed = p.direction === normalSide(p.account) ? p.amountMinor : -p.amountMinor;
      out.set(p.account, (out.get(p.account) ?? 0n) + signed);
    }
  }
  return out;
}

describe('ledger journals', () => {
  it('a capture with a fee owes the merchant the amount less the fee, and the fee is revenue', () => {
    const journals = captureJournals(ref(10_000n), 350n);
    expect(journals.map((j) => j.kind)).toEqual(['capture', 'fee']);
    const b = balances(journals);
    expect(b.get(account.receivable('sandbox-card'))).toBe(10_000n);
    expect(b.get(account.payable('100000001'))).toBe(9_650n);
    expect(b.get(account.feeRevenue())).toBe(350n);
  });

  it('a capture without a fee posts no fee journal', () => {
    expect(captureJournals(ref(1n), 0n).map((j) => j.kind)).toEqual(['capture']);
  });

  it('chargeback then lost: the acquirer took it back; then won: the merchant has it again', () => {
    const lost = balances([...captureJournals(ref(5_000n), 0n), chargebackJournal('d1', ref(2_000n)), chargebackLostJournal('d1', ref(2_000n))]);
    expect(lost.get(account.payable('100000001'))).toBe(3_000n);
    expect(lost.get(account.disputeHold('100000001'))).toBe(0n);
    expect(lost.get(account.receivable('sandbox-card'))).toBe(3_000n);
    const won = balances([...captureJournals(ref(5_000n), 0n), chargebackJournal('d1', ref(2_000n)), chargebackReversalJournal('d1', ref(2_000n))]);
    expect(won.get(account.payable('100000001'))).toBe(5_000n);
    expect(won.get(account.disputeHold('100000001'))).toBe(0n);
  });

  it('every journal of any sequence balances per currency, and the books net to zero', () => {
    const movement = fc.tuple(fc.constantFrom('capture', 'refund', 'chargeback', 'lost', 'reversal'), fc.bigInt({ min: 1n, max: 10n ** 17n }), fc.constantFrom('USD', 'JPY', 'CNY'));
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 40 }), (moves) => {
        const journals = moves.flatMap(([kind, amount, currency], i): Journal[] => {
          const r = ref(amount, currency);
          if (kind === 'capture') return captureJournals(r, amount / 100n);
          if (kind === 'refund') return [refundJournal(`r${i}`, r)];
          if (kind === 'chargeback') return [chargebackJournal(`d${i}`, r)];
          if (kind === 'lost') return [chargebackLostJournal(`d${i}`, r)];
          return [chargebackReversalJournal(`d${i}`, r)];
        });
        const net = new Map<string, bigint>();
        for (const j of journals) {
          assertBalanced(j);
          for (const p of j.postings) net.set(p.currency, (net.get(p.currency) ?? 0n) + (p.direction === 'D' ? p.amountMinor : -p.amountMinor));
        }
        for (const n of net.values()) expect(n).toBe(0n);
      }),
    );
  });

  it('refuses journals that do not balance, that mix currencies unevenly, or that post nothing', () => {
    const good = refundJournal('r1', ref(100n));
    const bad = (postings: Journal['postings']) => () => assertBalanced({ ...good, postings });
    expect(bad([good.postings[0]!, { ...good.postings[1]!, amountMinor: 99n as AmountMinor }])).toThrow(UnbalancedJournalError);
    expect(bad([good.postings[0]!, { ...good.postings[1]!, currency: 'EUR' as CurrencyCode }])).toThrow(UnbalancedJournalError);
    expect(bad([good.postings[0]!])).toThrow(UnbalancedJournalError);
    expect(bad([{ ...good.postings[0]!, amountMinor: 0n as AmountMinor }, { ...good.postings[1]!, amountMinor: 0n as AmountMinor }])).toThrow(UnbalancedJournalError);
    expect(bad([{ ...good.postings[0]!, amountMinor: -5n as AmountMinor }, { ...good.postings[1]!, amountMinor: -5n as AmountMinor }])).toThrow(UnbalancedJournalError);
  });
});
