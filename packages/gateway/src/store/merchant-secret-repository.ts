import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { KeyEncryptionKey } from '../keys/kek.js';
import { Secret } from '../keys/secret.js';
import { MERCHANT_SECRET_BYTES } from '../domain/limits.js';

/**
 * Which dialect a shared secret signs for: the flat-JSON API's per-app
 * secret (`appid`) or the form gateway's MD5 key (`merchantAcctId`).
 */
export type MerchantSecretKind = 'global-json-app' | 'form-gateway-md5';

export interface VerifyingSecrets {
  merchantId: string;
  /** Current first: it signs answers and notifications; the others still verify during their overlap. */
  secrets: Secret[];
}

/**
 * Shared secrets, managed like certificates: issuing a new one for a key id
 * retires the current one after an overlap, so a merchant can switch
 * without a refused request. Stored sealed with the KEK; the clear value is
 * returned once, at issue, and otherwise only as a self-redacting `Secret`.
 */
export class MerchantSecretRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly kek: KeyEncryptionKey,
  ) {}

  /**
   * Issues a new secret for `keyId`. A key id belongs to one merchant for
   * good: issuing for another merchant's key id is refused.
   */
  async issue(merchantId: string, kind: MerchantSecretKind, keyId: string, nowMs: number, overlapMs: number): Promise<Secret> {
    const secret = new Secret(randomBytes(MERCHANT_SECRET_BYTES).toString('hex'));
    await this.db.transaction().execute(async (tx) => {
      const owner = await tx.selectFrom('merchant_secrets').select('merchant_id').where('kind', '=', kind).where('key_id', '=', keyId).executeTakeFirst();
      if (owner && owner.merchant_id !== merchantId) throw new Error(`${keyId} belongs to another merchant`);
      await tx
        .updateTable('merchant_secrets')
        .set({ retires_at_ms: BigInt(nowMs + overlapMs) })
        .where('kind', '=', kind)
        .where('key_id', '=', keyId)
        .where('retires_at_ms', 'is', null)
        .execute();
      await tx
        .insertInto('merchant_secrets')
        .values({
          id: randomUUID(),
          merchant_id: merchantId,
          kind,
          key_id: keyId,
          secret_sealed: this.kek.seal('merchant-secret', Buffer.from(secret.reveal(), 'utf8')),
          created_at_ms: BigInt(nowMs),
          retires_at_ms: null,
        })
        .execute();
    });
    return secret;
  }

  /** The secrets that verify for `keyId` at `nowMs`, current first; undefined when the key id is unknown. */
  async verifying(kind: MerchantSecretKind, keyId: string, nowMs: number): Promise<VerifyingSecrets | undefined> {
    const rows = await this.db
      .selectFrom('merchant_secrets')
      .selectAll()
      .where('kind', '=', kind)
      .where('key_id', '=', keyId)
      .where((eb) => eb.or([eb('retires_at_ms', 'is', null), eb('retires_at_ms', '>', BigInt(nowMs))]))
      .orderBy('created_at_ms', 'desc')
      .execute();
    if (rows.length === 0) return undefined;
    rows.sort((a, b) => (b.retires_at_ms === null ? 1 : 0) - (a.retires_at_ms === null ? 1 : 0));
    return {
      merchantId: rows[0]!.merchant_id,
      secrets: rows.map((r) => new Secret(this.kek.open('merchant-secret', r.secret_sealed).toString('utf8'))),
    };
  }

  /** Key ids of a merchant for a kind (for listings); never the secrets. */
  async keyIds(merchantId: string, kind: MerchantSecretKind): Promise<string[]> {
    const rows = await this.db.selectFrom('merchant_secrets').select('key_id').distinct().where('merchant_id', '=', merchantId).where('kind', '=', kind).orderBy('key_id').execute();
    return rows.map((r) => r.key_id);
  }
}
