import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, PortalUserTable } from '../store/schema.js';
import type { UserKind } from './roles.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PortalUser {
  userId: string;
  email: string;
  kind: UserKind;
  merchantId: string | null;
  role: string;
  passwordHash: string;
  totpSecretSealed: string | null;
  status: 'active' | 'disabled';
  failedLogins: number;
  lockedUntilMs: number;
  mustChangePassword: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}

/** What the browser and the audit log may see of a user: never the hash or the second-factor secret. */
export interface PublicUser {
  userId: string;
  email: string;
  kind: UserKind;
  merchantId: string | null;
  role: string;
  status: 'active' | 'disabled';
  totpEnabled: boolean;
  locked: boolean;
  mustChangePassword: boolean;
  createdAtMs: number;
}

export function publicUser(u: PortalUser, nowMs: number): PublicUser {
  return {
    userId: u.userId,
    email: u.email,
    kind: u.kind,
    merchantId: u.merchantId,
    role: u.role,
    status: u.status,
    totpEnabled: u.totpSecretSealed !== null,
    locked: u.lockedUntilMs > nowMs,
    mustChangePassword: u.mustChangePassword,
    createdAtMs: u.createdAtMs,
  };
}

export class PortalUserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** False when the e-mail is taken. */
  async insert(u: PortalUser, db: Db = this.db): Promise<boolean> {
    const result = await db
      .insertInto('portal_users')
      .values({
        user_id: u.userId,
        email: u.email,
        kind: u.kind,
        merchant_id: u.merchantId,
        role: u.role,
        password_hash: u.passwordHash,
        totp_secret_sealed: u.totpSecretSealed,
        status: u.status,
        failed_logins: BigInt(u.failedLogins),
        locked_until_ms: BigInt(u.lockedUntilMs),
        must_change_password: u.mustChangePassword ? 1n : 0n,
        created_at_ms: BigInt(u.createdAtMs),
        updated_at_ms: BigInt(u.updatedAtMs),
      })
      .onConflict((oc) => oc.column('email').doNothing())
      .executeTakeFirst();
    return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
  }

  async find(userId: string, db: Db = this.db): Promise<PortalUser | undefined> {
    const row = await db.selectFrom('portal_users').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async findByEmail(email: string, db: Db = this.db): Promise<PortalUser | undefined> {
    const row = await db.selectFrom('portal_users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(filter: { kind?: UserKind; merchantId?: string }): Promise<PortalUser[]> {
    let q = this.db.selectFrom('portal_users').selectAll();
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.merchantId) q = q.where('merchant_id', '=', filter.merchantId);
    return (await q.orderBy('email').execute()).map(fromRow);
  }

  async countOperators(): Promise<number> {
    const row = await this.db.selectFrom('portal_users').select((eb) => eb.fn.countAll<bigint | string | number>().as('n')).where('kind', '=', 'operator').executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async update(
    userId: string,
    patch: Partial<Pick<PortalUser, 'role' | 'status' | 'passwordHash' | 'totpSecretSealed' | 'mustChangePassword' | 'lockedUntilMs' | 'failedLogins'>>,
    nowMs: number,
    db: Db = this.db,
  ): Promise<boolean> {
    const row: Record<string, unknown> = { updated_at_ms: BigInt(nowMs) };
    if (patch.role !== undefined) row.role = patch.role;
    if (patch.status !== undefined) row.status = patch.status;
    if (patch.passwordHash !== undefined) row.password_hash = patch.passwordHash;
    if (patch.totpSecretSealed !== undefined) row.totp_secret_sealed = patch.totpSecretSealed;
    if (patch.mustChangePassword !== undefined) row.must_change_password = patch.mustChangePassword ? 1n : 0n;
    if (patch.lockedUntilMs !== undefined) row.locked_until_ms = BigInt(patch.lockedUntilMs);
    if (patch.failedLogins !== undefined) row.failed_logins = BigInt(patch.failedLogins);
    const result = await db.updateTable('portal_users').set(row).where('user_id', '=', userId).executeTakeFirst();
    return (result.numUpdatedRows ?? 0n) > 0n;
  }
}

function fromRow(r: Selectable<PortalUserTable>): PortalUser {
  return {
    userId: r.user_id,
    email: r.email,
    kind: r.kind,
    merchantId: r.merchant_id,
    role: r.role,
    passwordHash: r.password_hash,
    totpSecretSealed: r.totp_secret_sealed,
    status: r.status,
    failedLogins: Number(r.failed_logins),
    lockedUntilMs: Number(r.locked_until_ms),
    mustChangePassword: r.must_change_password === 1n,
    createdAtMs: Number(r.created_at_ms),
    updatedAtMs: Number(r.updated_at_ms),
  };
}
