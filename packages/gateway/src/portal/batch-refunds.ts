import { GatewayError } from '../domain/errors.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { AuditActor } from './audit-log.js';
import { parseCsv } from './csv-parse.js';
import { portalError } from './portal-error.js';
import { portalRefund, type PortalRefundDeps } from './portal-refund.js';
import { BATCH_REFUND_ROWS_MAX } from './limits.js';

/** Columns of a batch-refund file; `amountMinor` empty refunds everything still refundable. */
export const BATCH_REFUND_COLUMNS = ['serialNumber', 'requestId', 'amountMinor', 'remark'] as const;

export interface BatchRefundRow {
  /** 1-based line in the file, counting the header as line 1. */
  line: number;
  serialNumber: string;
  requestId: string;
  outcome: 'created' | 'replayed' | 'pending' | 'refused';
  state: string | null;
  amountMinor: string | null;
  code: string | null;
  message: string | null;
}

/**
 * Refunds each row of an uploaded CSV through the same core as a single
 * refund, one after another, and answers a result per row: a bad row is
 * refused with its code and does not stop the others. Every row has its own
 * requestId, so uploading the same file again replays instead of refunding
 * twice.
 */
export async function runBatchRefunds(deps: PortalRefundDeps, actor: AuditActor, merchant: Merchant, csv: string): Promise<BatchRefundRow[]> {
  const rows = parseCsv(csv);
  const header = rows.shift()?.map((h) => h.trim());
  if (!header || !BATCH_REFUND_COLUMNS.slice(0, 2).every((c) => header.includes(c))) {
    throw portalError('FIELD_INVALID', { field: 'csv', reason: `the first line names the columns ${BATCH_REFUND_COLUMNS.join(',')}` });
  }
  if (rows.length === 0) throw portalError('FIELD_INVALID', { field: 'csv', reason: 'no rows' });
  if (rows.length > BATCH_REFUND_ROWS_MAX) throw portalError('FIELD_INVALID', { field: 'csv', reason: `at most ${BATCH_REFUND_ROWS_MAX} rows` });
  const column = (row: string[], name: string) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : (row[i] ?? '').trim();
  };
  const results: BatchRefundRow[] = [];
  for (const [index, row] of rows.entries()) {
    const serialNumber = column(row, 'serialNumber');
    const requestId = column(row, 'requestId');
    const base = { line: index + 2, serialNumber, requestId };
    try {
      if (!serialNumber) throw portalError('FIELD_MISSING', { field: 'serialNumber' });
      if (!requestId) throw portalError('FIELD_MISSING', { field: 'requestId' });
      if (requestId.length > 64) throw portalError('FIELD_INVALID', { field: 'requestId', reason: 'at most 64 characters' });
      const amount = column(row, 'amountMinor');
      const remark = column(row, 'remark').slice(0, 256);
      const answer = await portalRefund(deps, actor, merchant, { orderId: serialNumber, requestId, amountText: amount === '' ? undefined : amount, remark: remark === '' ? null : remark });
      if (answer.kind === 'pending') {
        // Above the approval threshold: the row waits for a second user like a single refund does.
        const a = answer.approval;
        results.push({ ...base, outcome: 'pending', state: a.state, amountMinor: a.estimatedMinor, code: a.failureCode, message: null });
      } else {
        results.push({ ...base, outcome: answer.kind, state: answer.refund.state, amountMinor: answer.refund.amountMinor, code: answer.refund.failureCode, message: null });
      }
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      results.push({ ...base, outcome: 'refused', state: null, amountMinor: null, code: error.code, message: error.message });
    }
  }
  return results;
}
