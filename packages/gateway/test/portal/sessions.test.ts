import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, PortalClient, TEST_PASSWORD } from './portal-client.js';
import { base32Decode, totpAt } from '../../src/portal/totp.js';
import { hashSessionToken, sessionIdOf } from '../../src/portal/session-repository.js';
import { LOGIN_FAILURES_MAX } from '../../src/portal/limits.js';

/** A second browser of the same user. */
async function secondBrowser(baseUrl: string, email: string, password = TEST_PASSWORD): Promise<PortalClient> {
  const c = new PortalClient(baseUrl);
  await c.login(email, password);
  return c;
}

describe.each(testDatabases())('back office sessions (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  it('a password change ends every other session of the user and renews the current one', async () => {
    const { client, email } = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId);
    const other = await secondBrowser(t.baseUrl, email);
    const oldCookie = client.cookie;
    const changed = await client.post('/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'lantern quietly folds paper' });
    expect(changed.status).toBe(200);
    expect(client.cookie).not.toBe(oldCookie);
    expect(changed.json.csrfToken).not.toBe(client.csrfToken);
    client.csrfToken = changed.json.csrfToken;
    expect((await client.get('/me')).status).toBe(200);
    expect((await other.get('/me')).status).toBe(401);
    const stale = new PortalClient(t.baseUrl);
    stale.cookie = oldCookie;
    expect((await stale.get('/me')).status).toBe(401);
    // The renewed session's CSRF token works for a state change.
    expect((await client.post('/me/totp/setup')).status).toBe(200);
    expect(await t.gateway.accounts.sessions.listForUser((await t.gateway.accounts.users.findByEmail(email))!.userId)).toHaveLength(1);
  });

  it('refuses a common or personal new password with its own code and changes nothing', async () => {
    const { client, email } = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId);
    const merchantName = (await t.gateway.merchants.find(t.merchant.merchantId))!.name;
    const common = await client.post('/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'Password123' });
    expect(common.status).toBe(400);
    expect(common.json.code).toBe('PORTAL_PASSWORD_COMMON');
    const personal = await client.post('/me/password', { currentPassword: TEST_PASSWORD, newPassword: `${merchantName} forever` });
    expect(personal.json).toMatchObject({ code: 'PORTAL_PASSWORD_PERSONAL', message: 'The password contains the merchant name; choose one that does not.' });
    expect((await client.post('/me/password', { currentPassword: TEST_PASSWORD, newPassword: `${email.split('@')[0]}-xyz` })).json.code).toBe('PORTAL_PASSWORD_PERSONAL');
    // Nothing changed: the old password still logs in, the session still works.
    expect((await client.get('/me')).status).toBe(200);
    await secondBrowser(t.baseUrl, email);
  });

  it('counts a wrong current password toward the lock-out, so a stolen session cannot guess it', async () => {
    const { client, email } = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId);
    for (let i = 1; i < LOGIN_FAILURES_MAX; i++) {
      expect((await client.post('/me/password', { currentPassword: `guess ${i}`, newPassword: 'lantern quietly folds paper' })).json.code).toBe('PORTAL_LOGIN_FAILED');
    }
    expect((await client.post('/me/password', { currentPassword: 'last guess', newPassword: 'lantern quietly folds paper' })).json.code).toBe('PORTAL_ACCOUNT_LOCKED');
    // Locked: even the right current password is refused, and the log-in too; the password is unchanged.
    expect((await client.post('/me/password', { currentPassword: TEST_PASSWORD, newPassword: 'lantern quietly folds paper' })).json.code).toBe('PORTAL_ACCOUNT_LOCKED');
    expect((await new PortalClient(t.baseUrl).post('/login', { email, password: TEST_PASSWORD })).json.code).toBe('PORTAL_ACCOUNT_LOCKED');
  });

  it('turning on a second factor ends every other session and renews the current one', async () => {
    const { client, email } = await loggedIn(t.gateway, t.baseUrl, 'operator', 'read_only', null);
    const other = await secondBrowser(t.baseUrl, email);
    const setup = await client.post('/me/totp/setup');
    const secret = base32Decode(new URL(setup.json.uri).searchParams.get('secret')!);
    const enabled = await client.post('/me/totp/enable', { secretSealed: setup.json.secretSealed, code: totpAt(secret, Date.now()) });
    expect(enabled.status).toBe(200);
    expect(enabled.json.user.totpEnabled).toBe(true);
    expect((await other.get('/me')).status).toBe(401);
    expect((await client.get('/me')).status).toBe(200);
  });

  it('a reset, a role change and disabling each end every session of the user', async () => {
    const op = await loggedIn(t.gateway, t.baseUrl, 'operator', 'super_admin', null);
    for (const change of ['reset', 'role', 'disable'] as const) {
      const target = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId);
      const other = await secondBrowser(t.baseUrl, target.email);
      const answer =
        change === 'reset'
          ? await op.client.post(`/o/users/${target.userId}/reset-password`)
          : change === 'role'
            ? await op.client.post(`/o/users/${target.userId}/role`, { role: 'finance' })
            : await op.client.post(`/o/users/${target.userId}/status`, { status: 'disabled' });
      expect(answer.status, change).toBe(200);
      expect((await target.client.get('/me')).status, change).toBe(401);
      expect((await other.get('/me')).status, change).toBe(401);
      const entry = (await t.gateway.accounts.audit.list({ limit: 20 })).find((e) => e.target === target.userId && e.action !== 'session.login' && e.action !== 'user.create');
      expect(entry?.after, change).toMatchObject({ sessionsEnded: 2 });
    }
  });

  it('lets an operator list a user’s sessions and end one or all; a merchant admin only its own merchant’s users', async () => {
    const op = await loggedIn(t.gateway, t.baseUrl, 'operator', 'super_admin', null);
    const target = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', t.merchant.merchantId);
    const other = await secondBrowser(t.baseUrl, target.email);
    const listed = await op.client.get(`/o/users/${target.userId}/sessions`);
    expect(listed.status).toBe(200);
    const sessions = listed.json.sessions as { sessionId: string; clientIp: string; current: boolean; createdAtMs: number }[];
    expect(sessions).toHaveLength(2);
    for (const s of sessions) expect(s).toMatchObject({ clientIp: '127.0.0.1', current: false, secondFactorPending: false });
    // Neither the cookie nor its stored hash is shown.
    const rows = await t.gateway.database.db.selectFrom('portal_sessions').select('token_hash').where('user_id', '=', target.userId).execute();
    for (const r of rows) expect(listed.text).not.toContain(r.token_hash);
    expect(listed.text).not.toContain(target.client.cookie.split('=')[1]!);

    const unknown = await op.client.post(`/o/users/${target.userId}/sessions/end`, { sessionId: 'no-such-session' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('PORTAL_SESSION_NOT_FOUND');
    expect((await target.client.get('/me')).status).toBe(200);
    expect((await other.get('/me')).status).toBe(200);

    const otherId = sessionIdOf(hashSessionToken(other.cookie.split('=')[1]!));
    expect(sessions.map((s) => s.sessionId)).toContain(otherId);
    const one = await op.client.post(`/o/users/${target.userId}/sessions/end`, { sessionId: otherId });
    expect(one.json).toEqual({ ended: 1 });
    expect((await other.get('/me')).status).toBe(401);
    expect((await target.client.get('/me')).status).toBe(200);

    // A merchant admin of another merchant cannot see them; the merchant's own admin can end them all.
    await t.gateway.merchants.create({ merchantId: 'sessions-merchant-b', name: 'Other Shop', sandbox: true, allowedHosts: ['*'] }, Date.now());
    const foreign = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', 'sessions-merchant-b');
    expect((await foreign.client.get(`/m/users/${target.userId}/sessions`)).json.code).toBe('PORTAL_USER_NOT_FOUND');
    expect((await foreign.client.post(`/m/users/${target.userId}/sessions/end`)).json.code).toBe('PORTAL_USER_NOT_FOUND');
    expect((await target.client.get('/me')).status).toBe(200);
    const admin = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', t.merchant.merchantId);
    const all = await admin.client.post(`/m/users/${target.userId}/sessions/end`);
    expect(all.json).toEqual({ ended: 1 });
    expect((await target.client.get('/me')).status).toBe(401);
    const audit = await t.gateway.accounts.audit.list({ limit: 50 });
    expect(audit.filter((e) => e.action === 'user.sessions_end' && e.target === target.userId).map((e) => e.actorEmail)).toEqual(expect.arrayContaining([op.email, admin.email]));
  });
});
