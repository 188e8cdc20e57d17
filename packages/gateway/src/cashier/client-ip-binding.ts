import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Order } from '../domain/order.js';
import { normaliseIp } from '../domain/ip-address.js';
import { cashierCssHref } from './assets.js';
import type { CashierLinks } from './links.js';
import { renderErrorPage } from './views.js';

/**
 * The order products whose `clientIp` binds the cashier to the payer's
 * address, as their seeds say: the unified order (`onlinePay/order`) and the
 * foreign-exchange order (seed 002: "如果设置了 clientIp(参数传本机ip),此订单将不能在其他 ip
 * 继续支付"). The card cashier's `icc/order` (seed 000) defines no clientIp:
 * one sent there is a risk hint (where the payer is, when the browser's own
 * address is not known), like the flat-JSON `client_ip` and the form
 * gateway's `payerIP`.
 */
export const CLIENT_IP_BOUND_PRODUCTS: ReadonlySet<string> = new Set(['onlinePay', 'foreignExchange']);

/**
 * `clientIp` binding: when the merchant named the payer's address, the
 * hosted cashier serves the order only to that address, so a payment link
 * that leaks (forwarded, phished) cannot be paid elsewhere. Runs before
 * every `/cashier/:token…` route; other pages pass through.
 */
export function clientIpGuard(deps: { links: CashierLinks; findOrder: (orderId: string) => Promise<Order | undefined> }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.routeOptions.url?.startsWith('/cashier/:token')) return;
    const token = (request.params as { token?: unknown }).token;
    const orderId = typeof token === 'string' ? deps.links.verify(token) : undefined;
    const order = orderId ? await deps.findOrder(orderId) : undefined;
    if (!order || !order.clientIp || !CLIENT_IP_BOUND_PRODUCTS.has(order.product ?? 'icc')) return;
    if (normaliseIp(order.clientIp) === normaliseIp(request.ip)) return;
    request.logFields = { code: 'CLIENT_IP_MISMATCH' };
    return reply
      .code(403)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderErrorPage({ lang: order.language, titleKey: 'errorPage.clientIp.title', messageKey: 'errorPage.clientIp.message', cssHref: cashierCssHref, status: 403 }));
  };
}
