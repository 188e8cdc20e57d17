import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { CurrencyCode } from '../domain/currencies.js';

/** One payment or refund as the reconciliation file lists it. */
export interface ReconciliationEntry {
  type: 'PAYMENT' | 'REFUND';
  /** The gateway's number: the order's serialNumber for a payment, the refund's for a refund. */
  serialNumber: string;
  orderSerialNumber: string;
  requestId: string;
  product: string;
  currency: CurrencyCode;
  amountMinor: bigint;
  feeMinor: bigint;
  status: string;
  createdAtMs: number;
  completedAtMs: number;
  channel: string | null;
}

type Cursor = { atMs: number; id: string } | null;

/**
 * Reads a merchant's (or every merchant's) completed payments and refunds
 * in a time window, a page at a time in (completion time, id) order, so a
 * day of any size is read in bounded memory.
 */
export class ReconciliationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async paymentsPage(merchantId: string | null, fromMs: number, toMs: number, after: Cursor, limit: number): Promise<ReconciliationEntry[]> {
    let q = this.db
      .selectFrom('orders')
      .select(['order_id', 'request_id', 'product', 'currency', 'amount_minor', 'fee_minor', 'state', 'created_at_ms', 'completed_at_ms', 'channel'])
      // One lower bound, the page's start, so the index seeks to it instead of scanning the day from its beginning.
      .where('completed_at_ms', '>=', BigInt(after ? after.atMs : fromMs))
      .where('completed_at_ms', '<', BigInt(toMs))
      .where('state', 'in', ['SUCCESS', 'FAILED']);
    if (merchantId !== null) q = q.where('merchant_id', '=', merchantId);
    if (after) q = q.where((eb) => eb.or([eb('completed_at_ms', '>', BigInt(after.atMs)), eb('order_id', '>', after.id)]));
    const rows = await q.orderBy('completed_at_ms').orderBy('order_id').limit(limit).execute();
    return rows.map((r) => ({
      type: 'PAYMENT',
      serialNumber: r.order_id,
      orderSerialNumber: r.order_id,
      requestId: r.request_id,
      product: r.product,
      currency: r.currency as CurrencyCode,
      amountMinor: BigInt(r.amount_minor),
      feeMinor: BigInt(r.fee_minor),
      status: r.state,
      createdAtMs: Number(r.created_at_ms),
      completedAtMs: Number(r.completed_at_ms),
      channel: r.channel,
    }));
  }

  async refundsPage(merchantId: string | null, fromMs: number, toMs: number, after: Cursor, limit: number): Promise<ReconciliationEntry[]> {
    let q = this.db
      .selectFrom('refunds')
      .innerJoin('orders', 'orders.order_id', 'refunds.order_id')
      .select([
        'refunds.refund_id',
        'refunds.order_id',
        'refunds.request_id',
        'orders.product',
        'refunds.currency',
        'refunds.amount_minor',
        'refunds.state',
        'refunds.created_at_ms',
        'refunds.completed_at_ms',
        'orders.channel',
      ])
      .where('refunds.completed_at_ms', '>=', BigInt(after ? after.atMs : fromMs))
      .where('refunds.completed_at_ms', '<', BigInt(toMs))
      .where('refunds.state', 'in', ['SUCCESS', 'FAILED']);
    if (merchantId !== null) q = q.where('refunds.merchant_id', '=', merchantId);
    if (after) q = q.where((eb) => eb.or([eb('refunds.completed_at_ms', '>', BigInt(after.atMs)), eb('refunds.refund_id', '>', after.id)]));
    const rows = await q.orderBy('refunds.completed_at_ms').orderBy('refunds.refund_id').limit(limit).execute();
    return rows.map((r) => ({
      type: 'REFUND',
      serialNumber: r.refund_id,
      orderSerialNumber: r.order_id,
      requestId: r.request_id,
      product: r.product,
      currency: r.currency as CurrencyCode,
      amountMinor: BigInt(r.amount_minor),
      feeMinor: 0n,
      status: r.state,
      createdAtMs: Number(r.created_at_ms),
      completedAtMs: Number(r.completed_at_ms),
      channel: r.channel,
    }));
  }

  /** Every entry of the window, payments first, each kind in completion order; page by page. */
  async *entries(merchantId: string | null, fromMs: number, toMs: number, pageRows: number): AsyncGenerator<ReconciliationEntry[]> {
    for (const read of [this.paymentsPage.bind(this), this.refundsPage.bind(this)]) {
      let after: Cursor = null;
      for (;;) {
        const page = await read(merchantId, fromMs, toMs, after, pageRows);
        if (page.length === 0) break;
        yield page;
        const last = page[page.length - 1]!;
        after = { atMs: last.completedAtMs, id: last.serialNumber };
        if (page.length < pageRows) break;
      }
    }
  }
}
