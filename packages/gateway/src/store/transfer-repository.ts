import type { Kysely, Selectable } from 'kysely';
import type { Database, IncomingTransferTable } from './schema.js';
import type { AmountMinor } from '../domain/money.js';
import { isTransferOutcome, type IncomingTransfer, type TransferOutcome } from '../domain/incoming-transfer.js';

export class TransferRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a transfer once; false when its bank reference was recorded before. */
  async insert(t: IncomingTransfer): Promise<boolean> {
    const r = await this.db
      .insertInto('incoming_transfers')
      .values({
        transfer_id: t.transferId,
        bank_reference: t.bankReference,
        postscript: t.postscript,
        amount_minor: t.amountMinor,
        currency: t.currency,
        payer_name: t.payerName,
        payer_account: t.payerAccount,
        order_id: t.orderId,
        outcome: t.outcome,
        received_at_ms: BigInt(t.receivedAtMs),
        recorded_at_ms: BigInt(t.recordedAtMs),
      })
      .onConflict((oc) => oc.column('bank_reference').doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) === 1n;
  }

  async findByBankReference(bankReference: string): Promise<IncomingTransfer | undefined> {
    const row = await this.db.selectFrom('incoming_transfers').selectAll().where('bank_reference', '=', bankReference).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async setOutcome(transferId: string, outcome: TransferOutcome): Promise<void> {
    await this.db.updateTable('incoming_transfers').set({ outcome }).where('transfer_id', '=', transferId).execute();
  }

  async find(transferId: string): Promise<IncomingTransfer | undefined> {
    const row = await this.db.selectFrom('incoming_transfers').selectAll().where('transfer_id', '=', transferId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  /** Ties an unmatched transfer to an order; false when it was matched meanwhile. */
  async assign(transferId: string, orderId: string, outcome: TransferOutcome): Promise<boolean> {
    const r = await this.db.updateTable('incoming_transfers').set({ order_id: orderId, outcome }).where('transfer_id', '=', transferId).where('outcome', '=', 'UNMATCHED').executeTakeFirst();
    return r.numUpdatedRows === 1n;
  }

  /** Transfers, newest first; only those with one of `outcomes` when given. */
  async list(outcomes: readonly TransferOutcome[] | undefined, limit: number): Promise<IncomingTransfer[]> {
    let q = this.db.selectFrom('incoming_transfers').selectAll();
    if (outcomes && outcomes.length > 0) q = q.where('outcome', 'in', [...outcomes]);
    return (await q.orderBy('recorded_at_ms', 'desc').limit(limit).execute()).map(fromRow);
  }
}

function fromRow(r: Selectable<IncomingTransferTable>): IncomingTransfer {
  const amount = BigInt(r.amount_minor);
  if (amount <= 0n) throw new Error(`transfer ${r.transfer_id} has a non-positive amount`);
  if (!isTransferOutcome(r.outcome)) throw new Error(`transfer ${r.transfer_id} has an unknown outcome ${r.outcome}`);
  return {
    transferId: r.transfer_id,
    bankReference: r.bank_reference,
    postscript: r.postscript,
    amountMinor: amount as AmountMinor,
    currency: r.currency,
    payerName: r.payer_name,
    payerAccount: r.payer_account,
    orderId: r.order_id,
    outcome: r.outcome,
    receivedAtMs: Number(r.received_at_ms),
    recordedAtMs: Number(r.recorded_at_ms),
  };
}
