import type { AmountMinor } from './money.js';

/**
 * What became of a bank transfer recorded against offline remittance:
 * - SETTLED: the exact amount for an open order, which is now paid;
 * - REFUNDED_LATE: the exact amount for an order already cancelled or expired: recorded and sent back;
 * - HELD_SHORT / HELD_OVER: less or more than the order's amount;
 * - HELD_CURRENCY: another currency than the order's;
 * - HELD_ALREADY_PAID: the order was paid already (a second transfer);
 * - UNMATCHED: no order has this postscript.
 * Held and unmatched transfers wait for an operator (reported by the admin API and CLI).
 */
export const TRANSFER_OUTCOMES = ['SETTLED', 'REFUNDED_LATE', 'HELD_SHORT', 'HELD_OVER', 'HELD_CURRENCY', 'HELD_ALREADY_PAID', 'UNMATCHED'] as const;
export type TransferOutcome = (typeof TRANSFER_OUTCOMES)[number];

export function isTransferOutcome(value: unknown): value is TransferOutcome {
  return (TRANSFER_OUTCOMES as readonly unknown[]).includes(value);
}

export interface IncomingTransfer {
  transferId: string;
  bankReference: string;
  postscript: string;
  amountMinor: AmountMinor;
  currency: string;
  payerName: string | null;
  payerAccount: string | null;
  orderId: string | null;
  outcome: TransferOutcome;
  receivedAtMs: number;
  recordedAtMs: number;
}
