import type { Kysely, Selectable } from 'kysely';
import type { CustomsDeclarationTable, Database } from './schema.js';

export type DeclarationStatus = 'PROCESSING' | 'SUCCESS' | 'FAILED';

export interface CustomsDeclaration {
  declarationId: string;
  merchantId: string;
  requestId: string;
  requestDigest: string;
  orderId: string;
  /** Null: the order itself is declared. */
  subOrderRequestId: string | null;
  paymentSerialNumber: string;
  customsCode: string;
  ecpCode: string;
  ecpName: string;
  amountMinor: bigint;
  currency: 'CNY';
  status: DeclarationStatus;
  customsReference: string | null;
  failureReason: string | null;
  createdAtMs: number;
  completedAtMs: number | null;
}

export class CustomsDeclarationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts a declaration being sent; 'request' or 'target' names the uniqueness that refused it. */
  async insert(d: CustomsDeclaration): Promise<'created' | 'request' | 'target'> {
    const r = await this.db
      .insertInto('customs_declarations')
      .values({
        declaration_id: d.declarationId,
        merchant_id: d.merchantId,
        request_id: d.requestId,
        request_digest: d.requestDigest,
        order_id: d.orderId,
        sub_order_request_id: d.subOrderRequestId ?? '',
        target_key: targetKey(d.orderId, d.subOrderRequestId),
        payment_serial_number: d.paymentSerialNumber,
        customs_code: d.customsCode,
        ecp_code: d.ecpCode,
        ecp_name: d.ecpName,
        amount_minor: d.amountMinor,
        currency: d.currency,
        status: d.status,
        customs_reference: null,
        failure_reason: null,
        created_at_ms: BigInt(d.createdAtMs),
        completed_at_ms: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if ((r.numInsertedOrUpdatedRows ?? 0n) === 1n) return 'created';
    return (await this.findByRequest(d.merchantId, d.requestId)) ? 'request' : 'target';
  }

  async complete(declarationId: string, patch: { status: 'SUCCESS' | 'FAILED'; customsReference: string; failureReason: string | null; completedAtMs: number }): Promise<void> {
    await this.db
      .updateTable('customs_declarations')
      .set({
        status: patch.status,
        customs_reference: patch.customsReference,
        failure_reason: patch.failureReason,
        completed_at_ms: BigInt(patch.completedAtMs),
        // Rejected by customs: the order or sub-order can be declared again, under another request number.
        ...(patch.status === 'FAILED' ? { target_key: `failed/${declarationId}` } : {}),
      })
      .where('declaration_id', '=', declarationId)
      .where('status', '=', 'PROCESSING')
      .execute();
  }

  async findByRequest(merchantId: string, requestId: string): Promise<CustomsDeclaration | undefined> {
    const row = await this.db.selectFrom('customs_declarations').selectAll().where('merchant_id', '=', merchantId).where('request_id', '=', requestId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async findByTarget(orderId: string, subOrderRequestId: string | null): Promise<CustomsDeclaration | undefined> {
    const row = await this.db.selectFrom('customs_declarations').selectAll().where('target_key', '=', targetKey(orderId, subOrderRequestId)).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }
}

function targetKey(orderId: string, subOrderRequestId: string | null): string {
  return `${orderId}/${subOrderRequestId ?? ''}`;
}

function fromRow(r: Selectable<CustomsDeclarationTable>): CustomsDeclaration {
  return {
    declarationId: r.declaration_id,
    merchantId: r.merchant_id,
    requestId: r.request_id,
    requestDigest: r.request_digest,
    orderId: r.order_id,
    subOrderRequestId: r.sub_order_request_id === '' ? null : r.sub_order_request_id,
    paymentSerialNumber: r.payment_serial_number,
    customsCode: r.customs_code,
    ecpCode: r.ecp_code,
    ecpName: r.ecp_name,
    amountMinor: BigInt(r.amount_minor),
    currency: 'CNY',
    status: r.status as DeclarationStatus,
    customsReference: r.customs_reference,
    failureReason: r.failure_reason,
    createdAtMs: Number(r.created_at_ms),
    completedAtMs: r.completed_at_ms === null ? null : Number(r.completed_at_ms),
  };
}
