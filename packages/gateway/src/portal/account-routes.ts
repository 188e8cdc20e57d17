import type { AccountService, Rotated } from './account-service.js';
import { permissionsOf } from './roles.js';
import type { PortalRoute } from './route-table.js';
import { bodyOf, requiredText } from './request-fields.js';
import { publicUser } from './user-repository.js';

type Reply = Parameters<PortalRoute['handler']>[2];

/**
 * The signed-in user's own account: who am I, log-out, password, second
 * factor. Any role. A new password or second factor ends every session of
 * the user and answers with a fresh cookie and CSRF token for this one.
 */
export function accountRoutes(accounts: AccountService, clock: () => number, cookies: { set: (reply: Reply, token: string) => void; clear: (reply: Reply) => void }): PortalRoute[] {
  const renewed = (reply: Reply, result: Rotated) => {
    cookies.set(reply, result.token);
    return { user: result.user, csrfToken: result.session.csrfToken };
  };
  return [
    {
      method: 'GET',
      url: '/me',
      permission: null,
      handler: async (ctx) => ({
        user: publicUser(ctx.user, clock()),
        permissions: permissionsOf(ctx.user.kind, ctx.user.role),
        csrfToken: ctx.session.csrfToken,
      }),
    },
    {
      method: 'POST',
      url: '/logout',
      permission: null,
      handler: async (ctx, _request, reply) => {
        await accounts.logout(ctx.session, ctx.actor, ctx.user.merchantId);
        cookies.clear(reply);
        return { ok: true };
      },
    },
    {
      method: 'POST',
      url: '/me/password',
      permission: null,
      handler: async (ctx, request, reply) => {
        const body = bodyOf(request);
        return renewed(reply, await accounts.changeOwnPassword(ctx.user, requiredText(body, 'currentPassword'), requiredText(body, 'newPassword'), ctx.actor));
      },
    },
    {
      method: 'POST',
      url: '/me/totp/setup',
      permission: null,
      handler: async (ctx) => accounts.totpEnrollment(ctx.user),
    },
    {
      method: 'POST',
      url: '/me/totp/enable',
      permission: null,
      handler: async (ctx, request, reply) => {
        const body = bodyOf(request);
        return renewed(reply, await accounts.enableTotp(ctx.user, requiredText(body, 'secretSealed', 512), requiredText(body, 'code', 16), ctx.actor));
      },
    },
  ];
}
