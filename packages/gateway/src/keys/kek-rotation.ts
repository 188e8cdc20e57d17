import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { KeyEncryptionKey, SealPurpose } from './kek.js';
import { rewrapDerivedKeys } from './derived-keys.js';
import { rewrapGatewayKeys } from './gateway-keys.js';

/** Rows re-wrapped per statement batch: bounded memory on any table size. */
const REWRAP_BATCH_ROWS = 500;
const VAULT_PREFIX = 'vt_';

export interface KekRotationReport {
  /** Re-wrapped values per place; what was already under the current key is not counted. */
  rewrapped: Record<string, number>;
  /** Values of each place now sealed under the current key (all of them when the rotation finished). */
  current: Record<string, number>;
}

interface SealedColumn {
  name: string;
  table: 'orders' | 'card_bindings' | 'merchant_secrets' | 'portal_users';
  key: string;
  column: string;
  purpose: SealPurpose;
  /** Text in front of the sealed value (vault tokens are `vt_` + sealed). */
  prefix: string;
}

/** Every database column the KEK seals: a new sealed column must be added here, or a rotation would strand it. */
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { name: 'orders.vault_token', table: 'orders', key: 'order_id', column: 'vault_token', purpose: 'card-vault', prefix: VAULT_PREFIX },
  { name: 'card_bindings.vault_token', table: 'card_bindings', key: 'bind_card_id', column: 'vault_token', purpose: 'card-vault', prefix: VAULT_PREFIX },
  { name: 'merchant_secrets.secret_sealed', table: 'merchant_secrets', key: 'id', column: 'secret_sealed', purpose: 'merchant-secret', prefix: '' },
  { name: 'portal_users.totp_secret_sealed', table: 'portal_users', key: 'user_id', column: 'totp_secret_sealed', purpose: 'portal-totp', prefix: '' },
];

/**
 * Re-wraps everything the KEK protects under its current key: the gateway
 * key file, the derived keys, and every sealed database column. `kek` must
 * hold the previous keys too (OPENCASHIER_KEK_PREVIOUS). Idempotent and
 * resumable: values already under the current key are skipped, so a run cut
 * short is finished by running it again. Each row is updated only if it
 * still holds the value that was read, so a concurrent write is never lost.
 */
export async function rotateKek(db: Kysely<Database>, dataDir: string, kek: KeyEncryptionKey): Promise<KekRotationReport> {
  const rewrapped: Record<string, number> = {};
  const current: Record<string, number> = {};
  rewrapped['keys/gateway-keys.json'] = rewrapGatewayKeys(dataDir, kek);
  rewrapped['keys/derived-keys.json'] = rewrapDerivedKeys(dataDir, kek);
  for (const c of SEALED_COLUMNS) {
    let count = 0;
    let after = '';
    // Keyset pagination over the primary key: every row is visited once.
    for (;;) {
      const rows = (await db
        .selectFrom(c.table)
        .select([`${c.key} as k`, `${c.column} as v`] as never)
        .where(c.key as never, '>', after as never)
        .where(c.column as never, 'is not', null as never)
        .orderBy(c.key as never)
        .limit(REWRAP_BATCH_ROWS)
        .execute()) as unknown as { k: string; v: string }[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const sealed = row.v.slice(c.prefix.length);
        if (kek.isCurrent(sealed)) continue;
        const fresh = `${c.prefix}${kek.rewrap(c.purpose, sealed)}`;
        const result = await db
          .updateTable(c.table)
          .set({ [c.column]: fresh } as never)
          .where(c.key as never, '=', row.k as never)
          .where(c.column as never, '=', row.v as never)
          .executeTakeFirst();
        count += Number(result.numUpdatedRows);
      }
      after = rows[rows.length - 1]!.k;
    }
    rewrapped[c.name] = count;
    current[c.name] = await countCurrent(db, c, kek);
  }
  return { rewrapped, current };
}

async function countCurrent(db: Kysely<Database>, c: SealedColumn, kek: KeyEncryptionKey): Promise<number> {
  const rows = (await db
    .selectFrom(c.table)
    .select([`${c.column} as v`] as never)
    .where(c.column as never, 'is not', null as never)
    .execute()) as unknown as { v: string }[];
  return rows.filter((r) => kek.isCurrent(r.v.slice(c.prefix.length))).length;
}
