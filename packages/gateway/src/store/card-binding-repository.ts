import type { Kysely, Selectable } from 'kysely';
import type { CardBindingTable, Database } from './schema.js';

/** A card a payer saved with a merchant: display data and a vault token, never the PAN. */
export interface CardBinding {
  bindCardId: string;
  merchantId: string;
  merchantUserId: string;
  cardFingerprint: string;
  vaultToken: string;
  cardKind: 'DEBIT' | 'CREDIT';
  brand: string;
  bin: string;
  last4: string;
  holder: string;
  expiryMonth: number;
  expiryYear: number;
  state: 'ACTIVE' | 'UNBOUND';
  createdAtMs: number;
  unboundAtMs: number | null;
}

export class CardBindingRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Saves a binding; false when this user has bound this card already (the caller answers the existing one). */
  async insert(b: CardBinding): Promise<boolean> {
    const r = await this.db
      .insertInto('card_bindings')
      .values({
        bind_card_id: b.bindCardId,
        merchant_id: b.merchantId,
        merchant_user_id: b.merchantUserId,
        card_fingerprint: b.cardFingerprint,
        vault_token: b.vaultToken,
        card_kind: b.cardKind,
        brand: b.brand,
        bin: b.bin,
        last4: b.last4,
        holder: b.holder,
        expiry_month: BigInt(b.expiryMonth),
        expiry_year: BigInt(b.expiryYear),
        state: b.state,
        created_at_ms: BigInt(b.createdAtMs),
        unbound_at_ms: null,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'merchant_user_id', 'card_fingerprint']).doNothing())
      .executeTakeFirst();
    return (r.numInsertedOrUpdatedRows ?? 0n) === 1n;
  }

  async findByCard(merchantId: string, merchantUserId: string, cardFingerprint: string): Promise<CardBinding | undefined> {
    const row = await this.db
      .selectFrom('card_bindings')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('merchant_user_id', '=', merchantUserId)
      .where('card_fingerprint', '=', cardFingerprint)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async find(merchantId: string, merchantUserId: string, bindCardId: string): Promise<CardBinding | undefined> {
    const row = await this.db
      .selectFrom('card_bindings')
      .selectAll()
      .where('bind_card_id', '=', bindCardId)
      .where('merchant_id', '=', merchantId)
      .where('merchant_user_id', '=', merchantUserId)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async listActive(merchantId: string, merchantUserId: string): Promise<CardBinding[]> {
    const rows = await this.db
      .selectFrom('card_bindings')
      .selectAll()
      .where('merchant_id', '=', merchantId)
      .where('merchant_user_id', '=', merchantUserId)
      .where('state', '=', 'ACTIVE')
      .orderBy('created_at_ms')
      .execute();
    return rows.map(fromRow);
  }

  /** Sets a binding's state (unbind, or bind again a card unbound before). */
  async setState(bindCardId: string, state: CardBinding['state'], nowMs: number): Promise<void> {
    await this.db
      .updateTable('card_bindings')
      .set({ state, unbound_at_ms: state === 'UNBOUND' ? BigInt(nowMs) : null })
      .where('bind_card_id', '=', bindCardId)
      .execute();
  }
}

function fromRow(r: Selectable<CardBindingTable>): CardBinding {
  return {
    bindCardId: r.bind_card_id,
    merchantId: r.merchant_id,
    merchantUserId: r.merchant_user_id,
    cardFingerprint: r.card_fingerprint,
    vaultToken: r.vault_token,
    cardKind: r.card_kind === 'CREDIT' ? 'CREDIT' : 'DEBIT',
    brand: r.brand,
    bin: r.bin,
    last4: r.last4,
    holder: r.holder,
    expiryMonth: Number(r.expiry_month),
    expiryYear: Number(r.expiry_year),
    state: r.state === 'UNBOUND' ? 'UNBOUND' : 'ACTIVE',
    createdAtMs: Number(r.created_at_ms),
    unboundAtMs: r.unbound_at_ms === null ? null : Number(r.unbound_at_ms),
  };
}
