import { formatMinor } from '../domain/money.js';
import { currency } from '../domain/currencies.js';
import type { SettlementBatch } from './settlement-batch.js';

/** A batch as people read it (portal, CLI): CNY amounts as decimal strings, chargebacks beside captures, refunds and fees. */
export function batchView(b: SettlementBatch, provisional: boolean) {
  const cny = (minor: bigint) => formatMinor(minor, currency('CNY').exponent);
  return {
    batchId: b.batchId,
    merchantId: b.merchantId,
    businessDate: b.businessDate,
    settleDate: b.settleDate,
    currency: b.currency,
    captured: cny(b.capturedMinor),
    refunded: cny(b.refundedMinor),
    chargebacks: cny(b.chargebackMinor),
    fees: cny(b.feeMinor),
    net: cny(b.netMinor),
    netMinor: b.netMinor.toString(),
    lineCount: b.lineCount,
    createdAtMs: b.createdAtMs,
    provisional,
  };
}
