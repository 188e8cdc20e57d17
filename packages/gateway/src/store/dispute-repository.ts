import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Dispute, DisputeKind } from '../domain/dispute.js';
import type { AmountMinor } from '../domain/money.js';
import type { CurrencyCode } from '../domain/currencies.js';

export class DisputeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a dispute with its audit event on the order, in one transaction. */
  async open(d: Dispute): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('disputes')
        .values({
          dispute_id: d.disputeId,
          order_id: d.orderId,
          merchant_id: d.merchantId,
          kind: d.kind,
          status: d.status,
          reason_code: d.reasonCode,
          amount_minor: d.amountMinor,
          currency: d.currency,
          opened_at_ms: BigInt(d.openedAtMs),
          respond_by_ms: BigInt(d.respondByMs),
        })
        .execute();
      const state = await tx.selectFrom('orders').select('state').where('order_id', '=', d.orderId).executeTakeFirstOrThrow();
      await tx
        .insertInto('order_events')
        .values({ order_id: d.orderId, from_state: state.state, to_state: state.state, reason: `${d.kind.toLowerCase()} ${d.disputeId} opened (${d.reasonCode})`, at_ms: BigInt(d.openedAtMs) })
        .execute();
    });
  }

  async forOrder(orderId: string): Promise<Dispute[]> {
    const rows = await this.db.selectFrom('disputes').selectAll().where('order_id', '=', orderId).orderBy('opened_at_ms').execute();
    return rows.map((r) => ({
      disputeId: r.dispute_id,
      orderId: r.order_id,
      merchantId: r.merchant_id,
      kind: r.kind as DisputeKind,
      status: 'OPEN',
      reasonCode: r.reason_code,
      amountMinor: BigInt(r.amount_minor) as AmountMinor,
      currency: r.currency as CurrencyCode,
      openedAtMs: Number(r.opened_at_ms),
      respondByMs: Number(r.respond_by_ms),
    }));
  }
}
