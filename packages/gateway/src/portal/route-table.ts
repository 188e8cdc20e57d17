import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuditActor } from './audit-log.js';
import type { Permission } from './roles.js';
import type { PortalSession } from './session-repository.js';
import type { PortalUser } from './user-repository.js';

/** Who is asking, resolved from the session cookie before any handler runs. */
export interface PortalContext {
  user: PortalUser;
  session: PortalSession;
  actor: AuditActor;
  /** Set for merchant users: every merchant route reads and writes only this merchant's rows. */
  merchantId: string | null;
}

/**
 * One route of `/portal/api`. `permission` null: any signed-in user (their
 * own account). Every other route is refused with PORTAL_FORBIDDEN unless
 * the user's role grants the permission; merchant permissions exist only
 * for merchant users, so an operator never reaches a merchant route and the
 * other way round. The cross-merchant matrix test walks this table.
 */
export interface PortalRoute {
  method: 'GET' | 'POST';
  url: string;
  permission: Permission | null;
  /** A larger request body than the default, for routes that carry files (dispute evidence). */
  bodyLimitBytes?: number;
  handler: (ctx: PortalContext, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
}
