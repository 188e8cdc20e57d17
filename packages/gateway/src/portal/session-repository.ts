import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PortalSession {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  secondFactorPending: boolean;
  createdAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
}

/** Only the SHA-256 of a session token is stored: reading the table does not give a working cookie. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * Sessions live in the database, so every node of a cluster (and a node
 * after a restart) recognises them; log-out anywhere ends them everywhere.
 */
export class PortalSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a session; returns the cookie value (shown once, never stored). */
  async create(userId: string, secondFactorPending: boolean, nowMs: number, expiresAtMs: number): Promise<{ token: string; session: PortalSession }> {
    const token = randomBytes(32).toString('base64url');
    const session: PortalSession = {
      tokenHash: hashSessionToken(token),
      userId,
      csrfToken: randomBytes(24).toString('base64url'),
      secondFactorPending,
      createdAtMs: nowMs,
      lastSeenAtMs: nowMs,
      expiresAtMs,
    };
    await this.db
      .insertInto('portal_sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: userId,
        csrf_token: session.csrfToken,
        second_factor_pending: secondFactorPending ? 1n : 0n,
        created_at_ms: BigInt(nowMs),
        last_seen_at_ms: BigInt(nowMs),
        expires_at_ms: BigInt(expiresAtMs),
      })
      .execute();
    return { token, session };
  }

  async find(token: string): Promise<PortalSession | undefined> {
    const r = await this.db.selectFrom('portal_sessions').selectAll().where('token_hash', '=', hashSessionToken(token)).executeTakeFirst();
    if (!r) return undefined;
    return {
      tokenHash: r.token_hash,
      userId: r.user_id,
      csrfToken: r.csrf_token,
      secondFactorPending: r.second_factor_pending === 1n,
      createdAtMs: Number(r.created_at_ms),
      lastSeenAtMs: Number(r.last_seen_at_ms),
      expiresAtMs: Number(r.expires_at_ms),
    };
  }

  async touch(tokenHash: string, nowMs: number): Promise<void> {
    await this.db.updateTable('portal_sessions').set({ last_seen_at_ms: BigInt(nowMs) }).where('token_hash', '=', tokenHash).execute();
  }

  async delete(tokenHash: string): Promise<void> {
    await this.db.deleteFrom('portal_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends every session of a user: on password reset, disabling, or a role change. */
  async deleteForUser(userId: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('portal_sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpired(nowMs: number, idleMs: number): Promise<void> {
    await this.db
      .deleteFrom('portal_sessions')
      .where((eb) => eb.or([eb('expires_at_ms', '<', BigInt(nowMs)), eb('last_seen_at_ms', '<', BigInt(nowMs - idleMs))]))
      .execute();
  }
}
