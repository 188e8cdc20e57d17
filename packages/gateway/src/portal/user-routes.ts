import type { AccountService } from './account-service.js';
import { portalError } from './portal-error.js';
import type { PortalContext, PortalRoute } from './route-table.js';
import { bodyOf, optionalText, paramOf, requiredText } from './request-fields.js';
import { generatePassword } from './password.js';
import { publicUser } from './user-repository.js';
import { sessionSummary } from './session-repository.js';
import type { UserKind } from './roles.js';

/**
 * User management, for a merchant admin (its own merchant's users) and a
 * super admin (every user). A generated temporary password is returned
 * once; the user must choose a new one at first log-in.
 */
export function userRoutes(accounts: AccountService, clock: () => number): PortalRoute[] {
  /** The user a route names, if the caller may manage it: a merchant admin sees only its own merchant's users. */
  const managed = async (ctx: PortalContext, userId: string) => {
    const user = await accounts.users.find(userId);
    if (!user || (ctx.merchantId !== null && user.merchantId !== ctx.merchantId)) throw portalError('PORTAL_USER_NOT_FOUND');
    return user;
  };
  const routes = (prefix: string, permission: 'merchant.users' | 'operator.users'): PortalRoute[] => [
    {
      method: 'GET',
      url: `${prefix}/users`,
      permission,
      handler: async (ctx) => {
        const users = await accounts.users.list(ctx.merchantId !== null ? { merchantId: ctx.merchantId } : {});
        return { users: users.map((u) => publicUser(u, clock())) };
      },
    },
    {
      method: 'POST',
      url: `${prefix}/users`,
      permission,
      handler: async (ctx, request) => {
        const body = bodyOf(request);
        const kind: UserKind = ctx.merchantId !== null ? 'merchant' : ((optionalText(body, 'kind', 16) ?? 'operator') as UserKind);
        if (kind !== 'merchant' && kind !== 'operator') throw portalError('FIELD_INVALID', { field: 'kind', reason: 'merchant or operator' });
        const merchantId = ctx.merchantId ?? (kind === 'merchant' ? requiredText(body, 'merchantId', 64) : null);
        const password = generatePassword();
        const user = await accounts.createUser(
          { email: requiredText(body, 'email'), password, kind, merchantId, role: requiredText(body, 'role', 32), mustChangePassword: true },
          ctx.actor,
        );
        return { user, temporaryPassword: password };
      },
    },
    {
      method: 'POST',
      url: `${prefix}/users/:userId/reset-password`,
      permission,
      handler: async (ctx, request) => {
        const user = await managed(ctx, paramOf(request, 'userId'));
        const password = generatePassword();
        return { user: await accounts.resetPassword(user.userId, password, ctx.actor), temporaryPassword: password };
      },
    },
    {
      method: 'POST',
      url: `${prefix}/users/:userId/role`,
      permission,
      handler: async (ctx, request) => {
        const user = await managed(ctx, paramOf(request, 'userId'));
        return { user: await accounts.setRole(user.userId, requiredText(bodyOf(request), 'role', 32), ctx.actor) };
      },
    },
    {
      method: 'POST',
      url: `${prefix}/users/:userId/status`,
      permission,
      handler: async (ctx, request) => {
        const user = await managed(ctx, paramOf(request, 'userId'));
        const status = requiredText(bodyOf(request), 'status', 16);
        if (status !== 'active' && status !== 'disabled') throw portalError('FIELD_INVALID', { field: 'status', reason: 'active or disabled' });
        if (user.userId === ctx.user.userId) throw portalError('PORTAL_FORBIDDEN');
        return { user: await accounts.setStatus(user.userId, status, ctx.actor) };
      },
    },
    {
      method: 'GET',
      url: `${prefix}/users/:userId/sessions`,
      permission,
      handler: async (ctx, request) => {
        const user = await managed(ctx, paramOf(request, 'userId'));
        const sessions = await accounts.sessions.listForUser(user.userId);
        return { sessions: sessions.map((s) => ({ ...sessionSummary(s), current: s.tokenHash === ctx.session.tokenHash })) };
      },
    },
    {
      method: 'POST',
      url: `${prefix}/users/:userId/sessions/end`,
      permission,
      handler: async (ctx, request) => {
        const user = await managed(ctx, paramOf(request, 'userId'));
        const sessionId = optionalText(bodyOf(request), 'sessionId', 64);
        return { ended: await accounts.endSessions(user.userId, ctx.actor, sessionId) };
      },
    },
    {
      method: 'GET',
      url: `${prefix}/audit`,
      permission: prefix === '/m' ? 'merchant.audit' : 'operator.audit',
      handler: async (ctx) => ({ entries: await accounts.audit.list({ ...(ctx.merchantId !== null ? { merchantId: ctx.merchantId } : {}), limit: 200 }) }),
    },
  ];
  return [...routes('/m', 'merchant.users'), ...routes('/o', 'operator.users')];
}
