import { amountMinorToWire } from '@opencashier/sdk';
import { GatewayError } from '../../domain/errors.js';
import { isBusinessDate } from '../../domain/business-day.js';
import type { SettlementBatch, SettlementLine } from '../../settlement/settlement-batch.js';
import { beijingDateTime } from './order-fields.js';
import { str, type Wire } from './wire-fields.js';

/** `settlement/query`: `{merchantId, businessDate: YYYY-MM-DD}`. */
export function parseSettlementQuery(payload: Wire): string {
  return businessDateField(payload);
}

/** A `businessDate` field: YYYY-MM-DD, a real date. */
export function businessDateField(payload: Wire): string {
  const date = str(payload, 'businessDate', true, 10)!;
  if (!isBusinessDate(date)) throw new GatewayError('FIELD_INVALID', { field: 'businessDate', reason: 'a date YYYY-MM-DD' });
  return date;
}

/** Wire amounts are never negative: a signed total travels as its size and a direction. */
function signed(prefix: string, minor: bigint): Record<string, string> {
  return { [`${prefix}Amount`]: amountMinorToWire(minor < 0n ? -minor : minor), [`${prefix}Direction`]: minor < 0n ? 'DEBIT' : 'CREDIT' };
}

/**
 * A batch as the merchant sees it: CNY totals (captures, refunds,
 * chargebacks, fees, net — CREDIT when the gateway pays the merchant, DEBIT
 * when the merchant owes), and per original currency the same movements
 * before conversion.
 */
export function settlementFields(batch: SettlementBatch, lines: readonly SettlementLine[]): Record<string, unknown> {
  const byCurrency = new Map<string, { count: number; amount: bigint; cny: bigint }>();
  for (const l of lines) {
    const c = byCurrency.get(l.currency) ?? { count: 0, amount: 0n, cny: 0n };
    byCurrency.set(l.currency, { count: c.count + 1, amount: c.amount + l.amountMinor, cny: c.cny + l.cnyMinor });
  }
  return {
    status: 'SUCCESS',
    batchId: batch.batchId,
    businessDate: batch.businessDate,
    settleDate: batch.settleDate,
    currency: batch.currency,
    capturedAmount: amountMinorToWire(batch.capturedMinor),
    refundedAmount: amountMinorToWire(batch.refundedMinor),
    ...signed('chargeback', batch.chargebackMinor),
    feeAmount: amountMinorToWire(batch.feeMinor),
    ...signed('net', batch.netMinor),
    count: String(batch.lineCount),
    createDateTime: beijingDateTime(batch.createdAtMs),
    currencies: [...byCurrency.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, c]) => ({ currency, count: String(c.count), ...signed('net', c.amount), ...signed('cnyNet', c.cny) })),
  };
}
