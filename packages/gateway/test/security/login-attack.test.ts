/**
 * Guessing attacks on the back-office log-in, fired in parallel: the
 * attempts are reserved in the database before any verification, so a
 * burst gets the same budget as the same guesses one by one, on one node or
 * on two nodes sharing the database. The figures are printed for
 * docs/security.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/app.js';
import { freePort, startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { TEST_PASSWORD } from '../portal/portal-client.js';
import { LOGIN_FAILURES_MAX, LOGIN_IP_ATTEMPTS_MAX, LOGIN_IP_WINDOW_MS } from '../../src/portal/limits.js';
import { LoginAttempts } from '../../src/portal/login-attempts.js';
import { base32Decode, totpAt } from '../../src/portal/totp.js';
import { loopbackAddress, percentile, postFrom, type Answer } from './from-address.js';

const WRONG_ATTEMPTS = 200;
const LEGITIMATE_LOGINS = 20;
const actor = { userId: null, email: 'test', clientIp: null };

describe.each(testDatabases())('log-in under attack (%s)', (database, databaseEnv) => {
  let t: TestGateway;
  let second: Gateway;
  let urls: string[];
  let seq = 0;

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    // A second node on the same database, as behind a load balancer.
    second = await createGateway(t.config, { migrate: false });
    const port = await freePort();
    await second.app.listen({ port, host: '127.0.0.1' });
    urls = [t.baseUrl, `http://127.0.0.1:${port}`];
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  async function user(prefix: string): Promise<{ email: string; userId: string }> {
    seq += 1;
    const email = `${prefix}-${seq}@example.test`;
    const created = await t.gateway.accounts.createUser({ email, password: TEST_PASSWORD, kind: 'operator', merchantId: null, role: 'read_only', mustChangePassword: false }, actor);
    return { email, userId: created.userId };
  }
  const login = (from: string, node: number, email: string, password: string) => postFrom(from, `${urls[node % 2]}/portal/api/login`, { email, password });
  const codes = (answers: Answer[]) => answers.reduce<Record<string, number>>((n, a) => ({ ...n, [a.json?.code ?? 'OK']: (n[a.json?.code ?? 'OK'] ?? 0) + 1 }), {});

  it(`refuses the right password after ${WRONG_ATTEMPTS} concurrent wrong ones from ${WRONG_ATTEMPTS} addresses on two nodes, and locks the account`, async () => {
    const victim = await user('victim');
    const bystander = await user('bystander');
    // The same log-ins with no attack running, for comparison.
    const quiet: number[] = [];
    for (let i = 0; i < LEGITIMATE_LOGINS; i++) quiet.push((await login('127.0.0.9', i, bystander.email, TEST_PASSWORD)).elapsedMs);
    // Each guess from its own address, alternating between the nodes: no per-address limit is reached.
    const wrong = Array.from({ length: WRONG_ATTEMPTS }, (_, i) => login(loopbackAddress(i), i, victim.email, `wrong guess ${i}`));
    // Meanwhile another user logs in, again and again, from an address of their own.
    const legitimate = (async () => {
      const times: number[] = [];
      for (let i = 0; i < LEGITIMATE_LOGINS; i++) {
        const a = await login('127.0.0.9', i, bystander.email, TEST_PASSWORD);
        expect(a.status, JSON.stringify(a.json)).toBe(200);
        times.push(a.elapsedMs);
      }
      return times;
    })();
    // The right password arrives once the guesses have spent the budget, while most of them are still in flight.
    while (Number((await t.gateway.accounts.users.find(victim.userId))!.lockedUntilMs) === 0) await new Promise((r) => setTimeout(r, 2));
    const right = await login('127.0.0.8', 1, victim.email, TEST_PASSWORD);
    const answers = await Promise.all(wrong);
    const times = await legitimate;

    expect(right.status).toBe(423);
    expect(right.json.code).toBe('PORTAL_ACCOUNT_LOCKED');
    // Exactly the budget was verified: four answered "wrong", the fifth locked the account, every other one was refused unverified.
    expect(codes(answers)).toEqual({ PORTAL_LOGIN_FAILED: LOGIN_FAILURES_MAX - 1, PORTAL_ACCOUNT_LOCKED: WRONG_ATTEMPTS - LOGIN_FAILURES_MAX + 1 });
    const row = (await t.gateway.accounts.users.find(victim.userId))!;
    expect(row.lockedUntilMs).toBeGreaterThan(Date.now());
    const audit = await t.gateway.accounts.audit.list({ limit: 200 });
    expect(audit.filter((e) => e.action === 'user.locked' && e.target === victim.userId)).toHaveLength(1);
    expect(audit.some((e) => e.action === 'session.login' && e.target === victim.userId)).toBe(false);
    const sessions = await t.gateway.accounts.sessions.listForUser(victim.userId);
    expect(sessions).toEqual([]);
    console.log(
      `[security figure] lock-out (${database}): ${WRONG_ATTEMPTS} concurrent wrong passwords on 2 nodes + the right one after them: accepted 0, verified ${LOGIN_FAILURES_MAX}, ` +
        `refused unverified ${WRONG_ATTEMPTS - LOGIN_FAILURES_MAX}, account locked; a legitimate log-in meanwhile: p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms over ${LEGITIMATE_LOGINS} ` +
        `(without the attack: p50 ${percentile(quiet, 50).toFixed(0)} ms, p99 ${percentile(quiet, 99).toFixed(0)} ms)`,
    );
  });

  it(`refuses the right second-factor code after ${WRONG_ATTEMPTS} concurrent wrong ones, and locks the account`, async () => {
    const victim = await user('totp-victim');
    const accounts = t.gateway.accounts;
    const enrolment = accounts.totpEnrollment((await accounts.users.find(victim.userId))!);
    const secret = base32Decode(new URL(enrolment.uri).searchParams.get('secret')!);
    await accounts.enableTotp((await accounts.users.find(victim.userId))!, enrolment.secretSealed, totpAt(secret, Date.now()), actor);
    const first = await login('127.0.0.7', 0, victim.email, TEST_PASSWORD);
    expect(first.json).toEqual({ secondFactorRequired: true });
    const cookie = /(oc_portal=[^;]*)/.exec(String(first.headers['set-cookie']))![1]!;
    // Codes valid now (±1 step) are never among the guesses.
    const valid = new Set([-30_000, 0, 30_000].map((d) => totpAt(secret, Date.now() + d)));
    const guesses: string[] = [];
    for (let n = 100_000; guesses.length < WRONG_ATTEMPTS; n += 7919) if (!valid.has(String(n % 1_000_000).padStart(6, '0'))) guesses.push(String(n % 1_000_000).padStart(6, '0'));
    const code = (from: string, node: number, c: string) => postFrom(from, `${urls[node % 2]}/portal/api/login/second-factor`, { code: c }, { cookie });
    const wrong = guesses.map((g, i) => code(loopbackAddress(i), i, g));
    while ((await accounts.users.find(victim.userId))!.lockedUntilMs === 0) await new Promise((r) => setTimeout(r, 2));
    const right = await code('127.0.0.7', 1, totpAt(secret, Date.now()));
    const answers = await Promise.all(wrong);

    expect(right.json.code).toBe('PORTAL_ACCOUNT_LOCKED');
    expect(codes(answers)).toEqual({ PORTAL_SECOND_FACTOR_INVALID: LOGIN_FAILURES_MAX - 1, PORTAL_ACCOUNT_LOCKED: WRONG_ATTEMPTS - LOGIN_FAILURES_MAX + 1 });
    expect((await accounts.users.find(victim.userId))!.lockedUntilMs).toBeGreaterThan(Date.now());
    // Giving the password again does not buy more codes: the account stays locked.
    expect((await login('127.0.0.7', 0, victim.email, TEST_PASSWORD)).json.code).toBe('PORTAL_ACCOUNT_LOCKED');
    console.log(`[security figure] second factor (${database}): ${WRONG_ATTEMPTS} concurrent wrong codes on 2 nodes + the right one after them: accepted 0, verified ${LOGIN_FAILURES_MAX}, account locked`);
  });

  it('refuses credential stuffing from one address across many accounts with PORTAL_LOGIN_RATE_LIMITED and Retry-After', async () => {
    const targets = await Promise.all([user('stuffed'), user('stuffed'), user('stuffed')]);
    const bystander = await user('stuffing-bystander');
    const fired = LOGIN_IP_ATTEMPTS_MAX + 30;
    // Known and unknown e-mails alike, each tried once or twice: no account's own lock-out would see it.
    const emails = Array.from({ length: fired }, (_, i) => (i % 10 === 0 ? targets[i % 3]!.email : `nobody-${i}@example.test`));
    const answers = await Promise.all(emails.map((email, i) => login('127.0.0.5', i, email, 'Spring2024!')));
    expect(codes(answers)).toEqual({ PORTAL_LOGIN_FAILED: LOGIN_IP_ATTEMPTS_MAX, PORTAL_LOGIN_RATE_LIMITED: fired - LOGIN_IP_ATTEMPTS_MAX });
    for (const a of answers.filter((x) => x.status === 429)) {
      const retryAfter = Number(a.headers['retry-after']);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(LOGIN_IP_WINDOW_MS / 1000);
      expect(a.json.message).toContain(`retry in ${retryAfter} seconds`);
    }
    // The right password from that address is refused too; from another address it works; no target was locked.
    expect((await login('127.0.0.5', 0, bystander.email, TEST_PASSWORD)).json.code).toBe('PORTAL_LOGIN_RATE_LIMITED');
    expect((await login('127.0.0.6', 1, bystander.email, TEST_PASSWORD)).status).toBe(200);
    for (const target of targets) expect((await t.gateway.accounts.users.find(target.userId))!.lockedUntilMs).toBe(0);
    console.log(`[security figure] credential stuffing (${database}): ${fired} log-ins from one address over ${new Set(emails).size} e-mails: accepted 0, verified ${LOGIN_IP_ATTEMPTS_MAX}, refused with Retry-After ${fired - LOGIN_IP_ATTEMPTS_MAX}`);
  });

  it('reserves exactly the budget when 100 reservations race on one row, and a success gives the attempts back', async () => {
    const target = await user('race');
    const attempts = new LoginAttempts(t.gateway.database.db);
    const now = Date.now();
    const results = await Promise.all(Array.from({ length: 100 }, () => attempts.reserveForAccount(target.userId, now)));
    expect(results.filter((r) => r.reserved)).toHaveLength(LOGIN_FAILURES_MAX);
    expect(results.filter((r) => r.reserved && r.locksOnFailure)).toHaveLength(1);
    await attempts.releaseForAccount(target.userId, now);
    expect((await attempts.reserveForAccount(target.userId, now)).reserved).toBe(true);
    // Once a lock-out has run out, the count starts again from one.
    const later = now + 16 * 60_000;
    for (let i = 0; i < LOGIN_FAILURES_MAX; i++) await attempts.reserveForAccount(target.userId, now);
    const afterLock = await attempts.reserveForAccount(target.userId, later);
    expect(afterLock).toEqual({ reserved: true, locksOnFailure: false, lockedUntilMs: 0 });
  });

  it('gives a successful log-in its address attempt back: many users behind one address never reach the limit', async () => {
    const attempts = new LoginAttempts(t.gateway.database.db);
    const now = Date.now();
    for (let i = 0; i < LOGIN_IP_ATTEMPTS_MAX * 2; i++) {
      expect(await attempts.reserveForAddress('192.0.2.10', now)).toEqual({ reserved: true });
      await attempts.releaseForAddress('192.0.2.10');
    }
    // Failures are kept: the budget then runs out, and a new window gives it back.
    for (let i = 0; i < LOGIN_IP_ATTEMPTS_MAX; i++) expect((await attempts.reserveForAddress('192.0.2.10', now)).reserved).toBe(true);
    expect(await attempts.reserveForAddress('192.0.2.10', now + 1_000)).toEqual({ reserved: false, retryAfterSeconds: LOGIN_IP_WINDOW_MS / 1000 - 1 });
    expect((await attempts.reserveForAddress('192.0.2.10', now + LOGIN_IP_WINDOW_MS)).reserved).toBe(true);
    await attempts.prune(now + 2 * LOGIN_IP_WINDOW_MS);
    expect(await t.gateway.database.db.selectFrom('portal_login_attempts_by_ip').selectAll().where('client_ip', '=', '192.0.2.10').execute()).toEqual([]);
  });
});
