import { formatMinor } from '../domain/money.js';
import { currency } from '../domain/currencies.js';
import type { SettlementBatch, SettlementLine } from './settlement-batch.js';

/** A batch's statement: one CSV row per movement, then the batch totals. Amounts in major units with the currency's ISO exponent. */
export function statementCsv(batch: SettlementBatch, lines: readonly SettlementLine[]): string {
  const cny = currency('CNY').exponent;
  const rows = ['orderSerialNumber,kind,sourceId,currency,amount,rate,cnyAmount,time'];
  for (const l of lines) rows.push([l.orderId, l.journalKind, l.sourceId, l.currency, formatMinor(l.amountMinor, currency(l.currency).exponent), l.rate, formatMinor(l.cnyMinor, cny), new Date(l.atMs).toISOString()].join(','));
  rows.push(
    `#batch,${batch.batchId},${batch.businessDate},${batch.settleDate},captured=${formatMinor(batch.capturedMinor, cny)},refunded=${formatMinor(batch.refundedMinor, cny)},chargebacks=${formatMinor(batch.chargebackMinor, cny)},fees=${formatMinor(batch.feeMinor, cny)},net=${formatMinor(batch.netMinor, cny)},lines=${batch.lineCount}`,
  );
  return `${rows.join('\r\n')}\r\n`;
}
