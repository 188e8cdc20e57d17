import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../domain/errors.js';
import { currency } from '../domain/currencies.js';
import { formatMinor } from '../domain/money.js';
import { offersPaymentMethods } from '../domain/payment-method.js';
import { isDeclineCode, type DeclineCode } from '../domain/channel.js';
import type { Order } from '../domain/order.js';
import { RISK_DECLINED, RISK_REVIEW_REJECTED, type PaymentContext } from '../domain/risk-gate.js';
import { CANCELLED_AWAITING_CHANNEL, CANCELLED_BY_MERCHANT, CANCELLED_BY_PAYER, type OrderService } from '../orders/order-service.js';
import type { Merchant } from '../store/merchant-repository.js';
import { cashierCss, cashierCssCacheControl, cashierCssContentType, cashierCssHref, cashierJs, cashierJsContentType, cashierJsHref } from './assets.js';
import { cardBrandName } from '../domain/card-brand.js';
import { parseCardForm } from './card-form.js';
import type { CashierLinks } from './links.js';
import type { OnlinePayService } from '../onlinepay/online-pay-service.js';
import { cashierMethodRoutes, onlinePayCheckoutPage } from './method-routes.js';
import { normaliseLang } from './i18n.js';
import { clientIpGuard } from './client-ip-binding.js';
import { renderChallengePage, renderCheckoutPage, renderErrorPage, renderResultPage, type CheckoutPageModel } from './views.js';

export interface CashierDeps {
  orders: OrderService;
  findMerchant: (merchantId: string) => Promise<Merchant | undefined>;
  links: CashierLinks;
  clock: () => number;
  /** Cookies get `Secure` when the public URL is https. */
  secureCookies: boolean;
  /** The result page's link back to the shop, as the order's merchant dialect builds it; undefined shows none. */
  returnUrl: (order: Order) => string | undefined;
  /** Unified orders: the methods beside the card form. */
  onlinePay?: OnlinePayService;
}

/** The payer's browser nonce: binds CSRF tokens to one browser. */
const NONCE_COOKIE = 'oc_nonce';
const NONCE_BYTES = 18;
/** The payer's device cookie: a random id that outlives the browser session, one of risk control's velocity keys. */
const DEVICE_COOKIE = 'oc_device';
const DEVICE_COOKIE_MAX_AGE_SECONDS = 400 * 86_400;

const DECLINE_REASON: Readonly<Record<DeclineCode, string>> = {
  DO_NOT_HONOR: 'reason.declined',
  INSUFFICIENT_FUNDS: 'reason.insufficientFunds',
  EXPIRED_CARD: 'reason.expiredCard',
  CVV_MISMATCH: 'reason.invalidCard',
  LOST_CARD: 'reason.declined',
  STOLEN_CARD: 'reason.declined',
  AUTHENTICATION_FAILED: 'reason.authenticationFailed',
  PROCESSING_ERROR: 'reason.unavailable',
};

interface Params {
  token: string;
}

/**
 * The hosted cashier: server-rendered pages that work without JavaScript.
 * Every POST answers with a redirect to the order's page (post/redirect/get),
 * so a reload never submits a card twice.
 */
export async function cashierRoutes(app: FastifyInstance, deps: CashierDeps): Promise<void> {
  /** An amount of the order's currency for people, e.g. "19.90" or, for JPY, "1500". */
  const display = (order: Order, amountMinor: bigint = order.amountMinor) => formatMinor(amountMinor, currency(order.currency).exponent);
  /** Refusals are expected on these pages (already paid, expired, paid in another tab): the order page then says which. */
  const ignoreRefusal = (error: unknown) => {
    if (!(error instanceof GatewayError)) throw error;
  };

  const nonceOf = (request: FastifyRequest, reply: FastifyReply): string => {
    const existing = request.cookies[NONCE_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{24}$/.test(existing)) return existing;
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    reply.setCookie(NONCE_COOKIE, nonce, { path: '/cashier', httpOnly: true, sameSite: 'lax', secure: deps.secureCookies });
    return nonce;
  };

  const deviceOf = (request: FastifyRequest, reply: FastifyReply): string => {
    const existing = request.cookies[DEVICE_COOKIE];
    if (existing && /^[A-Za-z0-9_-]{24}$/.test(existing)) return existing;
    const device = randomBytes(NONCE_BYTES).toString('base64url');
    reply.setCookie(DEVICE_COOKIE, device, { path: '/cashier', httpOnly: true, sameSite: 'lax', secure: deps.secureCookies, maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS });
    return device;
  };

  const errorPage = (reply: FastifyReply, status: number, key: 'notFound' | 'badRequest' | 'generic', lang: 'en' | 'zh' = 'en') =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(renderErrorPage({ lang, titleKey: `errorPage.${key}.title`, messageKey: `errorPage.${key}.message`, cssHref: cashierCssHref, status }));

  const load = async (token: string): Promise<{ order: Order; merchant: Merchant } | undefined> => {
    const orderId = deps.links.verify(token);
    if (!orderId) return undefined;
    const order = await deps.orders.find(orderId);
    const merchant = order ? await deps.findMerchant(order.merchantId) : undefined;
    return order && merchant ? { order, merchant } : undefined;
  };

  const checkoutModel = (order: Order, merchant: Merchant, csrfToken: string, token: string): CheckoutPageModel => ({
    lang: order.language,
    merchantName: merchant.name,
    amountDisplay: display(order),
    currency: order.currency,
    requestId: order.requestId,
    ...(order.remark ? { remark: order.remark } : {}),
    products: order.details.products.map((p) => ({
      name: p.name,
      quantity: p.quantity,
      amountDisplay: display(order, p.amountMinor),
    })),
    expiresAtIso: new Date(order.expiresAtMs).toISOString(),
    csrfToken,
    formAction: `/cashier/${token}/pay`,
    cssHref: cashierCssHref,
    sandbox: merchant.sandbox,
  });

  const show = async (reply: FastifyReply, token: string, order: Order, merchant: Merchant, nonce: string, challengeError?: string) => {
    const status = challengeError ? 422 : 200;
    const html = (body: string) => reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
    if (order.state === 'INIT' && order.expiresAtMs <= deps.clock()) {
      order = (await deps.orders.expireNow(order.orderId).catch(ignoreRefusal)) ?? order;
    }
    const common = { lang: order.language, merchantName: merchant.name, amountDisplay: display(order), currency: order.currency, cssHref: cashierCssHref };
    switch (order.state) {
      case 'INIT': {
        const csrfToken = deps.links.csrf(order.orderId, nonce);
        const checkout = checkoutModel(order, merchant, csrfToken, token);
        if (offersPaymentMethods(order.product) && deps.onlinePay) return html(await onlinePayCheckoutPage(deps.onlinePay, { order, merchant, token, csrfToken, checkout }));
        return html(renderCheckoutPage(checkout));
      }
      case 'CHALLENGE': {
        const sandboxHint = merchant.sandbox ? await deps.orders.challengeHint(order) : undefined;
        return html(
          renderChallengePage({
            ...common,
            csrfToken: deps.links.csrf(order.orderId, nonce),
            formAction: `/cashier/${token}/challenge`,
            sandbox: merchant.sandbox,
            ...(challengeError ? { error: challengeError } : {}),
            ...(sandboxHint ? { sandboxHint } : {}),
          }),
        );
      }
      case 'PROCESSING':
      case 'UNKNOWN':
      case 'REVIEW':
        return html(
          renderResultPage({ ...common, outcome: 'pending', requestId: order.requestId, statusUrl: `/cashier/${token}`, sandbox: merchant.sandbox, ...(order.state === 'REVIEW' ? { reasonKey: 'reason.underReview' } : {}) }),
        );
      case 'SUCCESS':
      case 'FAILED':
      case 'CANCEL': {
        const outcome = order.state === 'SUCCESS' ? 'success' : order.state === 'FAILED' || order.declineCode === RISK_REVIEW_REJECTED ? 'failed' : cancelOutcome(order.declineCode);
        const riskStopped = order.declineCode === RISK_DECLINED || order.declineCode === RISK_REVIEW_REJECTED;
        const reasonKey = riskStopped ? 'reason.riskRejected' : order.state === 'FAILED' && isDeclineCode(order.declineCode) ? DECLINE_REASON[order.declineCode] : undefined;
        const returnUrl = deps.returnUrl(order);
        return html(
          renderResultPage({ ...common, outcome, requestId: order.requestId, sandbox: merchant.sandbox, ...(returnUrl ? { returnUrl } : {}), ...(reasonKey ? { reasonKey } : {}) }),
        );
      }
    }
  };

  app.get(cashierCssHref, async (_request, reply) =>
    reply.type(cashierCssContentType).header('cache-control', cashierCssCacheControl).send(cashierCss),
  );
  // Same URL-carries-the-hash rule as the stylesheet, so it too is cached for a year.
  app.get(cashierJsHref, async (_request, reply) => reply.type(cashierJsContentType).header('cache-control', cashierCssCacheControl).send(cashierJs));

  app.get<{ Params: Params }>('/cashier/:token', async (request, reply) => {
    const found = await load(request.params.token);
    // No order, so no order language: the browser's first preferred language says which.
    if (!found) return errorPage(reply, 404, 'notFound', normaliseLang(request.headers['accept-language']));
    deviceOf(request, reply);
    return show(reply, request.params.token, found.order, found.merchant, nonceOf(request, reply));
  });

  /** What every cashier form post needs: the order behind a valid link, the browser nonce and the form. */
  interface FormPost {
    token: string;
    order: Order;
    merchant: Merchant;
    nonce: string;
    body: Record<string, unknown>;
    csrfValid: boolean;
    /** Who is paying, for risk control: the browser's address and device cookie. */
    context: PaymentContext;
  }
  const formPost =
    (handler: (post: FormPost, reply: FastifyReply) => Promise<FastifyReply>) =>
    async (request: FastifyRequest<{ Params: Params; Body: Record<string, unknown> }>, reply: FastifyReply) => {
      const { token } = request.params;
      const found = await load(token);
      if (!found) return errorPage(reply, 404, 'notFound', normaliseLang(request.headers['accept-language']));
      const nonce = nonceOf(request, reply);
      const body = (request.body ?? {}) as Record<string, unknown>;
      const context: PaymentContext = { ip: request.ip, deviceId: deviceOf(request, reply) };
      return handler({ token, ...found, nonce, body, csrfValid: deps.links.checkCsrf(found.order.orderId, nonce, body._csrf), context }, reply);
    };
  const backToOrder = (reply: FastifyReply, token: string) => reply.redirect(`/cashier/${token}`, 303);
  const checkoutAgain = (reply: FastifyReply, status: number, p: FormPost, extra: Pick<CheckoutPageModel, 'errors' | 'values'>) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(renderCheckoutPage({ ...checkoutModel(p.order, p.merchant, deps.links.csrf(p.order.orderId, p.nonce), p.token), ...extra }));

  app.post<{ Params: Params; Body: Record<string, unknown> }>(
    '/cashier/:token/pay',
    formPost(async (p, reply) => {
      if (p.order.state !== 'INIT') return backToOrder(reply, p.token);
      if (!p.csrfValid) return checkoutAgain(reply, 403, p, { errors: { form: 'error.form.session' } });
      const parsed = parseCardForm(p.body, new Date(deps.clock()));
      if (!parsed.ok) return checkoutAgain(reply, 422, p, { errors: parsed.errors, values: parsed.values });
      const { card } = parsed;
      await deps.orders.pay(p.order.orderId, { ...card, brand: cardBrandName(card.brand) }, { context: p.context }).catch(ignoreRefusal);
      return backToOrder(reply, p.token);
    }),
  );

  app.addHook('preHandler', clientIpGuard({ links: deps.links, findOrder: (id) => deps.orders.find(id) }));
  if (deps.onlinePay) await cashierMethodRoutes(app, { onlinePay: deps.onlinePay, links: deps.links, findOrder: (id) => deps.orders.find(id), nonceCookie: NONCE_COOKIE });

  app.post<{ Params: Params; Body: Record<string, unknown> }>(
    '/cashier/:token/challenge',
    formPost(async (p, reply) => {
      if (p.order.state !== 'CHALLENGE' || !p.csrfValid) return backToOrder(reply, p.token);
      if (p.body.action === 'cancel') {
        await deps.orders.completeChallenge(p.order.orderId, { cancel: true }).catch(ignoreRefusal);
        return backToOrder(reply, p.token);
      }
      const otp = typeof p.body.otp === 'string' ? p.body.otp.replace(/\s+/g, '') : '';
      if (!/^[0-9]{4,8}$/.test(otp)) return show(reply, p.token, p.order, p.merchant, p.nonce, otp === '' ? 'error.otp.required' : 'error.otp.invalid');
      await deps.orders.completeChallenge(p.order.orderId, { otp }).catch(ignoreRefusal);
      return backToOrder(reply, p.token);
    }),
  );
}

/** Why an order was cancelled, as the result page says it. */
function cancelOutcome(declineCode: string | null): 'cancelled' | 'withdrawn' | 'expired' {
  if (declineCode === CANCELLED_BY_PAYER) return 'cancelled';
  if (declineCode === CANCELLED_BY_MERCHANT || declineCode === CANCELLED_AWAITING_CHANNEL) return 'withdrawn';
  return 'expired';
}
