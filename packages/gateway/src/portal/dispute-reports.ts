import { isAmountMinorString } from '@opencashier/sdk';
import { GatewayError } from '../domain/errors.js';
import type { Dispute, DisputeActor } from '../domain/dispute.js';
import type { AmountMinor } from '../domain/money.js';
import type { OpenDispute } from '../orders/dispute-service.js';
import { parseCsv } from './csv-parse.js';
import type { OperatorConsoleDeps } from './operator-deps.js';
import { portalError } from './portal-error.js';

/** One case as an acquirer reports it: the console's form, or a row of its file. */
export interface ReportedCase {
  merchantId: string;
  /** Our serialNumber or the merchant's requestId. */
  order: string;
  stage: string;
  reasonCode?: string | undefined;
  reasonText?: string | undefined;
  acquirerReference?: string | undefined;
  amountMinor?: string | undefined;
  respondByDays?: string | undefined;
  note?: string | undefined;
}

/** Columns of an acquirer's dispute file; the first three and acquirerReference are required. */
export const DISPUTE_FILE_COLUMNS = ['merchantId', 'order', 'stage', 'acquirerReference', 'reasonCode', 'amountMinor', 'respondByDays', 'reasonText'] as const;
/** Cases one file may hold, like a batch of refunds. */
export const DISPUTE_FILE_ROWS_MAX = 500;

export interface DisputeFileRow {
  /** 1-based line in the file, the header being line 1. */
  line: number;
  order: string;
  acquirerReference: string;
  outcome: 'recorded' | 'refused';
  disputeId: string | null;
  status: string | null;
  code: string | null;
  message: string | null;
}

/**
 * Opens a reported case through the dispute service: the order found by
 * serialNumber or requestId within the merchant, the optional fields
 * checked. A case the acquirer reported before (same acquirer reference)
 * answers the case already open.
 */
export async function openReportedCase(deps: OperatorConsoleDeps, input: ReportedCase, actor: DisputeActor): Promise<Dispute> {
  if (input.stage !== 'RETRIEVAL' && input.stage !== 'CHARGEBACK') throw portalError('FIELD_INVALID', { field: 'stage', reason: 'RETRIEVAL or CHARGEBACK' });
  const byId = await deps.orders.find(input.order);
  const order = byId && byId.merchantId === input.merchantId ? byId : await deps.orders.findByRequest(input.merchantId, input.order);
  if (!order) throw portalError('ORDER_NOT_FOUND');
  const amount = input.amountMinor;
  if (amount !== undefined && (!isAmountMinorString(amount) || amount === '0')) throw portalError('AMOUNT_INVALID', { field: 'amountMinor' });
  const days = input.respondByDays;
  if (days !== undefined && !/^\d{1,3}$/.test(days)) throw portalError('FIELD_INVALID', { field: 'respondByDays', reason: 'a whole number of days' });
  const open: OpenDispute = { orderId: order.orderId, stage: input.stage };
  const optional = {
    reasonCode: input.reasonCode,
    reasonText: input.reasonText,
    acquirerReference: input.acquirerReference,
    note: input.note,
    amountMinor: amount === undefined ? undefined : (BigInt(amount) as AmountMinor),
    respondByDays: days === undefined ? undefined : Number(days),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (open as unknown as Record<string, unknown>)[k] = v;
  return deps.disputes.open(open, actor);
}

/**
 * Records every case of an acquirer's file, one after another, with a
 * result per row: a bad row is refused with its code and does not stop the
 * others. Each row names its acquirer reference, so uploading the same
 * file again answers the same cases instead of opening them twice.
 */
export async function openDisputeFile(deps: OperatorConsoleDeps, csv: string, actor: DisputeActor): Promise<DisputeFileRow[]> {
  const rows = parseCsv(csv);
  const header = rows.shift()?.map((h) => h.trim());
  const required = DISPUTE_FILE_COLUMNS.slice(0, 4);
  if (!header || !required.every((c) => header.includes(c))) throw portalError('FIELD_INVALID', { field: 'csv', reason: `the first line names the columns ${DISPUTE_FILE_COLUMNS.join(',')}` });
  if (rows.length === 0) throw portalError('FIELD_INVALID', { field: 'csv', reason: 'no rows' });
  if (rows.length > DISPUTE_FILE_ROWS_MAX) throw portalError('FIELD_INVALID', { field: 'csv', reason: `at most ${DISPUTE_FILE_ROWS_MAX} rows` });
  const cell = (row: string[], name: string): string | undefined => {
    const i = header.indexOf(name);
    const v = i < 0 ? '' : (row[i] ?? '').trim();
    return v === '' ? undefined : v;
  };
  const results: DisputeFileRow[] = [];
  for (const [index, row] of rows.entries()) {
    const order = cell(row, 'order') ?? '';
    const acquirerReference = cell(row, 'acquirerReference') ?? '';
    const base = { line: index + 2, order, acquirerReference };
    try {
      for (const field of required) if (cell(row, field) === undefined) throw portalError('FIELD_MISSING', { field });
      const dispute = await openReportedCase(
        deps,
        {
          merchantId: cell(row, 'merchantId')!,
          order,
          stage: cell(row, 'stage')!,
          acquirerReference,
          reasonCode: cell(row, 'reasonCode'),
          reasonText: cell(row, 'reasonText'),
          amountMinor: cell(row, 'amountMinor'),
          respondByDays: cell(row, 'respondByDays'),
        },
        actor,
      );
      results.push({ ...base, outcome: 'recorded', disputeId: dispute.disputeId, status: dispute.status, code: null, message: null });
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      results.push({ ...base, outcome: 'refused', disputeId: null, status: null, code: error.code, message: error.message });
    }
  }
  return results;
}
