import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, PortalSessionTable } from '../store/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface PortalSession {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  secondFactorPending: boolean;
  createdAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
  clientIp: string | null;
}

/** What an operator sees of a session: never its token nor the token's hash, only an id derived from it. */
export interface SessionSummary {
  sessionId: string;
  createdAtMs: number;
  lastSeenAtMs: number;
  expiresAtMs: number;
  clientIp: string | null;
  secondFactorPending: boolean;
}

/** Only the SHA-256 of a session token is stored: reading the table does not give a working cookie. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** A session's public name: a hash of the stored hash, so a listing cannot be turned into a lookup key of the table. */
export function sessionIdOf(tokenHash: string): string {
  return createHash('sha256').update(`portal-session-id:${tokenHash}`).digest('base64url').slice(0, 22);
}

export function sessionSummary(s: PortalSession): SessionSummary {
  return { sessionId: sessionIdOf(s.tokenHash), createdAtMs: s.createdAtMs, lastSeenAtMs: s.lastSeenAtMs, expiresAtMs: s.expiresAtMs, clientIp: s.clientIp, secondFactorPending: s.secondFactorPending };
}

/**
 * Sessions live in the database, so every node of a cluster (and a node
 * after a restart) recognises them; log-out anywhere ends them everywhere.
 */
export class PortalSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Creates a session; returns the cookie value (shown once, never stored). */
  async create(userId: string, secondFactorPending: boolean, nowMs: number, expiresAtMs: number, clientIp: string | null, db: Db = this.db): Promise<{ token: string; session: PortalSession }> {
    const token = randomBytes(32).toString('base64url');
    const session: PortalSession = {
      tokenHash: hashSessionToken(token),
      userId,
      csrfToken: randomBytes(24).toString('base64url'),
      secondFactorPending,
      createdAtMs: nowMs,
      lastSeenAtMs: nowMs,
      expiresAtMs,
      clientIp,
    };
    await db
      .insertInto('portal_sessions')
      .values({
        token_hash: session.tokenHash,
        user_id: userId,
        csrf_token: session.csrfToken,
        second_factor_pending: secondFactorPending ? 1n : 0n,
        created_at_ms: BigInt(nowMs),
        last_seen_at_ms: BigInt(nowMs),
        expires_at_ms: BigInt(expiresAtMs),
        client_ip: clientIp,
      })
      .execute();
    return { token, session };
  }

  async find(token: string): Promise<PortalSession | undefined> {
    const r = await this.db.selectFrom('portal_sessions').selectAll().where('token_hash', '=', hashSessionToken(token)).executeTakeFirst();
    return r ? fromRow(r) : undefined;
  }

  /** Every session of a user, newest first. */
  async listForUser(userId: string): Promise<PortalSession[]> {
    const rows = await this.db.selectFrom('portal_sessions').selectAll().where('user_id', '=', userId).orderBy('created_at_ms', 'desc').execute();
    return rows.map(fromRow);
  }

  async touch(tokenHash: string, nowMs: number): Promise<void> {
    await this.db.updateTable('portal_sessions').set({ last_seen_at_ms: BigInt(nowMs) }).where('token_hash', '=', tokenHash).execute();
  }

  async delete(tokenHash: string, db: Db = this.db): Promise<void> {
    await db.deleteFrom('portal_sessions').where('token_hash', '=', tokenHash).execute();
  }

  /** Ends every session of a user: on a password change or reset, disabling, a role change or a second-factor change. */
  async deleteForUser(userId: string, db: Db = this.db): Promise<number> {
    const result = await db.deleteFrom('portal_sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows ?? 0n);
  }

  /** Ends one session of a user, named by its public id; 0 when the user has no such session. */
  async deleteOne(userId: string, sessionId: string, db: Db = this.db): Promise<number> {
    const rows = await db.selectFrom('portal_sessions').select('token_hash').where('user_id', '=', userId).execute();
    const match = rows.find((r) => sessionIdOf(r.token_hash) === sessionId);
    if (!match) return 0;
    const result = await db.deleteFrom('portal_sessions').where('token_hash', '=', match.token_hash).executeTakeFirst();
    return Number(result.numDeletedRows ?? 0n);
  }

  async deleteExpired(nowMs: number, idleMs: number): Promise<void> {
    await this.db
      .deleteFrom('portal_sessions')
      .where((eb) => eb.or([eb('expires_at_ms', '<', BigInt(nowMs)), eb('last_seen_at_ms', '<', BigInt(nowMs - idleMs))]))
      .execute();
  }
}

function fromRow(r: Selectable<PortalSessionTable>): PortalSession {
  return {
    tokenHash: r.token_hash,
    userId: r.user_id,
    csrfToken: r.csrf_token,
    secondFactorPending: r.second_factor_pending === 1n,
    createdAtMs: Number(r.created_at_ms),
    lastSeenAtMs: Number(r.last_seen_at_ms),
    expiresAtMs: Number(r.expires_at_ms),
    clientIp: r.client_ip ?? null,
  };
}
