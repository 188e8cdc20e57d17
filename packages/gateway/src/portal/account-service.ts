import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { KeyEncryptionKey } from '../keys/kek.js';
import type { Database } from '../store/schema.js';
import { AuditLog, type AuditActor } from './audit-log.js';
import { decoyHash, hashPassword, verifyPassword } from './password.js';
import { assertPasswordAcceptable, type PasswordContext } from './password-policy.js';
import { LoginAttempts, type AccountReservation } from './login-attempts.js';
import { portalError } from './portal-error.js';
import { isRole, type UserKind } from './roles.js';
import { PortalSessionRepository, type PortalSession } from './session-repository.js';
import { generateTotpSecret, otpauthUri, verifyTotp } from './totp.js';
import { PortalUserRepository, publicUser, type PortalUser, type PublicUser } from './user-repository.js';
import { SECOND_FACTOR_WINDOW_MS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_INTERVAL_MS, TOTP_DRIFT_STEPS } from './limits.js';

export interface NewUser {
  email: string;
  password: string;
  kind: UserKind;
  merchantId: string | null;
  role: string;
  /** An operator-issued password is temporary: the user is asked to choose one at first log-in. */
  mustChangePassword: boolean;
}

export type LoginResult = { token: string; session: PortalSession; user: PortalUser };
/** A change the user made to their own account: every session ended, and a fresh one for them. */
export type Rotated = { token: string; session: PortalSession; user: PublicUser };

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

/**
 * Accounts of the back office: log-in with lock-out and an optional TOTP
 * second factor, sessions, and the user changes admins and operators make.
 * Every change is written to the audit log in the same transaction.
 */
export class AccountService {
  readonly users: PortalUserRepository;
  readonly sessions: PortalSessionRepository;
  readonly audit: AuditLog;
  readonly attempts: LoginAttempts;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kek: KeyEncryptionKey,
    private readonly clock: () => number,
    /** The merchant's name, which a password of its users may not contain. */
    private readonly merchantName: (merchantId: string) => Promise<string | undefined> = async () => undefined,
  ) {
    this.users = new PortalUserRepository(db);
    this.sessions = new PortalSessionRepository(db);
    this.audit = new AuditLog(db);
    this.attempts = new LoginAttempts(db);
  }

  /**
   * Checks e-mail and password. The attempt is reserved before anything is
   * verified, for the client address and then for the account, so a burst
   * of guesses in parallel gets no more verifications than the same guesses
   * one by one. An unknown e-mail costs the same scrypt work and gives the
   * same answer as a wrong password. A locked account is refused before the
   * password is even checked, so guessing stops counting.
   */
  async login(email: string, password: string, clientIp: string | null): Promise<LoginResult> {
    const now = this.clock();
    await this.reserveAddress(clientIp, now);
    const user = await this.users.findByEmail(email);
    if (!user || user.status !== 'active') {
      await verifyPassword(password, await decoyHash());
      throw portalError('PORTAL_LOGIN_FAILED');
    }
    const reservation = await this.attempts.reserveForAccount(user.userId, now);
    if (!reservation.reserved) throw portalError('PORTAL_ACCOUNT_LOCKED');
    if (!(await verifyPassword(password, user.passwordHash))) return this.refuseAttempt(user, reservation, clientIp, now, 'PORTAL_LOGIN_FAILED');
    if (clientIp) await this.attempts.releaseForAddress(clientIp);
    const pending = user.totpSecretSealed !== null;
    // With a second factor still to come, only this attempt is given back: the codes go on counting toward the lock-out.
    if (pending) await this.attempts.releaseOneForAccount(user.userId, reservation, now);
    else await this.attempts.releaseForAccount(user.userId, now);
    const expires = now + (pending ? SECOND_FACTOR_WINDOW_MS : SESSION_ABSOLUTE_MS);
    const { token, session } = await this.sessions.create(user.userId, pending, now, expires, clientIp);
    if (!pending) await this.audit.record({ userId: user.userId, email: user.email, clientIp }, { merchantId: user.merchantId, action: 'session.login', target: user.userId }, now);
    return { token, session, user };
  }

  /** The second step of a log-in with TOTP: each code is reserved like a password, and wrong ones count toward the same lock-out. */
  async secondFactor(token: string, code: string, clientIp: string | null): Promise<LoginResult> {
    const now = this.clock();
    const pending = await this.sessions.find(token);
    if (!pending || !pending.secondFactorPending || pending.expiresAtMs <= now) throw portalError('PORTAL_UNAUTHENTICATED');
    const user = await this.users.find(pending.userId);
    if (!user || user.status !== 'active' || !user.totpSecretSealed) throw portalError('PORTAL_UNAUTHENTICATED');
    const reservation = await this.attempts.reserveForAccount(user.userId, now);
    if (!reservation.reserved) throw portalError('PORTAL_ACCOUNT_LOCKED');
    const secret = this.kek.open('portal-totp', user.totpSecretSealed);
    if (!verifyTotp(secret, code.trim(), now, TOTP_DRIFT_STEPS)) return this.refuseAttempt(user, reservation, clientIp, now, 'PORTAL_SECOND_FACTOR_INVALID');
    await this.attempts.releaseForAccount(user.userId, now);
    // A fresh token once both factors are given: the half-authenticated one is thrown away.
    await this.sessions.delete(pending.tokenHash);
    const full = await this.sessions.create(user.userId, false, now, now + SESSION_ABSOLUTE_MS, clientIp);
    await this.audit.record({ userId: user.userId, email: user.email, clientIp }, { merchantId: user.merchantId, action: 'session.login', target: user.userId, after: { secondFactor: 'totp' } }, now);
    return { ...full, user };
  }

  /** Counts a log-in attempt against the client address, or refuses it with the time to wait. */
  private async reserveAddress(clientIp: string | null, nowMs: number): Promise<void> {
    if (!clientIp) return;
    const reserved = await this.attempts.reserveForAddress(clientIp, nowMs);
    if (!reserved.reserved) throw portalError('PORTAL_LOGIN_RATE_LIMITED', { retryAfterSeconds: String(reserved.retryAfterSeconds) });
  }

  /** A wrong password or code: the reserved attempt stays spent; the one that used up the budget locks the account, audited. */
  private async refuseAttempt(user: PortalUser, reservation: AccountReservation & { reserved: true }, clientIp: string | null, nowMs: number, code: 'PORTAL_LOGIN_FAILED' | 'PORTAL_SECOND_FACTOR_INVALID'): Promise<never> {
    if (!reservation.locksOnFailure) throw portalError(code);
    await this.audit.record({ userId: user.userId, email: user.email, clientIp }, { merchantId: user.merchantId, action: 'user.locked', target: user.userId, after: { lockedUntilMs: reservation.lockedUntilMs } }, nowMs);
    throw portalError('PORTAL_ACCOUNT_LOCKED');
  }

  /** The user behind a session cookie, or undefined when it is missing, expired, idle too long or half-done. */
  async resolve(token: string): Promise<{ session: PortalSession; user: PortalUser } | undefined> {
    const now = this.clock();
    const session = await this.sessions.find(token);
    if (!session || session.secondFactorPending) return undefined;
    if (session.expiresAtMs <= now || session.lastSeenAtMs + SESSION_IDLE_MS <= now) {
      await this.sessions.delete(session.tokenHash);
      return undefined;
    }
    const user = await this.users.find(session.userId);
    if (!user || user.status !== 'active') return undefined;
    if (now - session.lastSeenAtMs >= SESSION_TOUCH_INTERVAL_MS) await this.sessions.touch(session.tokenHash, now);
    return { session, user };
  }

  /** Removes sessions past their end or idle too long; run now and then so the table does not grow forever. */
  async sweepSessions(): Promise<void> {
    await this.sessions.deleteExpired(this.clock(), SESSION_IDLE_MS);
    await this.attempts.prune(this.clock());
  }

  async logout(session: PortalSession, actor: AuditActor, merchantId: string | null): Promise<void> {
    await this.sessions.delete(session.tokenHash);
    await this.audit.record(actor, { merchantId, action: 'session.logout', target: session.userId }, this.clock());
  }

  async createUser(input: NewUser, actor: AuditActor): Promise<PublicUser> {
    const email = input.email.trim().toLowerCase();
    if (!EMAIL_PATTERN.test(email)) throw portalError('FIELD_INVALID', { field: 'email', reason: 'not an e-mail address' });
    if (!isRole(input.kind, input.role)) throw portalError('FIELD_INVALID', { field: 'role', reason: `not a ${input.kind} role` });
    if ((input.kind === 'merchant') !== (input.merchantId !== null)) throw portalError('FIELD_INVALID', { field: 'merchantId', reason: 'merchant users need one merchant, operators none' });
    assertPasswordAcceptable(input.password, await this.passwordContext(email, input.merchantId));
    const now = this.clock();
    const user: PortalUser = {
      userId: `usr_${randomUUID()}`,
      email,
      kind: input.kind,
      merchantId: input.merchantId,
      role: input.role,
      passwordHash: await hashPassword(input.password),
      totpSecretSealed: null,
      status: 'active',
      failedLogins: 0,
      lockedUntilMs: 0,
      mustChangePassword: input.mustChangePassword,
      createdAtMs: now,
      updatedAtMs: now,
    };
    const shown = publicUser(user, now);
    const inserted = await this.db.transaction().execute(async (tx) => {
      if (!(await this.users.insert(user, tx))) return false;
      await this.audit.record(actor, { merchantId: user.merchantId, action: 'user.create', target: user.userId, after: shown }, now, tx);
      return true;
    });
    if (!inserted) throw portalError('PORTAL_USER_EXISTS');
    return shown;
  }

  /** An operator (or a merchant admin, for its own users) sets a temporary password; lock-out and sessions end. */
  async resetPassword(userId: string, newPassword: string, actor: AuditActor): Promise<PublicUser> {
    const user = await this.users.find(userId);
    if (!user) throw portalError('PORTAL_USER_NOT_FOUND');
    assertPasswordAcceptable(newPassword, await this.passwordContext(user.email, user.merchantId));
    const hash = await hashPassword(newPassword);
    return (await this.change(userId, actor, 'user.password_reset', { passwordHash: hash, mustChangePassword: true, lockedUntilMs: 0, failedLogins: 0 }, 'end')).user;
  }

  /** A role change ends the user's sessions: what a session may do is decided again at the next log-in. */
  async setRole(userId: string, role: string, actor: AuditActor): Promise<PublicUser> {
    const user = await this.users.find(userId);
    if (!user) throw portalError('PORTAL_USER_NOT_FOUND');
    if (!isRole(user.kind, role)) throw portalError('FIELD_INVALID', { field: 'role', reason: `not a ${user.kind} role` });
    return (await this.change(userId, actor, 'user.role', { role }, 'end')).user;
  }

  async setStatus(userId: string, status: 'active' | 'disabled', actor: AuditActor): Promise<PublicUser> {
    return (await this.change(userId, actor, status === 'disabled' ? 'user.disable' : 'user.enable', { status }, status === 'disabled' ? 'end' : 'keep')).user;
  }

  /**
   * The user's own new password. The current one is checked like a log-in
   * (a reserved attempt, counted toward the lock-out when wrong), every
   * session of the user ends, and the one asking gets a fresh session.
   */
  async changeOwnPassword(user: PortalUser, current: string, next: string, actor: AuditActor): Promise<Rotated> {
    const now = this.clock();
    const reservation = await this.attempts.reserveForAccount(user.userId, now);
    if (!reservation.reserved) throw portalError('PORTAL_ACCOUNT_LOCKED');
    if (!(await verifyPassword(current, user.passwordHash))) return this.refuseAttempt(user, reservation, actor.clientIp, now, 'PORTAL_LOGIN_FAILED');
    await this.attempts.releaseForAccount(user.userId, now);
    assertPasswordAcceptable(next, await this.passwordContext(user.email, user.merchantId));
    return this.rotated(await this.change(user.userId, actor, 'user.password_change', { passwordHash: await hashPassword(next), mustChangePassword: false }, { rotate: actor.clientIp }));
  }

  /** Step one of turning on TOTP: a new secret, returned once as an otpauth link; it counts only after `enableTotp`. */
  totpEnrollment(user: PortalUser): { secretSealed: string; uri: string } {
    const secret = generateTotpSecret();
    return { secretSealed: this.kek.seal('portal-totp', secret), uri: otpauthUri('OpenCashier', user.email, secret) };
  }

  /** Step two: the user proves the app has the secret by giving a current code. Every other session ends; this one is renewed. */
  async enableTotp(user: PortalUser, secretSealed: string, code: string, actor: AuditActor): Promise<Rotated> {
    let secret: Buffer;
    try {
      secret = this.kek.open('portal-totp', secretSealed);
    } catch {
      throw portalError('PORTAL_SECOND_FACTOR_INVALID');
    }
    if (!verifyTotp(secret, code.trim(), this.clock(), TOTP_DRIFT_STEPS)) throw portalError('PORTAL_SECOND_FACTOR_INVALID');
    return this.rotated(await this.change(user.userId, actor, 'user.totp_enable', { totpSecretSealed: secretSealed }, { rotate: actor.clientIp }));
  }

  /** Ends every session of a user (an operator's or merchant admin's action), audited. */
  async endSessions(userId: string, actor: AuditActor, sessionId?: string): Promise<number> {
    const now = this.clock();
    return this.db.transaction().execute(async (tx) => {
      const user = await this.users.find(userId, tx);
      if (!user) throw portalError('PORTAL_USER_NOT_FOUND');
      const ended = sessionId === undefined ? await this.sessions.deleteForUser(userId, tx) : await this.sessions.deleteOne(userId, sessionId, tx);
      if (sessionId !== undefined && ended === 0) throw portalError('PORTAL_SESSION_NOT_FOUND');
      await this.audit.record(actor, { merchantId: user.merchantId, action: 'user.sessions_end', target: userId, after: { ended, ...(sessionId !== undefined ? { sessionId } : {}) } }, now, tx);
      return ended;
    });
  }

  private async passwordContext(email: string, merchantId: string | null): Promise<PasswordContext> {
    return { email, merchantName: merchantId === null ? undefined : await this.merchantName(merchantId) };
  }

  private rotated(result: { user: PublicUser; rotated?: { token: string; session: PortalSession } }): Rotated {
    return { user: result.user, token: result.rotated!.token, session: result.rotated!.session };
  }

  /**
   * One change of a user, audited in the same transaction. `end` ends every
   * session of the user; `rotate` also opens a fresh one for the user making
   * the change, so the cookie they held before no longer works anywhere.
   */
  private async change(
    userId: string,
    actor: AuditActor,
    action: string,
    patch: Parameters<PortalUserRepository['update']>[1],
    sessions: 'keep' | 'end' | { rotate: string | null },
  ): Promise<{ user: PublicUser; rotated?: { token: string; session: PortalSession } }> {
    const now = this.clock();
    return this.db.transaction().execute(async (tx) => {
      const before = await this.users.find(userId, tx);
      if (!before) throw portalError('PORTAL_USER_NOT_FOUND');
      await this.users.update(userId, patch, now, tx);
      const ended = sessions === 'keep' ? 0 : await this.sessions.deleteForUser(userId, tx);
      const rotated = typeof sessions === 'object' ? await this.sessions.create(userId, false, now, now + SESSION_ABSOLUTE_MS, sessions.rotate, tx) : undefined;
      const after = await this.users.find(userId, tx);
      const shownAfter = publicUser(after!, now);
      const sessionsEnded = sessions === 'keep' ? {} : { sessionsEnded: ended };
      await this.audit.record(actor, { merchantId: before.merchantId, action, target: userId, before: publicUser(before, now), after: { ...shownAfter, ...sessionsEnded } }, now, tx);
      return { user: shownAfter, ...(rotated ? { rotated } : {}) };
    });
  }
}
