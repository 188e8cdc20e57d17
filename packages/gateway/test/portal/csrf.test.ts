/**
 * CSRF on every state-changing back-office route, generated from the route
 * table: a request carrying the session cookie but a missing, wrong or
 * another session's CSRF token, or sent as a cross-site form would send it,
 * is refused and changes nothing. The same request with the right token is
 * carried out, so the body would have changed something. A new POST route
 * needs a body in BODIES, or the first test fails.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, PortalClient, TEST_PASSWORD } from './portal-client.js';
import { portalRoutes, type PortalOptions } from '../../src/portal/portal-app.js';
import { can, MERCHANT_ROLES, OPERATOR_ROLES } from '../../src/portal/roles.js';
import type { PortalRoute } from '../../src/portal/route-table.js';

const ROUTES: PortalRoute[] = portalRoutes({} as PortalOptions, () => undefined).filter((r) => r.method !== 'GET');

interface Ids {
  orderId: string;
  notificationId: string;
}

/** A body each state-changing route carries out (`changes`: it writes rows we can see; else it only answers). */
const BODIES: Record<string, { body: (ids: Ids, n: number) => Record<string, unknown>; changes: boolean }> = {
  '/logout': { body: () => ({}), changes: true },
  '/me/password': { body: () => ({ currentPassword: TEST_PASSWORD, newPassword: 'an entirely new passphrase 42' }), changes: true },
  // Setting up a second factor hands out a sealed secret and stores nothing until it is confirmed.
  '/me/totp/setup': { body: () => ({}), changes: false },
  '/me/totp/enable': { body: () => ({ secretSealed: 'x', code: '000000' }), changes: false },
  '/m/notifications/:notificationId/resend': { body: () => ({}), changes: true },
  '/o/notifications/:notificationId/resend': { body: () => ({}), changes: true },
  // The sandbox merchant has a payment today: a run builds (or builds again) today's batch.
  '/m/money/settlements/today': { body: () => ({}), changes: true },
  '/m/orders/:orderId/refunds': { body: (_ids, n) => ({ requestId: `csrf-refund-${n}`, amountMinor: '10' }), changes: true },
  '/m/refunds/batch': { body: (ids, n) => ({ csv: `serialNumber,requestId,amountMinor\n${ids.orderId},csrf-batch-${n},10\n` }), changes: true },
  '/m/users': { body: (_ids, n) => ({ email: `csrf-m-${n}@example.test`, role: 'support' }), changes: true },
  '/o/users': { body: (_ids, n) => ({ email: `csrf-o-${n}@example.test`, role: 'read_only' }), changes: true },
  '/m/users/:userId/reset-password': { body: () => ({}), changes: true },
  '/o/users/:userId/reset-password': { body: () => ({}), changes: true },
  '/m/users/:userId/role': { body: () => ({ role: 'finance' }), changes: true },
  '/o/users/:userId/role': { body: () => ({ role: 'finance' }), changes: true },
  '/m/users/:userId/status': { body: () => ({ status: 'disabled' }), changes: true },
  '/o/users/:userId/status': { body: () => ({ status: 'disabled' }), changes: true },
  // Ending a user's sessions is audited even when the user has none.
  '/m/users/:userId/sessions/end': { body: () => ({}), changes: true },
  '/o/users/:userId/sessions/end': { body: () => ({}), changes: true },
  // The merchant back-office and operator-console routes below: the refusals are what this suite checks; what each
  // route carries out with a valid body is tested in its own suite (portal/merchant-*.test.ts, refund-approvals,
  // operator-console). Their path parameters stay unnamed, so the request with the right token changes nothing here.
  ...Object.fromEntries(
    [
      '/o/merchants',
      '/o/merchants/:merchantId/status',
      '/o/merchants/:merchantId/settings',
      '/o/merchants/:merchantId/fee-plans',
      '/o/merchants/:merchantId/key-bundle',
      '/o/fx/orders/:serialNumber/review',
      '/o/disputes',
      '/o/disputes/file',
      '/o/disputes/:disputeId/decide',
      '/o/settlements/run',
      '/o/reconciliation/check',
      '/o/remittances/:transferId/match',
      '/m/refund-policy',
      '/m/refund-approvals/:approvalId/decision',
      '/m/disputes/:disputeId/evidence',
      '/m/disputes/:disputeId/accept',
      '/m/orders/:orderId/delivery',
      '/m/deliveries/batch',
      '/m/integration/certificate',
      '/m/integration/allowed-hosts',
      '/m/integration/test-notification',
    ].map((url) => [url, { body: () => ({}), changes: false }]),
  ),
};

describe.each(testDatabases())('back office CSRF (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  const ids = {} as Ids;

  /** Every row of every table but the sessions (whose last-seen time a read moves), as one digest per table. */
  async function snapshot(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const table of await t.gateway.database.db.introspection.getTables()) {
      // Sessions move their last-seen time on every read; the API call log is written in batches after answers.
      if (table.name === 'portal_sessions' || table.name === 'merchant_request_log' || table.name.startsWith('kysely_')) continue;
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(t.gateway.database.db);
      const text = rows.rows.map((r) => JSON.stringify(r, (_k, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).sort().join('\n');
      out[table.name] = createHash('sha256').update(text).digest('hex');
    }
    return out;
  }

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    const requestId = 'csrf-order';
    const created = await t.client.createIccOrder({ requestId, orderAmount: '5000', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId, cardNumber: '4242424242424242' });
    ids.orderId = created.paymentOrderId!;
    ids.notificationId = (await t.gateway.notifications.forOrder(ids.orderId))[0]!.id;
  });
  afterAll(async () => t?.close());

  it('has a body for every state-changing route, and none for a route that is gone', () => {
    expect(ROUTES.length).toBeGreaterThan(10);
    expect(ROUTES.map((r) => r.url).filter((url) => !BODIES[url])).toEqual([]);
    expect(Object.keys(BODIES).filter((url) => !ROUTES.some((r) => r.url === url))).toEqual([]);
  });

  /** Logged-in users by kind and role, reused across routes (log-ins hash passwords: the slow part). */
  const principals = new Map<string, PortalClient>();
  let targets = 0;

  /** A user whose role may call the route, and the route's path with a user of the same kind it can act on. */
  async function principalFor(route: PortalRoute): Promise<{ client: PortalClient; path: string }> {
    const operator = route.url.startsWith('/o/');
    const kind = operator ? 'operator' : 'merchant';
    const roles: readonly string[] = operator ? OPERATOR_ROLES : MERCHANT_ROLES;
    const role = roles.find((r) => route.permission === null || can(kind, r, route.permission))!;
    const merchantId = operator ? null : t.merchant.merchantId;
    let client = principals.get(`${kind}:${role}`);
    if (!client) {
      client = (await loggedIn(t.gateway, t.baseUrl, kind, role, merchantId)).client;
      principals.set(`${kind}:${role}`, client);
    }
    let path = route.url.replace(':orderId', ids.orderId).replace(':notificationId', ids.notificationId);
    if (path.includes(':userId')) {
      targets += 1;
      const target = await t.gateway.accounts.createUser({ email: `csrf-target-${targets}@example.test`, password: TEST_PASSWORD, kind, merchantId, role: 'finance', mustChangePassword: false }, { userId: null, email: 'test', clientIp: null });
      path = path.replace(':userId', target.userId);
    }
    return { client, path };
  }

  it('refuses a missing, wrong or foreign token and a cross-site form on every route, changing nothing; the right token is carried out', async () => {
    let refused = 0;
    let n = 0;
    const other = await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId);
    // Leaving and changing one's password end the session: those go last.
    const sessionEnding = (r: PortalRoute) => r.url === '/logout' || r.url === '/me/password';
    for (const route of [...ROUTES.filter((r) => !sessionEnding(r)), ...ROUTES.filter(sessionEnding)]) {
      n += 1;
      const { client, path } = await principalFor(route);
      const body = BODIES[route.url]!.body(ids, n);
      const before = await snapshot();
      const attempts: { name: string; send: () => Promise<{ status: number; text: string }> }[] = [
        { name: 'no token', send: () => client.post(path, body, { 'x-csrf-token': '' }) },
        { name: 'wrong token', send: () => client.post(path, body, { 'x-csrf-token': `${client.csrfToken.slice(0, -1)}${client.csrfToken.endsWith('A') ? 'B' : 'A'}` }) },
        { name: 'another session’s token', send: () => client.post(path, body, { 'x-csrf-token': other.client.csrfToken }) },
        {
          name: 'cross-site form',
          send: async () => {
            const r = await fetch(`${t.baseUrl}/portal/api${path}`, { method: 'POST', headers: { cookie: client.cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body as Record<string, string>).toString() });
            return { status: r.status, text: await r.text() };
          },
        },
        {
          name: 'cross-site text/plain',
          send: async () => {
            const r = await fetch(`${t.baseUrl}/portal/api${path}`, { method: 'POST', headers: { cookie: client.cookie, 'content-type': 'text/plain' }, body: JSON.stringify(body) });
            return { status: r.status, text: await r.text() };
          },
        },
      ];
      for (const attempt of attempts) {
        const r = await attempt.send();
        const label = `${attempt.name}: POST ${route.url} → ${r.status} ${r.text.slice(0, 160)}`;
        expect(r.status, label).toBeGreaterThanOrEqual(400);
        expect(r.status, label).toBeLessThan(500);
        if (attempt.name.startsWith('cross-site')) expect(r.text, label).toMatch(/PORTAL_CSRF_INVALID|FIELD_INVALID/);
        else expect(r.text, label).toContain('PORTAL_CSRF_INVALID');
        refused += 1;
      }
      expect(await snapshot(), `POST ${route.url}: a refused request changed something`).toEqual(before);
      // The same request with the session's own token.
      const accepted = await client.post(path, body);
      if (sessionEnding(route)) principals.clear();
      expect(accepted.text, `POST ${route.url}`).not.toContain('PORTAL_CSRF_INVALID');
      if (BODIES[route.url]!.changes) {
        expect(accepted.status, `POST ${route.url} → ${accepted.status} ${accepted.text.slice(0, 160)}`).toBeLessThan(300);
        expect(await snapshot(), `POST ${route.url}: the accepted request changed nothing`).not.toEqual(before);
      }
    }
    expect(refused).toBe(ROUTES.length * 5);
  });
});
