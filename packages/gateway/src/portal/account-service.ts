import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { KeyEncryptionKey } from '../keys/kek.js';
import type { Database } from '../store/schema.js';
import { AuditLog, type AuditActor } from './audit-log.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './password.js';
import { portalError } from './portal-error.js';
import { isRole, type UserKind } from './roles.js';
import { PortalSessionRepository, type PortalSession } from './session-repository.js';
import { generateTotpSecret, otpauthUri, verifyTotp } from './totp.js';
import { PortalUserRepository, publicUser, type PortalUser, type PublicUser } from './user-repository.js';
import { LOCKOUT_MS, LOGIN_FAILURES_MAX, SECOND_FACTOR_WINDOW_MS, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SESSION_TOUCH_INTERVAL_MS, TOTP_DRIFT_STEPS } from './limits.js';

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

  constructor(
    private readonly db: Kysely<Database>,
    private readonly kek: KeyEncryptionKey,
    private readonly clock: () => number,
  ) {
    this.users = new PortalUserRepository(db);
    this.sessions = new PortalSessionRepository(db);
    this.audit = new AuditLog(db);
  }

  /**
   * Checks e-mail and password. An unknown e-mail costs the same scrypt work
   * and gives the same answer as a wrong password. A locked account is
   * refused before the password is even checked, so guessing stops counting.
   */
  async login(email: string, password: string, clientIp: string | null): Promise<LoginResult> {
    const now = this.clock();
    const user = await this.users.findByEmail(email);
    if (!user || user.status !== 'active') {
      await verifyPassword(password, await decoyHash());
      throw portalError('PORTAL_LOGIN_FAILED');
    }
    if (user.lockedUntilMs > now) throw portalError('PORTAL_ACCOUNT_LOCKED');
    if (!(await verifyPassword(password, user.passwordHash))) {
      await this.users.recordFailure(user.userId, LOGIN_FAILURES_MAX, now + LOCKOUT_MS, now);
      const after = await this.users.find(user.userId);
      if (after && after.lockedUntilMs > now) {
        await this.audit.record({ userId: user.userId, email: user.email, clientIp }, { merchantId: user.merchantId, action: 'user.locked', target: user.userId, after: { lockedUntilMs: after.lockedUntilMs } }, now);
        throw portalError('PORTAL_ACCOUNT_LOCKED');
      }
      throw portalError('PORTAL_LOGIN_FAILED');
    }
    const pending = user.totpSecretSealed !== null;
    if (!pending) await this.users.recordSuccess(user.userId, now);
    const expires = now + (pending ? SECOND_FACTOR_WINDOW_MS : SESSION_ABSOLUTE_MS);
    const { token, session } = await this.sessions.create(user.userId, pending, now, expires);
    if (!pending) await this.audit.record({ userId: user.userId, email: user.email, clientIp }, { merchantId: user.merchantId, action: 'session.login', target: user.userId }, now);
    return { token, session, user };
  }

  /** The second step of a log-in with TOTP: wrong codes count toward the same lock-out as wrong passwords. */
  async secondFactor(token: string, code: string, clientIp: string | null): Promise<LoginResult> {
    const now = this.clock();
    const pending = await this.sessions.find(token);
    if (!pending || !pending.secondFactorPending || pending.expiresAtMs <= now) throw portalError('PORTAL_UNAUTHENTICATED');
    const user = await this.users.find(pending.userId);
    if (!user || user.status !== 'active' || !user.totpSecretSealed) throw portalError('PORTAL_UNAUTHENTICATED');
    if (user.lockedUntilMs > now) throw portalError('PORTAL_ACCOUNT_LOCKED');
    const secret = this.kek.open('portal-totp', user.totpSecretSealed);
    if (!verifyTotp(secret, code.trim(), now, TOTP_DRIFT_STEPS)) {
      await this.users.recordFailure(user.userId, LOGIN_FAILURES_MAX, now + LOCKOUT_MS, now);
      throw portalError('PORTAL_SECOND_FACTOR_INVALID');
    }
    await this.users.recordSuccess(user.userId, now);
    // A fresh token once both factors are given: the half-authenticated one is thrown away.
    await this.sessions.delete(pending.tokenHash);
    const full = await this.sessions.create(user.userId, false, now, now + SESSION_ABSOLUTE_MS);
    await this.audit.record({ userId: user.userId, email: user.email, clientIp }, { merchantId: user.merchantId, action: 'session.login', target: user.userId, after: { secondFactor: 'totp' } }, now);
    return { ...full, user };
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
    const problem = passwordProblem(input.password);
    if (problem) throw portalError('PORTAL_PASSWORD_WEAK', { rule: problem });
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
    const problem = passwordProblem(newPassword);
    if (problem) throw portalError('PORTAL_PASSWORD_WEAK', { rule: problem });
    const hash = await hashPassword(newPassword);
    return this.change(userId, actor, 'user.password_reset', { passwordHash: hash, mustChangePassword: true, lockedUntilMs: 0, failedLogins: 0 }, true);
  }

  async setRole(userId: string, role: string, actor: AuditActor): Promise<PublicUser> {
    const user = await this.users.find(userId);
    if (!user) throw portalError('PORTAL_USER_NOT_FOUND');
    if (!isRole(user.kind, role)) throw portalError('FIELD_INVALID', { field: 'role', reason: `not a ${user.kind} role` });
    return this.change(userId, actor, 'user.role', { role }, true);
  }

  async setStatus(userId: string, status: 'active' | 'disabled', actor: AuditActor): Promise<PublicUser> {
    return this.change(userId, actor, status === 'disabled' ? 'user.disable' : 'user.enable', { status }, status === 'disabled');
  }

  async changeOwnPassword(user: PortalUser, current: string, next: string, actor: AuditActor): Promise<PublicUser> {
    if (!(await verifyPassword(current, user.passwordHash))) throw portalError('PORTAL_LOGIN_FAILED');
    const problem = passwordProblem(next);
    if (problem) throw portalError('PORTAL_PASSWORD_WEAK', { rule: problem });
    return this.change(user.userId, actor, 'user.password_change', { passwordHash: await hashPassword(next), mustChangePassword: false }, false);
  }

  /** Step one of turning on TOTP: a new secret, returned once as an otpauth link; it counts only after `enableTotp`. */
  totpEnrollment(user: PortalUser): { secretSealed: string; uri: string } {
    const secret = generateTotpSecret();
    return { secretSealed: this.kek.seal('portal-totp', secret), uri: otpauthUri('OpenCashier', user.email, secret) };
  }

  /** Step two: the user proves the app has the secret by giving a current code. */
  async enableTotp(user: PortalUser, secretSealed: string, code: string, actor: AuditActor): Promise<PublicUser> {
    let secret: Buffer;
    try {
      secret = this.kek.open('portal-totp', secretSealed);
    } catch {
      throw portalError('PORTAL_SECOND_FACTOR_INVALID');
    }
    if (!verifyTotp(secret, code.trim(), this.clock(), TOTP_DRIFT_STEPS)) throw portalError('PORTAL_SECOND_FACTOR_INVALID');
    return this.change(user.userId, actor, 'user.totp_enable', { totpSecretSealed: secretSealed }, false);
  }

  private async change(
    userId: string,
    actor: AuditActor,
    action: string,
    patch: Parameters<PortalUserRepository['update']>[1],
    endSessions: boolean,
  ): Promise<PublicUser> {
    const now = this.clock();
    return this.db.transaction().execute(async (tx) => {
      const before = await this.users.find(userId, tx);
      if (!before) throw portalError('PORTAL_USER_NOT_FOUND');
      await this.users.update(userId, patch, now, tx);
      if (endSessions) await this.sessions.deleteForUser(userId, tx);
      const after = await this.users.find(userId, tx);
      const shownAfter = publicUser(after!, now);
      await this.audit.record(actor, { merchantId: before.merchantId, action, target: userId, before: publicUser(before, now), after: shownAfter }, now, tx);
      return shownAfter;
    });
  }
}
