import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export interface RecurringConsent {
  consentId: string;
  merchantId: string;
  appId: string;
  userId: string;
  originOrderId: string;
  expiryMonth: number;
  expiryYear: number;
  holder: string;
  createdAtMs: number;
}

/** A consent whose first payment succeeded, with the vault token that payment kept. */
export interface UsableConsent extends RecurringConsent {
  vaultToken: string;
  brand: string;
}

/**
 * Recurring-payment consents: recorded with the first payment (which keeps
 * the card in the vault), usable once that payment succeeded. Later
 * merchant-initiated charges find the newest usable one for the user.
 */
export class RecurringConsentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(c: RecurringConsent): Promise<void> {
    await this.db
      .insertInto('recurring_consents')
      .values({
        consent_id: c.consentId,
        merchant_id: c.merchantId,
        app_id: c.appId,
        user_id: c.userId,
        origin_order_id: c.originOrderId,
        expiry_month: BigInt(c.expiryMonth),
        expiry_year: BigInt(c.expiryYear),
        holder: c.holder,
        created_at_ms: BigInt(c.createdAtMs),
      })
      .execute();
  }

  async findUsable(merchantId: string, appId: string, userId: string): Promise<UsableConsent | undefined> {
    const row = await this.db
      .selectFrom('recurring_consents as c')
      .innerJoin('orders as o', 'o.order_id', 'c.origin_order_id')
      .selectAll('c')
      .select(['o.vault_token', 'o.card_brand'])
      .where('c.merchant_id', '=', merchantId)
      .where('c.app_id', '=', appId)
      .where('c.user_id', '=', userId)
      .where('o.state', '=', 'SUCCESS')
      .where('o.vault_token', 'is not', null)
      .orderBy('c.created_at_ms', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row || !row.vault_token) return undefined;
    return {
      consentId: row.consent_id,
      merchantId: row.merchant_id,
      appId: row.app_id,
      userId: row.user_id,
      originOrderId: row.origin_order_id,
      expiryMonth: Number(row.expiry_month),
      expiryYear: Number(row.expiry_year),
      holder: row.holder,
      createdAtMs: Number(row.created_at_ms),
      vaultToken: row.vault_token,
      brand: row.card_brand ?? 'Card',
    };
  }
}
