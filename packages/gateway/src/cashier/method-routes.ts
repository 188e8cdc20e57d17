import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../domain/errors.js';
import { offersPaymentMethods } from '../domain/payment-method.js';
import type { Order } from '../domain/order.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OnlinePayService } from '../onlinepay/online-pay-service.js';
import { qrPngBase64 } from '../protocols/payease/online-pay-fields.js';
import { cashierCssHref } from './assets.js';
import type { CashierLinks } from './links.js';
import { renderCheckoutPage, type CheckoutPageModel } from './views.js';
import { CASHIER_METHODS, isCashierMethod, methodsPanel, renderMethodActionPage } from './method-page.js';

/**
 * The unified order's page in the hosted cashier: before a method is
 * chosen, the card form (when the merchant takes cards) and the merchant's
 * other methods; after, what the payer must do for the chosen one.
 */
export async function onlinePayCheckoutPage(
  onlinePay: OnlinePayService,
  p: { order: Order; merchant: Merchant; token: string; csrfToken: string; checkout: CheckoutPageModel },
): Promise<string> {
  const { order, merchant, token } = p;
  const action = order.channel ? await onlinePay.storedAction(order.orderId) : undefined;
  if (action && (action.kind === 'scan' || action.kind === 'redirect' || action.kind === 'remit')) {
    return renderMethodActionPage({
      lang: order.language,
      merchantName: merchant.name,
      amountDisplay: p.checkout.amountDisplay,
      currency: order.currency,
      cssHref: cashierCssHref,
      sandbox: merchant.sandbox,
      method: order.paymentMethod ?? '',
      statusUrl: `/cashier/${token}`,
      action:
        action.kind === 'scan'
          ? { kind: 'scan', qrPngBase64: await qrPngBase64(action.content), content: action.content, wallet: order.paymentMethod === 'WECHAT_SCAN' ? 'wechat' : 'alipay' }
          : action.kind === 'remit'
            ? { kind: 'remit', payee: action.payee }
            : { kind: 'redirect', url: action.url },
    });
  }
  const enabled = await onlinePay.methodsFor(order.merchantId, order.currency);
  const listed = CASHIER_METHODS.filter((m) => enabled.includes(m));
  return renderCheckoutPage({
    ...p.checkout,
    methodsPanel: methodsPanel(order.language, listed, p.csrfToken, `/cashier/${token}/method`),
    cardEnabled: enabled.includes('CARD'),
  });
}

export interface MethodRouteDeps {
  onlinePay: OnlinePayService;
  links: CashierLinks;
  findOrder: (orderId: string) => Promise<Order | undefined>;
  /** The browser nonce the CSRF token is bound to (set by the cashier's pages). */
  nonceCookie: string;
}

/** The payer picks a method: start it, then send the payer on (wallet or bank page) or back to the order page (QR code). */
export async function cashierMethodRoutes(app: FastifyInstance, deps: MethodRouteDeps): Promise<void> {
  // A unified order of a merchant that does not take cards has no card form; a card posted anyway is not charged.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.url !== '/cashier/:token/pay') return;
    const token = (request.params as { token?: unknown }).token;
    const orderId = typeof token === 'string' ? deps.links.verify(token) : undefined;
    const order = orderId ? await deps.findOrder(orderId) : undefined;
    if (!order || !offersPaymentMethods(order.product)) return;
    if ((await deps.onlinePay.methodsFor(order.merchantId, order.currency)).includes('CARD')) return;
    return reply.redirect(`/cashier/${token as string}`, 303);
  });
  app.post<{ Params: { token: string }; Body: Record<string, unknown> }>('/cashier/:token/method', async (request: FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>, reply: FastifyReply) => {
    const { token } = request.params;
    const orderId = deps.links.verify(token);
    const order = orderId ? await deps.findOrder(orderId) : undefined;
    const back = () => reply.redirect(`/cashier/${token}`, 303);
    if (!order) return back();
    const body = request.body ?? {};
    const nonce = request.cookies[deps.nonceCookie] ?? '';
    if (!offersPaymentMethods(order.product) || order.state !== 'INIT' || !deps.links.checkCsrf(order.orderId, nonce, body._csrf)) return back();
    if (!isCashierMethod(body.method)) return back();
    try {
      const { action } = await deps.onlinePay.chooseInCashier(order, body.method);
      if (action?.kind === 'redirect') return reply.redirect(action.url, 303);
    } catch (error) {
      // Not enabled, already started, paid meanwhile: the order page shows where things stand.
      if (!(error instanceof GatewayError)) throw error;
    }
    return back();
  });
}
