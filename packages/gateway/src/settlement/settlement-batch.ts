import type { CurrencyCode } from '../domain/currencies.js';
import type { JournalKind } from '../domain/ledger.js';

/**
 * One movement of a merchant's payable balance in a settlement batch, in
 * its own currency (signed: positive is owed to the merchant) and in CNY at
 * the order's rate.
 */
export interface SettlementLine {
  orderId: string;
  journalKind: JournalKind;
  sourceId: string;
  currency: CurrencyCode;
  amountMinor: bigint;
  rate: string;
  cnyMinor: bigint;
  atMs: number;
}

/**
 * What the gateway owes a merchant for one business day, in CNY:
 *   net = captures − refunds − (chargebacks − reversals) − fees.
 * Built once per merchant and day from the merchant's payable postings in
 * the ledger, so its totals are the ledger's by construction.
 */
export interface SettlementBatch {
  batchId: string;
  merchantId: string;
  businessDate: string;
  settleDate: string;
  currency: 'CNY';
  capturedMinor: bigint;
  refundedMinor: bigint;
  chargebackMinor: bigint;
  feeMinor: bigint;
  netMinor: bigint;
  lineCount: number;
  createdAtMs: number;
}

/** Adds a line into the batch's CNY totals. */
export function totalsOf(lines: readonly SettlementLine[]): Pick<SettlementBatch, 'capturedMinor' | 'refundedMinor' | 'chargebackMinor' | 'feeMinor' | 'netMinor'> {
  let capturedMinor = 0n;
  let refundedMinor = 0n;
  let chargebackMinor = 0n;
  let feeMinor = 0n;
  for (const l of lines) {
    switch (l.journalKind) {
      case 'capture':
        capturedMinor += l.cnyMinor;
        break;
      case 'refund':
      // The FX difference of currency sold back for a refund belongs with the refund.
      case 'fx_sellback':
        refundedMinor -= l.cnyMinor;
        break;
      case 'chargeback':
      case 'chargeback_reversal':
      case 'chargeback_lost':
        chargebackMinor -= l.cnyMinor;
        break;
      case 'fee':
        feeMinor -= l.cnyMinor;
        break;
    }
  }
  const netMinor = lines.reduce((sum, l) => sum + l.cnyMinor, 0n);
  if (netMinor !== capturedMinor - refundedMinor - chargebackMinor - feeMinor) throw new Error('settlement totals do not add up');
  return { capturedMinor, refundedMinor, chargebackMinor, feeMinor, netMinor };
}

/**
 * A batch built before its business day ended (a sandbox merchant settling
 * "today"): it holds the day's movements up to then, and is built again,
 * whole, when the day is settled after it closed, so no later movement of
 * that day is left out of every batch.
 */
export function isProvisional(batch: Pick<SettlementBatch, 'createdAtMs'>, dayEndMs: number): boolean {
  return batch.createdAtMs < dayEndMs;
}
