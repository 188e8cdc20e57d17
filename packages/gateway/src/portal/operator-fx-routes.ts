import { TEXT_LENGTH_MAX } from '../domain/limits.js';
import { formatRate } from '../fx/exact-rate.js';
import type { FxOrder, ReviewStatus } from '../fx/fx-order.js';
import type { OperatorConsoleDeps } from './operator-deps.js';
import { display } from './order-search.js';
import { portalError } from './portal-error.js';
import type { PortalRoute } from './route-table.js';
import { bodyOf, optionalText, paramOf, queryOf, requiredText } from './request-fields.js';

const LIST_MAX = 200;
const REVIEW_STATUSES: readonly ReviewStatus[] = ['INIT', 'UPLOADED', 'SUCCESS', 'REFUSE', 'CANCEL'];

/** Content types a browser may show inline; anything else is downloaded. */
const INLINE_TYPES: Record<string, string> = { pdf: 'application/pdf', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', txt: 'text/plain; charset=utf-8' };

function fxOrderJson(fx: FxOrder) {
  return {
    serialNumber: fx.orderId,
    merchantId: fx.merchantId,
    requestId: fx.requestId,
    orderAmountMinor: fx.orderAmountMinor.toString(),
    orderAmount: display(fx.orderAmountMinor, fx.orderCurrency),
    orderCurrency: fx.orderCurrency,
    fxAmountMinor: fx.fxAmountMinor === null ? null : fx.fxAmountMinor.toString(),
    fxCurrency: fx.fxCurrency,
    forUse: fx.forUse,
    fileName: fx.fileName,
    reviewStatus: fx.reviewStatus,
    reviewRemark: fx.reviewRemark,
    purchaseStatus: fx.purchaseStatus,
    payer: fx.declaration.payer,
    productDetails: fx.declaration.productDetails,
    createdAtMs: fx.createdAtMs,
    updatedAtMs: fx.updatedAtMs,
  };
}

/**
 * The FX desk of the operator console: the rate table in force, the rates
 * the gateway applied (its history: every applied rate keeps its market
 * rate, source and time), the locks merchants hold, and the review queue of
 * FX purchase orders with their proof files. A decision goes through the
 * same FX order service as the admin API (notified to the merchant, and an
 * approval starts the purchase).
 */
export function operatorFxRoutes(deps: () => OperatorConsoleDeps): PortalRoute[] {
  return [
    {
      method: 'GET',
      url: '/o/fx/rates',
      permission: 'operator.view',
      handler: async () => {
        const d = deps();
        const rates = (await d.crossBorder.rates.all()).map((r) => ({ pair: `${r.base}/${r.quote}`, bid: formatRate(r.bid), ask: formatRate(r.ask), mid: formatRate(r.mid), asOfMs: r.asOfMs, source: r.source }));
        const history = await d.db
          .selectFrom('fx_quotes')
          .select(['base_currency', 'quote_currency', 'market_rate', 'source', 'rate_as_of_ms', 'side'])
          .select((eb) => [eb.fn.countAll<string>().as('uses'), eb.fn.max('created_at_ms').as('last_used_at_ms')])
          .groupBy(['base_currency', 'quote_currency', 'market_rate', 'source', 'rate_as_of_ms', 'side'])
          .orderBy('rate_as_of_ms', 'desc')
          .orderBy('base_currency')
          .orderBy('quote_currency')
          .limit(LIST_MAX)
          .execute();
        return {
          rates,
          history: history.map((h) => ({ pair: `${h.base_currency}/${h.quote_currency}`, side: h.side, marketRate: h.market_rate, source: h.source, asOfMs: Number(h.rate_as_of_ms), uses: Number(h.uses), lastUsedAtMs: Number(h.last_used_at_ms) })),
        };
      },
    },
    {
      method: 'GET',
      url: '/o/fx/locks',
      permission: 'operator.view',
      handler: async () => {
        const d = deps();
        const rows = await d.db
          .selectFrom('fx_quotes')
          .selectAll()
          .where('purpose', '=', 'LOCK')
          .where('used_at_ms', 'is', null)
          .where('expires_at_ms', '>', BigInt(d.clock()))
          .orderBy('expires_at_ms')
          .limit(LIST_MAX)
          .execute();
        return {
          locks: rows.map((r) => ({
            quoteId: r.quote_id,
            merchantId: r.merchant_id,
            requestId: r.request_id,
            pair: `${r.base_currency}/${r.quote_currency}`,
            rate: r.rate,
            markupBps: Number(r.markup_bps),
            amountMinor: r.amount_minor === null ? null : r.amount_minor.toString(),
            createdAtMs: Number(r.created_at_ms),
            expiresAtMs: Number(r.expires_at_ms),
          })),
        };
      },
    },
    {
      method: 'GET',
      url: '/o/fx/orders',
      permission: 'operator.view',
      handler: async (_ctx, request) => {
        const wanted = (queryOf(request).review ?? 'UPLOADED,INIT').split(',');
        const statuses = wanted.filter((s): s is ReviewStatus => (REVIEW_STATUSES as readonly string[]).includes(s));
        if (statuses.length !== wanted.length) throw portalError('FIELD_INVALID', { field: 'review', reason: REVIEW_STATUSES.join(', ') });
        const d = deps();
        const orders = await d.crossBorder.fxRows.forReview(statuses, LIST_MAX);
        return { orders: orders.map((fx) => ({ ...fxOrderJson(fx), proofPresent: fx.fileName !== null && d.crossBorder.proofs.present(fx.merchantId, fx.fileName) })) };
      },
    },
    {
      method: 'GET',
      url: '/o/fx/orders/:serialNumber/proof',
      permission: 'operator.view',
      handler: async (_ctx, request, reply) => {
        const d = deps();
        const fx = await d.crossBorder.fxRows.find(paramOf(request, 'serialNumber'));
        const content = fx?.fileName ? d.crossBorder.proofs.read(fx.merchantId, fx.fileName) : undefined;
        if (!fx?.fileName || !content) throw portalError('PROOF_FILE_NOT_FOUND');
        const extension = fx.fileName.split('.').pop()!.toLowerCase();
        const type = INLINE_TYPES[extension];
        reply.header('content-type', type ?? 'application/octet-stream');
        reply.header('content-disposition', `${type ? 'inline' : 'attachment'}; filename="${fx.fileName}"`);
        reply.header('x-content-type-options', 'nosniff');
        // The file is the merchant's: it may show, never run anything.
        reply.header('content-security-policy', "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox");
        return reply.send(content);
      },
    },
    {
      method: 'POST',
      url: '/o/fx/orders/:serialNumber/review',
      permission: 'operator.fx',
      handler: async (ctx, request) => {
        const d = deps();
        const body = bodyOf(request);
        const decision = requiredText(body, 'decision', 16);
        if (decision !== 'SUCCESS' && decision !== 'REFUSE') throw portalError('FIELD_INVALID', { field: 'decision', reason: 'SUCCESS or REFUSE' });
        const remark = optionalText(body, 'remark', TEXT_LENGTH_MAX) ?? null;
        if (decision === 'REFUSE' && !remark) throw portalError('FIELD_MISSING', { field: 'remark' });
        const before = await d.crossBorder.fxRows.find(paramOf(request, 'serialNumber'));
        if (!before) throw portalError('ORDER_NOT_FOUND');
        const after = await d.crossBorder.fxOrders().review(before.orderId, decision, remark);
        await d.audit.record(
          ctx.actor,
          { merchantId: after.merchantId, action: 'fx_order.review', target: after.orderId, before: { reviewStatus: before.reviewStatus, purchaseStatus: before.purchaseStatus }, after: { reviewStatus: after.reviewStatus, reviewRemark: after.reviewRemark, purchaseStatus: after.purchaseStatus } },
          d.clock(),
        );
        return { order: fxOrderJson(after) };
      },
    },
  ];
}
