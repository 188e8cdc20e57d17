import { GatewayError } from '../domain/errors.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../domain/order.js';
import { TEXT_LENGTH_MAX } from '../domain/limits.js';
import type { DeliveryConfirmation, DeliveryService } from '../orders/delivery-service.js';
import { parseTrackingNumbers } from '../protocols/payease/tracking-numbers.js';
import type { Merchant, MerchantRepository } from '../store/merchant-repository.js';
import type { AccountService } from './account-service.js';
import type { AuditActor } from './audit-log.js';
import { parseCsv } from './csv-parse.js';
import { BATCH_REFUND_CSV_CHARS_MAX, BATCH_REFUND_ROWS_MAX } from './limits.js';
import { portalError } from './portal-error.js';
import { merchantOf } from './refund-approval-routes.js';
import type { PortalRoute } from './route-table.js';
import { bodyOf, paramOf, requiredText } from './request-fields.js';

export interface DeliveryRoutesDeps {
  accounts: AccountService;
  merchants: MerchantRepository;
  deliveries: DeliveryService;
  clock: () => number;
}

/** Columns of a delivery file; tracking numbers separated by spaces or semicolons, the time in ISO 8601 with its offset. */
export const DELIVERY_COLUMNS = ['serialNumber', 'status', 'logisticsCompany', 'trackingNumbers', 'time'] as const;

function statusOf(text: string): DeliveryStatus {
  const s = text.trim().toUpperCase();
  if (!(DELIVERY_STATUSES as readonly string[]).includes(s)) throw portalError('FIELD_INVALID', { field: 'status', reason: DELIVERY_STATUSES.join(' or ') });
  return s as DeliveryStatus;
}

/** A time from the browser (milliseconds) or a file (ISO 8601 with Z or an offset, so it is never read in the wrong zone). */
function timeOf(text: string): number {
  const t = text.trim();
  if (/^\d{1,15}$/.test(t)) return Number(t);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(t) || Number.isNaN(Date.parse(t))) {
    throw portalError('FIELD_INVALID', { field: 'time', reason: 'ISO 8601 with a time zone, e.g. 2026-03-01T10:00:00+08:00' });
  }
  return Date.parse(t);
}

function companyOf(text: string): string {
  const c = text.trim();
  if (c === '') throw portalError('FIELD_MISSING', { field: 'logisticsCompany' });
  if (c.length > TEXT_LENGTH_MAX) throw portalError('FIELD_INVALID', { field: 'logisticsCompany', reason: `at most ${TEXT_LENGTH_MAX} characters` });
  return c;
}

function trackingOf(text: string): string[] {
  return parseTrackingNumbers(text.split(/[\s;]+/).filter((n) => n !== ''));
}

async function confirm(deps: DeliveryRoutesDeps, actor: AuditActor, merchant: Merchant, input: DeliveryConfirmation) {
  const { kind, order, delivery } = await deps.deliveries.confirm(merchant, input);
  if (kind === 'recorded') {
    await deps.accounts.audit.record(actor, { merchantId: merchant.merchantId, action: 'delivery.confirm', target: order.orderId, after: { status: delivery.status, logisticsCompany: delivery.logisticsCompany, trackingNumbers: delivery.trackingNumbers, eventAtMs: delivery.eventAtMs } }, deps.clock());
  }
  return { kind, serialNumber: order.orderId, deliveryStatus: order.deliveryStatus ?? delivery.status, confirmedStatus: delivery.status, trackingNumbers: delivery.trackingNumbers };
}

/** Delivery confirmation (tracking numbers) from the back office: one order, or a CSV of many; through the same delivery service as `icc/delivery`. */
export function deliveryRoutes(deps: DeliveryRoutesDeps): PortalRoute[] {
  return [
    {
      method: 'POST',
      url: '/m/orders/:orderId/delivery',
      permission: 'merchant.disputes',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const body = bodyOf(request);
        return confirm(deps, ctx.actor, merchant, {
          order: { serialNumber: paramOf(request, 'orderId') },
          status: statusOf(requiredText(body, 'status', 16)),
          logisticsCompany: companyOf(requiredText(body, 'logisticsCompany', TEXT_LENGTH_MAX)),
          trackingNumbers: trackingOf(requiredText(body, 'trackingNumbers', 1024)),
          eventAtMs: timeOf(requiredText(body, 'time', 40)),
        });
      },
    },
    {
      method: 'POST',
      url: '/m/deliveries/batch',
      permission: 'merchant.disputes',
      handler: async (ctx, request) => {
        const merchant = await merchantOf(deps.merchants, ctx);
        const rows = parseCsv(requiredText(bodyOf(request), 'csv', BATCH_REFUND_CSV_CHARS_MAX));
        const header = rows.shift()?.map((h) => h.trim());
        if (!header || !DELIVERY_COLUMNS.every((c) => header.includes(c))) throw portalError('FIELD_INVALID', { field: 'csv', reason: `the first line names the columns ${DELIVERY_COLUMNS.join(',')}` });
        if (rows.length === 0) throw portalError('FIELD_INVALID', { field: 'csv', reason: 'no rows' });
        if (rows.length > BATCH_REFUND_ROWS_MAX) throw portalError('FIELD_INVALID', { field: 'csv', reason: `at most ${BATCH_REFUND_ROWS_MAX} rows` });
        const column = (row: string[], name: string) => (row[header.indexOf(name)] ?? '').trim();
        const results = [];
        // One row at a time, each on its own: a bad row is answered with its code and does not stop the others.
        for (const [index, row] of rows.entries()) {
          const serialNumber = column(row, 'serialNumber');
          const base = { line: index + 2, serialNumber };
          try {
            if (!serialNumber) throw portalError('FIELD_MISSING', { field: 'serialNumber' });
            const r = await confirm(deps, ctx.actor, merchant, {
              order: { serialNumber },
              status: statusOf(column(row, 'status')),
              logisticsCompany: companyOf(column(row, 'logisticsCompany')),
              trackingNumbers: trackingOf(column(row, 'trackingNumbers')),
              eventAtMs: timeOf(column(row, 'time')),
            });
            results.push({ ...base, outcome: r.kind, code: null, message: null });
          } catch (error) {
            if (!(error instanceof GatewayError)) throw error;
            results.push({ ...base, outcome: 'refused', code: error.code, message: error.message });
          }
        }
        return { rows: results };
      },
    },
  ];
}
