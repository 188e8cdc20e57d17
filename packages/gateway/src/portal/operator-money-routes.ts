import { disputeEventJson, disputeJson } from '../admin/dispute-json.js';
import { isBusinessDate } from '../domain/business-day.js';
import { DISPUTE_OUTCOMES, DISPUTE_STATUSES, type DisputeOutcome, type DisputeStatus } from '../domain/dispute.js';
import { TRANSFER_OUTCOMES, isTransferOutcome } from '../domain/incoming-transfer.js';
import { transferJson } from '../onlinepay/remittance-admin-routes.js';
import { openDisputeFile, openReportedCase } from './dispute-reports.js';
import { parseStatement, StatementFormatError } from '../reconciliation/reconciler.js';
import { reconcileDay, statementTimeParser } from '../reconciliation/reconcile-day.js';
import { ReconciliationRepository } from '../store/reconciliation-repository.js';
import { statementCsv } from '../settlement/statement-csv.js';
import type { OperatorConsoleDeps } from './operator-deps.js';
import { display } from './order-search.js';
import type { Dispute } from '../domain/dispute.js';
import type { IncomingTransfer } from '../domain/incoming-transfer.js';
import { portalError } from './portal-error.js';
import type { PortalContext, PortalRoute } from './route-table.js';
import { bodyOf, optionalText, paramOf, queryOf, requiredText } from './request-fields.js';

const LIST_MAX = 200;
/** A channel statement pasted or uploaded in the browser: a day's file of one acquirer. */
const STATEMENT_CHARS_MAX = 4_000_000;
/** An acquirer's dispute file: up to 500 rows of a few short fields. */
const DISPUTE_FILE_CHARS_MAX = 200_000;

/** A case with its amount shown in the currency's own decimals. */
function caseJson(d: Dispute) {
  return { ...disputeJson(d), amount: display(d.amountMinor, d.currency) };
}

function transferRow(t: IncomingTransfer) {
  return { ...transferJson(t), amount: display(t.amountMinor, t.currency) };
}

function oneOf<T extends string>(value: string, field: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw portalError('FIELD_INVALID', { field, reason: allowed.join(', ') });
  return value as T;
}

function businessDateOf(text: string): string {
  if (!isBusinessDate(text)) throw portalError('FIELD_INVALID', { field: 'date', reason: 'a date YYYY-MM-DD' });
  return text;
}

/**
 * The money side of the operator console: disputes reported by acquirers
 * that send files (open, decide), settlement runs (list, build a day),
 * reconciliation of a channel statement with the mismatch report, and the
 * offline remittance transfers no order claimed (match one by hand). Each
 * action goes through the service the admin API uses and is audited.
 */
export function operatorMoneyRoutes(deps: () => OperatorConsoleDeps): PortalRoute[] {
  const audit = (ctx: PortalContext, merchantId: string | null, action: string, target: string, before: unknown, after: unknown) =>
    deps().audit.record(ctx.actor, { merchantId, action, target, before, after }, deps().clock());
  const operatorActor = (ctx: PortalContext) => ({ kind: 'OPERATOR' as const, name: ctx.user.email.slice(0, 64) });

  return [
    {
      method: 'GET',
      url: '/o/disputes',
      permission: 'operator.view',
      handler: async (_ctx, request) => {
        const q = queryOf(request);
        const status = q.status ? oneOf<DisputeStatus>(q.status, 'status', DISPUTE_STATUSES) : undefined;
        const list = await deps().disputes.list({ limit: 100, ...(status ? { status } : {}), ...(q.merchantId ? { merchantId: q.merchantId } : {}) });
        return { disputes: list.map(caseJson) };
      },
    },
    {
      method: 'GET',
      url: '/o/disputes/:disputeId',
      permission: 'operator.view',
      handler: async (_ctx, request) => {
        const d = await deps().disputes.find(paramOf(request, 'disputeId'));
        if (!d) throw portalError('DISPUTE_NOT_FOUND');
        return { dispute: caseJson(d), history: (await deps().disputes.history(d.disputeId)).map(disputeEventJson) };
      },
    },
    {
      method: 'POST',
      url: '/o/disputes',
      permission: 'operator.disputes',
      handler: async (ctx, request) => {
        const body = bodyOf(request);
        const opened = await openReportedCase(
          deps(),
          {
            merchantId: requiredText(body, 'merchantId', 64),
            order: requiredText(body, 'order', 64),
            stage: requiredText(body, 'stage', 16),
            reasonCode: optionalText(body, 'reasonCode', 16),
            reasonText: optionalText(body, 'reasonText', 255),
            acquirerReference: optionalText(body, 'acquirerReference', 64),
            amountMinor: optionalText(body, 'amountMinor', 19),
            respondByDays: optionalText(body, 'respondByDays', 3),
            note: optionalText(body, 'note', 255),
          },
          operatorActor(ctx),
        );
        await audit(ctx, opened.merchantId, 'dispute.open', opened.disputeId, null, disputeJson(opened));
        return { dispute: caseJson(opened) };
      },
    },
    {
      method: 'POST',
      url: '/o/disputes/file',
      permission: 'operator.disputes',
      handler: async (ctx, request) => {
        const rows = await openDisputeFile(deps(), requiredText(bodyOf(request), 'csv', DISPUTE_FILE_CHARS_MAX), operatorActor(ctx));
        const recorded = rows.filter((r) => r.outcome === 'recorded');
        await audit(ctx, null, 'dispute.file', `${rows.length} rows`, null, { recorded: recorded.map((r) => r.disputeId), refused: rows.length - recorded.length });
        return { rows };
      },
    },
    {
      method: 'POST',
      url: '/o/disputes/:disputeId/decide',
      permission: 'operator.disputes',
      handler: async (ctx, request) => {
        const d = deps();
        const body = bodyOf(request);
        const outcome = oneOf<DisputeOutcome>(requiredText(body, 'outcome', 16), 'outcome', DISPUTE_OUTCOMES);
        const before = await d.disputes.find(paramOf(request, 'disputeId'));
        if (!before) throw portalError('DISPUTE_NOT_FOUND');
        const decided = await d.disputes.decide(before.disputeId, outcome, operatorActor(ctx), optionalText(body, 'note', 255));
        await audit(ctx, decided.merchantId, 'dispute.decide', decided.disputeId, { stage: before.stage, status: before.status }, { stage: decided.stage, status: decided.status, outcome });
        return { dispute: caseJson(decided) };
      },
    },
    {
      method: 'GET',
      url: '/o/settlements',
      permission: 'operator.view',
      handler: async (_ctx, request) => {
        const merchantId = queryOf(request).merchantId;
        let q = deps().db.selectFrom('settlement_batches').selectAll();
        if (merchantId) q = q.where('merchant_id', '=', merchantId);
        const rows = await q.orderBy('business_date', 'desc').orderBy('merchant_id').limit(LIST_MAX).execute();
        return {
          batches: rows.map((r) => ({
            batchId: r.batch_id,
            merchantId: r.merchant_id,
            businessDate: r.business_date,
            settleDate: r.settle_date,
            currency: r.currency,
            capturedMinor: String(r.captured_minor),
            refundedMinor: String(r.refunded_minor),
            chargebackMinor: String(r.chargeback_minor),
            feeMinor: String(r.fee_minor),
            netMinor: String(r.net_minor),
            captured: display(BigInt(r.captured_minor), r.currency),
            refunded: display(BigInt(r.refunded_minor), r.currency),
            chargebacks: display(BigInt(r.chargeback_minor), r.currency),
            fee: display(BigInt(r.fee_minor), r.currency),
            net: display(BigInt(r.net_minor), r.currency),
            lineCount: Number(r.line_count),
            createdAtMs: Number(r.created_at_ms),
          })),
        };
      },
    },
    {
      method: 'POST',
      url: '/o/settlements/run',
      permission: 'operator.finance',
      handler: async (ctx, request) => {
        const d = deps();
        const body = bodyOf(request);
        const merchantId = requiredText(body, 'merchantId', 64);
        const date = businessDateOf(requiredText(body, 'date', 10));
        if (!(await d.merchants.find(merchantId))) throw portalError('MERCHANT_UNKNOWN');
        // The same on-demand build as the merchant's settlement query: a closed day, built once, the same answer after.
        const batch = await d.crossBorder.settlements.settleDay(merchantId, date);
        if (!batch) throw portalError('SETTLEMENT_NOT_FOUND', { date });
        await audit(ctx, merchantId, 'settlement.run', `${merchantId}/${date}`, null, { batchId: batch.batchId, netMinor: batch.netMinor, lineCount: batch.lineCount });
        return { batch: { ...batch, capturedMinor: String(batch.capturedMinor), refundedMinor: String(batch.refundedMinor), chargebackMinor: String(batch.chargebackMinor), feeMinor: String(batch.feeMinor), netMinor: String(batch.netMinor) } };
      },
    },
    {
      method: 'GET',
      url: '/o/settlements/:merchantId/:date/statement.csv',
      permission: 'operator.view',
      handler: async (_ctx, request, reply) => {
        const d = deps();
        const merchantId = paramOf(request, 'merchantId');
        const date = businessDateOf(paramOf(request, 'date'));
        // Only a batch that exists: reading a statement never builds one.
        const batch = await d.crossBorder.settlements.settlementFor(merchantId, date);
        if (!batch) throw portalError('SETTLEMENT_NOT_FOUND', { date });
        reply.header('content-type', 'text/csv; charset=utf-8');
        reply.header('content-disposition', `attachment; filename="settlement-${merchantId}-${date}.csv"`);
        return reply.send(statementCsv(batch, await d.crossBorder.settlements.lines(batch)));
      },
    },
    {
      method: 'GET',
      url: '/o/reconciliation/:merchantId/:date/file.csv',
      permission: 'operator.view',
      handler: async (_ctx, request, reply) => {
        const d = deps();
        const merchantId = paramOf(request, 'merchantId');
        const date = businessDateOf(paramOf(request, 'date'));
        if (!(await d.merchants.find(merchantId))) throw portalError('MERCHANT_UNKNOWN');
        // The merchant's own signed reconciliation file of that day, as it downloads it.
        d.crossBorder.reconciliation.checkReady(date);
        reply.header('content-disposition', `attachment; filename="${merchantId}_${date}.csv"`);
        return d.crossBorder.reconciliation.send(reply, merchantId, date, false);
      },
    },
    {
      method: 'POST',
      url: '/o/reconciliation/check',
      permission: 'operator.finance',
      handler: async (ctx, request) => {
        const d = deps();
        const body = bodyOf(request);
        const date = businessDateOf(requiredText(body, 'date', 10));
        const merchantId = optionalText(body, 'merchantId', 64) ?? null;
        const statement = requiredText(body, 'statement', STATEMENT_CHARS_MAX);
        let theirs;
        try {
          theirs = parseStatement(statement, statementTimeParser(d.config.timeZone));
        } catch (error) {
          if (error instanceof StatementFormatError) throw portalError('FIELD_INVALID', { field: 'statement', reason: error.message });
          throw error;
        }
        const report = await reconcileDay(new ReconciliationRepository(d.db), { merchantId, date, timeZone: d.config.timeZone, theirs });
        const answer = { date, merchantId, matched: report.matched, mismatches: report.mismatches, carried: report.carried.map((e) => ({ type: e.type, serialNumber: e.serialNumber })) };
        await audit(ctx, merchantId, 'reconciliation.check', `${merchantId ?? 'all'}/${date}`, null, { matched: report.matched, mismatches: report.mismatches.length, carried: report.carried.length });
        return answer;
      },
    },
    {
      method: 'GET',
      url: '/o/remittances',
      permission: 'operator.view',
      handler: async (_ctx, request) => {
        const wanted = (queryOf(request).outcome ?? 'UNMATCHED,HELD_SHORT,HELD_OVER,HELD_CURRENCY,HELD_ALREADY_PAID').split(',');
        if (wanted.some((o) => !isTransferOutcome(o))) throw portalError('FIELD_INVALID', { field: 'outcome', reason: TRANSFER_OUTCOMES.join(', ') });
        return { transfers: (await deps().remittances.list(wanted.filter(isTransferOutcome), LIST_MAX)).map(transferRow) };
      },
    },
    {
      method: 'POST',
      url: '/o/remittances/:transferId/match',
      permission: 'operator.finance',
      handler: async (ctx, request) => {
        const d = deps();
        const orderRef = requiredText(bodyOf(request), 'orderId', 64);
        const result = await d.remittances.match(paramOf(request, 'transferId'), orderRef);
        await audit(ctx, result.order?.merchantId ?? null, 'remittance.match', result.transfer.transferId, { outcome: 'UNMATCHED', orderId: null }, { outcome: result.transfer.outcome, orderId: result.transfer.orderId });
        return { transfer: transferRow(result.transfer), order: result.order ? { serialNumber: result.order.orderId, requestId: result.order.requestId, merchantId: result.order.merchantId, state: result.order.state } : null };
      },
    },
  ];
}
