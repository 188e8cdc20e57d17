import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, PortalClient, TEST_PASSWORD } from './portal-client.js';
import { base32Decode, totpAt } from '../../src/portal/totp.js';
import { LOGIN_FAILURES_MAX } from '../../src/portal/limits.js';

describe.each(testDatabases())('back office accounts (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  it('logs in with a session cookie that is HttpOnly and SameSite=Strict, and log-out ends that session only', async () => {
    const { client, email } = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId);
    const me = await client.get('/me');
    expect(me.status).toBe(200);
    expect(me.json.user).toMatchObject({ email, kind: 'merchant', role: 'support', merchantId: t.merchant.merchantId });
    expect(JSON.stringify(me.json)).not.toMatch(/scrypt|password_hash|passwordHash/);
    // The cookie as the browser got it.
    const fresh = new PortalClient(t.baseUrl);
    const raw = await fetch(`${t.baseUrl}/portal/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
    const cookie = raw.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/portal/);
    expect(cookie).not.toMatch(/Secure/); // http here; https base URLs get Secure
    fresh.cookie = /^(oc_portal=[^;]*)/.exec(cookie)![1]!;
    expect((await fresh.get('/me')).status).toBe(200);
    // Sessions are rows: the stored key is a hash, not the cookie value.
    const rows = await t.gateway.database.db.selectFrom('portal_sessions').select('token_hash').execute();
    expect(rows.some((r) => fresh.cookie.endsWith(r.token_hash))).toBe(false);

    const out = await client.post('/logout');
    expect(out.status).toBe(200);
    expect((await client.get('/me')).status).toBe(401);
    expect((await fresh.get('/me')).status).toBe(200);
  });

  it('answers a wrong password and an unknown e-mail alike, and locks the account after repeated failures', async () => {
    const { email } = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', t.merchant.merchantId);
    const c = new PortalClient(t.baseUrl);
    const unknown = await c.post('/login', { email: 'nobody@example.test', password: 'whatever-123' });
    expect(unknown.status).toBe(401);
    expect(unknown.json.code).toBe('PORTAL_LOGIN_FAILED');
    for (let i = 1; i < LOGIN_FAILURES_MAX; i++) {
      const wrong = await c.post('/login', { email, password: 'not the password' });
      expect(wrong.json.code).toBe('PORTAL_LOGIN_FAILED');
    }
    expect((await c.post('/login', { email, password: 'not the password' })).json.code).toBe('PORTAL_ACCOUNT_LOCKED');
    // Even the right password is refused while locked.
    const right = await c.post('/login', { email, password: TEST_PASSWORD });
    expect(right.status).toBe(423);
    expect(right.json.code).toBe('PORTAL_ACCOUNT_LOCKED');
    const audit = await t.gateway.accounts.audit.list({ merchantId: t.merchant.merchantId, limit: 50 });
    expect(audit.some((e) => e.action === 'user.locked' && e.actorEmail === email)).toBe(true);

    // An operator's reset lifts the lock; the temporary password only allows choosing a new one.
    const op = await loggedIn(t.gateway, t.baseUrl, 'operator', 'super_admin', null);
    const user = await t.gateway.accounts.users.findByEmail(email);
    const reset = await op.client.post(`/o/users/${user!.userId}/reset-password`);
    expect(reset.status).toBe(200);
    const temporary = reset.json.temporaryPassword as string;
    const again = new PortalClient(t.baseUrl);
    const login = await again.login(email, temporary);
    expect(login.user.mustChangePassword).toBe(true);
    expect((await again.get('/m/orders')).json.code).toBe('PORTAL_FORBIDDEN');
    expect((await again.post('/me/password', { currentPassword: temporary, newPassword: 'short' })).json.code).toBe('PORTAL_PASSWORD_WEAK');
    expect((await again.post('/me/password', { currentPassword: temporary, newPassword: 'a brand new passphrase' })).status).toBe(200);
    expect((await again.get('/m/orders')).status).toBe(200);
    const entries = await t.gateway.accounts.audit.list({ limit: 50 });
    const resetEntry = entries.find((e) => e.action === 'user.password_reset' && e.target === user!.userId);
    expect(resetEntry).toMatchObject({ actorEmail: op.email, before: { mustChangePassword: false }, after: { mustChangePassword: true, locked: false } });
  });

  it('refuses every state-changing request without the CSRF token of the session', async () => {
    const { client } = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', t.merchant.merchantId);
    const none = await client.post('/m/users', { email: 'x@example.test', role: 'support' }, { 'x-csrf-token': '' });
    expect(none.status).toBe(403);
    expect(none.json.code).toBe('PORTAL_CSRF_INVALID');
    const other = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', t.merchant.merchantId);
    const wrong = await client.post('/m/users', { email: 'x@example.test', role: 'support' }, { 'x-csrf-token': other.client.csrfToken });
    expect(wrong.json.code).toBe('PORTAL_CSRF_INVALID');
    expect(await t.gateway.accounts.users.findByEmail('x@example.test')).toBeUndefined();
    const form = await fetch(`${t.baseUrl}/portal/api/logout`, { method: 'POST', headers: { cookie: client.cookie, 'content-type': 'text/plain' }, body: 'x' });
    expect(form.status).toBeGreaterThanOrEqual(400);
    expect((await client.get('/me')).status).toBe(200);
  });

  it('asks for a TOTP code after the password once a second factor is on', async () => {
    const { client, email } = await loggedIn(t.gateway, t.baseUrl, 'operator', 'read_only', null);
    const setup = await client.post('/me/totp/setup');
    expect(setup.json.uri).toMatch(/^otpauth:\/\/totp\//);
    const secret = base32Decode(new URL(setup.json.uri).searchParams.get('secret')!);
    expect((await client.post('/me/totp/enable', { secretSealed: setup.json.secretSealed, code: '000000' === totpAt(secret, Date.now()) ? '111111' : '000000' })).json.code).toBe('PORTAL_SECOND_FACTOR_INVALID');
    expect((await client.post('/me/totp/enable', { secretSealed: setup.json.secretSealed, code: totpAt(secret, Date.now()) })).json.user.totpEnabled).toBe(true);

    const c = new PortalClient(t.baseUrl);
    const first = await c.post('/login', { email, password: TEST_PASSWORD });
    expect(first.json).toEqual({ secondFactorRequired: true });
    // Half logged in is not logged in.
    expect((await c.get('/me')).status).toBe(401);
    const bad = await c.post('/login/second-factor', { code: totpAt(secret, Date.now() - 10 * 60_000) });
    expect(bad.json.code).toBe('PORTAL_SECOND_FACTOR_INVALID');
    const good = await c.post('/login/second-factor', { code: totpAt(secret, Date.now()) });
    expect(good.status).toBe(200);
    c.csrfToken = good.json.csrfToken;
    expect((await c.get('/me')).json.user.totpEnabled).toBe(true);
  });

  it('lets a merchant admin create users of its own merchant only, and writes each change to the audit log', async () => {
    const admin = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', t.merchant.merchantId);
    const created = await admin.client.post('/m/users', { email: 'Finance.Person@example.test', role: 'finance', merchantId: 'someone-else' });
    expect(created.status).toBe(200);
    expect(created.json.user).toMatchObject({ email: 'finance.person@example.test', merchantId: t.merchant.merchantId, role: 'finance', mustChangePassword: true });
    expect((await admin.client.post('/m/users', { email: 'finance.person@example.test', role: 'finance' })).json.code).toBe('PORTAL_USER_EXISTS');
    expect((await admin.client.post('/m/users', { email: 'ops@example.test', role: 'super_admin' })).json.code).toBe('FIELD_INVALID');
    const role = await admin.client.post(`/m/users/${created.json.user.userId}/role`, { role: 'support' });
    expect(role.json.user.role).toBe('support');
    const audit = await admin.client.get('/m/audit');
    const actions = (audit.json.entries as { action: string; actorEmail: string }[]).filter((e) => e.actorEmail === admin.email).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['user.create', 'user.role', 'session.login']));
  });
});
