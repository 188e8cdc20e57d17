import type { AmountMinor } from './money.js';
import type { CurrencyCode } from './currencies.js';

/**
 * The double-entry ledger: every money movement is a journal of postings
 * that balance per currency (debits = credits). Balances are never stored;
 * they are sums of postings (see LedgerRepository.balances).
 *
 * Accounts, and on which side they grow:
 *   acquirer_receivable:<channel>   asset (debit)    money the acquirer holds for us, in transit
 *   merchant_payable:<merchantId>   liability (credit) what the gateway owes the merchant
 *   dispute_hold:<merchantId>       liability (credit) merchant money held while a chargeback is open
 *   fee_revenue                     income (credit)  the gateway's fees
 *   fx_desk:<desk>                  asset (debit)    CNY the FX desk owes back: a sale back that
 *                                                    returned less (or more) than the purchase cost
 *
 * Movements:
 *   capture            D receivable          C payable        (the payer paid)
 *   fee                D payable             C fee_revenue    (the gateway's charge on a capture)
 *   refund             D payable             C receivable     (money back to the payer)
 *   chargeback         D payable             C dispute_hold   (the issuer disputes: the amount is held)
 *   chargeback_lost    D dispute_hold        C receivable     (the acquirer keeps it: lost, accepted or expired)
 *   chargeback_reversal D dispute_hold       C payable        (won or reversed: the merchant has it back)
 *   fx_sellback        D payable             C fx_desk        (currency sold back for a refund fetched less
 *                                                             CNY than it cost: the merchant bears it;
 *                                                             the other way round when it fetched more)
 */
export type JournalKind = 'capture' | 'fee' | 'refund' | 'chargeback' | 'chargeback_lost' | 'chargeback_reversal' | 'fx_sellback';
export const JOURNAL_KINDS: readonly JournalKind[] = ['capture', 'fee', 'refund', 'chargeback', 'chargeback_lost', 'chargeback_reversal', 'fx_sellback'];

export type Direction = 'D' | 'C';

export interface Posting {
  account: string;
  direction: Direction;
  amountMinor: AmountMinor;
  currency: CurrencyCode;
}

export interface Journal {
  kind: JournalKind;
  /** The order the movement belongs to; refunds and disputes are found through it. */
  orderId: string;
  /** What caused it: the order, a refund or a dispute id. Unique with `kind`, so a movement is never posted twice. */
  sourceId: string;
  postings: Posting[];
}

export const account = {
  receivable: (channel: string) => `acquirer_receivable:${channel}`,
  payable: (merchantId: string) => `merchant_payable:${merchantId}`,
  disputeHold: (merchantId: string) => `dispute_hold:${merchantId}`,
  feeRevenue: () => 'fee_revenue',
  fxDesk: (desk: string) => `fx_desk:${desk}`,
} as const;

/** Which side each account grows on, for reading balances with the right sign. */
export function normalSide(accountName: string): Direction {
  return accountName.startsWith('acquirer_receivable:') || accountName.startsWith('fx_desk:') ? 'D' : 'C';
}

export class UnbalancedJournalError extends Error {
  constructor(journal: Journal, detail: string) {
    super(`journal ${journal.kind} ${journal.sourceId} does not balance: ${detail}`);
    this.name = 'UnbalancedJournalError';
  }
}

/** Crash-only check: a journal that does not balance is a bug, never input. */
export function assertBalanced(journal: Journal): void {
  if (journal.postings.length < 2) throw new UnbalancedJournalError(journal, 'fewer than two postings');
  const net = new Map<string, bigint>();
  for (const p of journal.postings) {
    if (p.amountMinor <= 0n) throw new UnbalancedJournalError(journal, `non-positive posting on ${p.account}`);
    net.set(p.currency, (net.get(p.currency) ?? 0n) + (p.direction === 'D' ? p.amountMinor : -p.amountMinor));
  }
  for (const [currency, n] of net) if (n !== 0n) throw new UnbalancedJournalError(journal, `${currency} off by ${n}`);
}

interface MoneyRef {
  orderId: string;
  merchantId: string;
  channel: string;
  amountMinor: AmountMinor;
  currency: CurrencyCode;
}

function pair(kind: JournalKind, sourceId: string, ref: MoneyRef, debit: string, credit: string): Journal {
  const journal: Journal = {
    kind,
    orderId: ref.orderId,
    sourceId,
    postings: [
      { account: debit, direction: 'D', amountMinor: ref.amountMinor, currency: ref.currency },
      { account: credit, direction: 'C', amountMinor: ref.amountMinor, currency: ref.currency },
    ],
  };
  assertBalanced(journal);
  return journal;
}

/** The journals of a capture: the amount, and the fee when there is one. */
export function captureJournals(ref: MoneyRef, feeMinor: bigint): Journal[] {
  const journals = [pair('capture', ref.orderId, ref, account.receivable(ref.channel), account.payable(ref.merchantId))];
  if (feeMinor > 0n) {
    journals.push(pair('fee', ref.orderId, { ...ref, amountMinor: feeMinor as AmountMinor }, account.payable(ref.merchantId), account.feeRevenue()));
  }
  return journals;
}

export function refundJournal(refundId: string, ref: MoneyRef): Journal {
  return pair('refund', refundId, ref, account.payable(ref.merchantId), account.receivable(ref.channel));
}

export function chargebackJournal(disputeId: string, ref: MoneyRef): Journal {
  return pair('chargeback', disputeId, ref, account.payable(ref.merchantId), account.disputeHold(ref.merchantId));
}

export function chargebackLostJournal(disputeId: string, ref: MoneyRef): Journal {
  return pair('chargeback_lost', disputeId, ref, account.disputeHold(ref.merchantId), account.receivable(ref.channel));
}

export function chargebackReversalJournal(disputeId: string, ref: MoneyRef): Journal {
  return pair('chargeback_reversal', disputeId, ref, account.disputeHold(ref.merchantId), account.payable(ref.merchantId));
}

/**
 * The FX difference of a sale back (proceeds − cost, signed, CNY): a loss is
 * taken from the merchant's payable, a gain added to it. None when zero.
 */
export function fxSellBackJournals(saleId: string, ref: { orderId: string; merchantId: string; desk: string }, differenceMinor: bigint): Journal[] {
  if (differenceMinor === 0n) return [];
  const money = { orderId: ref.orderId, merchantId: ref.merchantId, channel: ref.desk, amountMinor: (differenceMinor < 0n ? -differenceMinor : differenceMinor) as AmountMinor, currency: 'CNY' as CurrencyCode };
  return differenceMinor < 0n
    ? [pair('fx_sellback', saleId, money, account.payable(ref.merchantId), account.fxDesk(ref.desk))]
    : [pair('fx_sellback', saleId, money, account.fxDesk(ref.desk), account.payable(ref.merchantId))];
}
