import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { LOCKOUT_MS, LOGIN_FAILURES_MAX, LOGIN_IP_ATTEMPTS_MAX, LOGIN_IP_WINDOW_MS } from './limits.js';

/** The outcome of reserving one attempt on an account. */
export type AccountReservation =
  /** The attempt may be verified; `locksOnFailure` when it is the last one the lock-out allows. */
  | { reserved: true; locksOnFailure: boolean; lockedUntilMs: number }
  /** The account is locked (or disabled, or gone): nothing may be verified. */
  | { reserved: false };

/** The outcome of reserving one attempt for a client address. */
export type AddressReservation = { reserved: true } | { reserved: false; retryAfterSeconds: number };

/**
 * Attempt accounting for log-ins, reserved before any password or code is
 * verified. A reservation is one guarded statement on a row, so the database
 * decides who gets an attempt, not the order in which verifications end:
 * forty guesses sent at once get the same five attempts as forty sent one by
 * one, on one node or on every node of a cluster sharing the database
 * (PostgreSQL serialises the updates of one row and re-checks the guard
 * against the row each one finds; SQLite has one writer). A success gives
 * the attempts back; a failure keeps them.
 */
export class LoginAttempts {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Takes one attempt from an account's budget. The count restarts after a
   * lock-out has run out; the attempt that reaches the budget locks the
   * account at once, so everything that arrives while it is being verified
   * is refused unverified.
   */
  async reserveForAccount(userId: string, nowMs: number): Promise<AccountReservation> {
    const now = BigInt(nowMs);
    const next = sql<bigint>`(CASE WHEN locked_until_ms > 0 THEN 1 ELSE failed_logins + 1 END)`;
    const row = await this.db
      .updateTable('portal_users')
      .set({
        failed_logins: next,
        locked_until_ms: sql<bigint>`CASE WHEN ${next} >= ${BigInt(LOGIN_FAILURES_MAX)} THEN CAST(${now + BigInt(LOCKOUT_MS)} AS bigint) ELSE CAST(0 AS bigint) END`,
        updated_at_ms: now,
      })
      .where('user_id', '=', userId)
      .where('status', '=', 'active')
      .where('locked_until_ms', '<=', now)
      .returning(['failed_logins', 'locked_until_ms'])
      .executeTakeFirst();
    if (!row) return { reserved: false };
    const lockedUntilMs = Number(row.locked_until_ms);
    return { reserved: true, locksOnFailure: lockedUntilMs > nowMs, lockedUntilMs };
  }

  /** The password (or code) was right: the failures in a row end, and so does a lock the attempt itself set. */
  async releaseForAccount(userId: string, nowMs: number): Promise<void> {
    await this.db.updateTable('portal_users').set({ failed_logins: 0n, locked_until_ms: 0n, updated_at_ms: BigInt(nowMs) }).where('user_id', '=', userId).execute();
  }

  /**
   * Gives back this one attempt only (and the lock it set, if it set one):
   * a right password while a second factor is still to come. The failures
   * before it still count, so the codes that follow cannot be guessed
   * without end by giving the password again between them.
   */
  async releaseOneForAccount(userId: string, reservation: AccountReservation & { reserved: true }, nowMs: number): Promise<void> {
    const mine = BigInt(reservation.lockedUntilMs);
    await this.db
      .updateTable('portal_users')
      .set({
        failed_logins: sql<bigint>`CASE WHEN failed_logins > 0 THEN failed_logins - 1 ELSE CAST(0 AS bigint) END`,
        locked_until_ms: sql<bigint>`CASE WHEN locked_until_ms = CAST(${mine} AS bigint) THEN CAST(0 AS bigint) ELSE locked_until_ms END`,
        updated_at_ms: BigInt(nowMs),
      })
      .where('user_id', '=', userId)
      .execute();
  }

  /**
   * Takes one attempt from a client address's budget, across every account
   * and every e-mail, known or not: credential stuffing tries many accounts
   * once each, which no per-account lock-out sees.
   */
  async reserveForAddress(clientIp: string, nowMs: number): Promise<AddressReservation> {
    const now = BigInt(nowMs);
    const windowOpen = sql<boolean>`portal_login_attempts_by_ip.window_start_ms <= ${now - BigInt(LOGIN_IP_WINDOW_MS)}`;
    const row = await this.db
      .insertInto('portal_login_attempts_by_ip')
      .values({ client_ip: clientIp, window_start_ms: now, attempts: 1n })
      .onConflict((oc) =>
        oc.column('client_ip').doUpdateSet({
          attempts: sql<bigint>`CASE WHEN ${windowOpen} THEN CAST(1 AS bigint) ELSE portal_login_attempts_by_ip.attempts + 1 END`,
          window_start_ms: sql<bigint>`CASE WHEN ${windowOpen} THEN CAST(${now} AS bigint) ELSE portal_login_attempts_by_ip.window_start_ms END`,
        }),
      )
      .returning(['attempts', 'window_start_ms'])
      .executeTakeFirstOrThrow();
    if (Number(row.attempts) <= LOGIN_IP_ATTEMPTS_MAX) return { reserved: true };
    const endsMs = Number(row.window_start_ms) + LOGIN_IP_WINDOW_MS;
    return { reserved: false, retryAfterSeconds: Math.max(1, Math.ceil((endsMs - nowMs) / 1000)) };
  }

  /** A successful log-in gives its attempt back, so an office of many users behind one address is not counted as an attack. */
  async releaseForAddress(clientIp: string): Promise<void> {
    await this.db
      .updateTable('portal_login_attempts_by_ip')
      .set((eb) => ({ attempts: eb('attempts', '-', 1n) }))
      .where('client_ip', '=', clientIp)
      .where('attempts', '>', 0n)
      .execute();
  }

  /** Forgets addresses whose window has ended; run with the session sweep. */
  async prune(nowMs: number): Promise<void> {
    await this.db.deleteFrom('portal_login_attempts_by_ip').where('window_start_ms', '<=', BigInt(nowMs - LOGIN_IP_WINDOW_MS)).execute();
  }
}
