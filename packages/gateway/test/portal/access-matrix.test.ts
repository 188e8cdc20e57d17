/**
 * Every route of the back office API, tried as every role of both kinds, as
 * a user of another merchant, and without a session. Generated from the
 * route table, so a new route is in the matrix the day it is added.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, PortalClient } from './portal-client.js';
import { portalRoutes, type PortalOptions } from '../../src/portal/portal-app.js';
import { can, MERCHANT_ROLES, OPERATOR_ROLES, type UserKind } from '../../src/portal/roles.js';
import type { PortalRoute } from '../../src/portal/route-table.js';
import { RefundApprovals } from '../../src/portal/refund-approvals.js';

const ROUTES: PortalRoute[] = portalRoutes({} as PortalOptions, () => undefined);

interface Principal {
  name: string;
  kind: UserKind;
  role: string;
  /** 'A' owns the data every route is pointed at; 'B' is another merchant. */
  merchant: 'A' | 'B' | null;
  client?: PortalClient;
}

const PRINCIPALS: Principal[] = [
  ...MERCHANT_ROLES.flatMap((role) => [
    { name: `merchant A ${role}`, kind: 'merchant' as const, role, merchant: 'A' as const },
    { name: `merchant B ${role}`, kind: 'merchant' as const, role, merchant: 'B' as const },
  ]),
  ...OPERATOR_ROLES.map((role) => ({ name: `operator ${role}`, kind: 'operator' as const, role, merchant: null })),
];

describe.each(testDatabases())('back office access matrix (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  const merchantB = 'matrix-merchant-b';
  /** Merchant A's identifiers: none of them may appear in an answer to merchant B. */
  const secrets: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    await t.gateway.merchants.create({ merchantId: merchantB, name: 'Other Shop', sandbox: true, allowedHosts: ['*'] }, Date.now());
    const requestId = 'matrix-order-a';
    const created = await t.client.createIccOrder({ requestId, orderAmount: '4321', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
    const orderId = created.paymentOrderId!;
    const notification = (await t.gateway.notifications.forOrder(orderId))[0]!;
    const victim = await t.gateway.accounts.createUser(
      { email: 'victim-a@example.test', password: 'a long enough password', kind: 'merchant', merchantId: t.merchant.merchantId, role: 'support', mustChangePassword: false },
      { userId: null, email: 'test', clientIp: null },
    );
    // Merchant A's refund waiting for approval and a retrieval request: the merchant back-office routes point at them.
    const approval = await new RefundApprovals(t.gateway.database.db).insert({
      merchantId: t.merchant.merchantId,
      orderId,
      requestId: 'matrix-approval',
      requestDigest: 'matrix',
      amountMinor: 100n,
      estimatedMinor: 100n,
      currency: 'USD',
      remark: null,
      requestedByUserId: victim.userId,
      requestedByEmail: victim.email,
      createdAtMs: Date.now(),
    });
    const retrieval = await t.client.call('sandbox/retrieval', { requestId });
    Object.assign(secrets, { orderId, requestId, notificationId: notification.id, userId: victim.userId, email: victim.email, merchantId: t.merchant.merchantId, approvalId: approval.approval.approvalId, disputeId: retrieval.disputeId as string });
    for (const p of PRINCIPALS) {
      const merchantId = p.merchant === 'A' ? t.merchant.merchantId : p.merchant === 'B' ? merchantB : null;
      p.client = (await loggedIn(t.gateway, t.baseUrl, p.kind, p.role, merchantId)).client;
    }
  });
  afterAll(async () => t?.close());

  const pathOf = (route: PortalRoute) =>
    route.url
      .replace(':orderId', secrets.orderId!)
      .replace(':notificationId', secrets.notificationId!)
      .replace(':userId', secrets.userId!)
      // Operator console routes point at merchant A and its order too.
      .replace(':merchantId', secrets.merchantId!)
      .replace(':serialNumber', secrets.orderId!)
      .replace(':approvalId', secrets.approvalId!)
      .replace(':disputeId', secrets.disputeId!)
      .replace(':sha256', '0'.repeat(64))
      .replace(':businessDate', '2026-01-01');

  /** Calls a route; an event stream is read only up to its headers. */
  async function call(client: PortalClient | undefined, route: PortalRoute): Promise<{ status: number; text: string }> {
    if (route.url.endsWith('/monitor')) {
      const controller = new AbortController();
      const response = await fetch(`${t.baseUrl}/portal/api${pathOf(route)}`, { headers: client ? { cookie: client.cookie } : {}, signal: controller.signal });
      const status = response.status;
      const text = status === 200 ? '' : await response.text();
      controller.abort();
      return { status, text };
    }
    const c = client ?? new PortalClient(t.baseUrl);
    // Empty bodies: required fields are missing, so an allowed call is refused by validation, not carried out.
    const r = route.method === 'GET' ? await c.get(pathOf(route)) : await c.post(pathOf(route), {});
    return { status: r.status, text: r.text };
  }

  // Log-out ends the principal's session: it goes last.
  const ordered = [...ROUTES.filter((r) => r.url !== '/logout'), ...ROUTES.filter((r) => r.url === '/logout')];

  it('has routes of both consoles in its table', () => {
    expect(ordered.some((r) => r.url.startsWith('/m/'))).toBe(true);
    expect(ordered.some((r) => r.url.startsWith('/o/'))).toBe(true);
    expect(ordered.every((r) => r.permission === null || r.permission.startsWith(r.url.startsWith('/m/') ? 'merchant.' : 'operator.'))).toBe(true);
  });

  it('refuses every route without a session', async () => {
    for (const route of ordered) {
      const r = await call(undefined, route);
      expect(r.status, `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('checks role and merchant on every route for every principal, and leaks nothing of merchant A to merchant B', async () => {
    const victimBefore = await t.gateway.accounts.users.find(secrets.userId!);
    const notificationBefore = await t.gateway.notifications.find(secrets.notificationId!);
    let allowedCalls = 0;
    let refusedCalls = 0;
    for (const route of ordered) {
      for (const p of PRINCIPALS) {
        const r = await call(p.client, route);
        const label = `${p.name}: ${route.method} ${route.url} → ${r.status} ${r.text.slice(0, 120)}`;
        const allowed = route.permission === null || can(p.kind, p.role, route.permission);
        if (!allowed) {
          expect(r.status, label).toBe(403);
          expect(r.text, label).toContain('PORTAL_FORBIDDEN');
          refusedCalls += 1;
          continue;
        }
        allowedCalls += 1;
        expect([401, 403], label).not.toContain(r.status);
        if (p.merchant === 'B') {
          for (const [name, value] of Object.entries(secrets)) expect(r.text.includes(value), `${label} contains merchant A's ${name}`).toBe(false);
        }
      }
    }
    expect(allowedCalls).toBeGreaterThan(0);
    expect(refusedCalls).toBeGreaterThan(0);
    // Nothing merchant B's users did changed merchant A's rows.
    const victimAfter = await t.gateway.accounts.users.find(secrets.userId!);
    const audit = await t.gateway.accounts.audit.list({ limit: 500 });
    const touchedByB = audit.filter((e) => e.actorEmail.includes(merchantB) && e.action !== 'session.login' && e.action !== 'session.logout');
    expect(touchedByB.filter((e) => Object.values(secrets).some((s) => e.target === s || JSON.stringify(e.after ?? '').includes(s)))).toEqual([]);
    expect(await t.gateway.refunds.forOrder(secrets.orderId!)).toEqual([]);
    // The waiting refund is still waiting, the retrieval request still open.
    expect((await new RefundApprovals(t.gateway.database.db).find(secrets.approvalId!))?.state).toBe('PENDING');
    expect((await t.gateway.disputes.find(secrets.disputeId!))?.status).toBe('OPEN');
    // The operator and merchant A admins could reset the victim's password; merchant B's admin could not.
    expect(audit.filter((e) => e.action === 'user.password_reset' && e.target === secrets.userId).every((e) => !e.actorEmail.includes(merchantB))).toBe(true);
    expect(victimAfter).toBeDefined();
    expect(victimBefore).toBeDefined();
    expect(notificationBefore).toBeDefined();
  });
});
