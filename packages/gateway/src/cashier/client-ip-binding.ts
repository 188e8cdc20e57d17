import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Order } from '../domain/order.js';
import { normaliseIp } from '../domain/ip-address.js';
import { cashierCssHref } from './assets.js';
import type { CashierLinks } from './links.js';
import { renderErrorPage } from './views.js';

/**
 * `clientIp` binding of unified orders: when the merchant named the payer's
 * address, the hosted cashier serves the order only to that address, so a
 * payment link that leaks (forwarded, phished) cannot be paid elsewhere.
 * Runs before every `/cashier/:token…` route; other pages pass through.
 */
export function clientIpGuard(deps: { links: CashierLinks; findOrder: (orderId: string) => Promise<Order | undefined> }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.url?.startsWith('/cashier/:token')) return;
    const token = (request.params as { token?: unknown }).token;
    const orderId = typeof token === 'string' ? deps.links.verify(token) : undefined;
    const order = orderId ? await deps.findOrder(orderId) : undefined;
    if (!order || order.product !== 'onlinePay' || !order.clientIp) return;
    if (normaliseIp(order.clientIp) === normaliseIp(request.ip)) return;
    request.logFields = { code: 'CLIENT_IP_MISMATCH' };
    return reply
      .code(403)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderErrorPage({ lang: order.language, titleKey: 'errorPage.clientIp.title', messageKey: 'errorPage.clientIp.message', cssHref: cashierCssHref, status: 403 }));
  };
}
