import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PayEaseClient, type IccNotification } from '@opencashier/sdk';
import { html } from '../cashier/html.js';
import { renderPage, detailsList } from '../cashier/layout.js';
import { cashierCssHref } from '../cashier/assets.js';
import { demoMerchantInfoPath, type SandboxMerchantInfo } from '../provisioning.js';

export interface DemoDeps {
  dataDir: string;
  /** Where payers' browsers reach the gateway: the cashier and the return page. */
  publicBaseUrl: string;
  /** Where the gateway reaches itself: the API calls and the notifications. */
  internalBaseUrl: string;
}

/** Order states that no longer change by themselves (icc/query). */
const FINAL_STATES: ReadonlySet<string> = new Set(['SUCCESS', 'FAILED', 'CANCEL']);

/** Notifications the demo shop has received, newest kept; enough for a person trying it out. */
const DEMO_NOTIFICATIONS_MAX = 1_000;

/**
 * A demo shop of the demo sandbox merchant, served by the gateway itself so
 * that `npm start` alone is enough to pay an order in a browser. It is a
 * merchant like any other: it calls the PayEase API over HTTP with the SDK
 * and its own key files, and receives signed notifications.
 */
export async function demoRoutes(app: FastifyInstance, deps: DemoDeps): Promise<void> {
  let client: PayEaseClient | undefined;
  const received = new Map<string, IccNotification>();
  const clientOf = (): PayEaseClient | undefined => {
    if (client) return client;
    const path = demoMerchantInfoPath(deps.dataDir);
    if (!existsSync(path)) return undefined;
    const info = JSON.parse(readFileSync(path, 'utf8')) as SandboxMerchantInfo;
    client = PayEaseClient.fromFiles({ ...info, baseUrl: deps.internalBaseUrl });
    return client;
  };
  const page = (reply: FastifyReply, title: string, main: ReturnType<typeof html>) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderPage({ lang: 'en', title, cssHref: cashierCssHref, sandbox: true, main }));

  // Something went wrong on the shop's side: a plain page for the payer, the details in the log (never a stack trace in the browser).
  const failure = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    request.log.warn({ err: error }, 'demo shop request failed');
    const code = (error as { code?: unknown }).code;
    return page(
      reply.code(502),
      'Demo shop',
      html`<section class="panel" aria-labelledby="demo-title">
<h1 class="panel__title" id="demo-title">The demo shop could not complete this</h1>
<p>${typeof code === 'string' ? `The gateway answered ${code}.` : 'The gateway could not be reached.'} The gateway's log has the details.</p>
<a class="button button--primary" href="/demo">Back to the demo shop</a>
</section>`,
    );
  };

  // The shop's page only shows the product: an order is created by the form's POST, never by a GET (a crawler, a reload, a prefetch).
  app.get('/demo', async (_request, reply) => {
    if (!clientOf()) return reply.callNotFound();
    return page(
      reply,
      'Demo shop',
      html`<section class="panel" aria-labelledby="demo-title">
<h1 class="panel__title" id="demo-title">Demo shop: travel mug</h1>
${detailsList([
  ['Price', 'USD 19.90'],
  ['Test card', '4242 4242 4242 4242, any future expiry, any CVV'],
])}
<form method="post" action="/demo/order">
<button class="button button--primary" type="submit">Pay USD 19.90</button>
</form>
</section>`,
    );
  });

  app.post('/demo/order', async (request, reply) => {
    const c = clientOf();
    if (!c) return reply.callNotFound();
    try {
      const requestId = `DEMO-${Date.now()}-${randomBytes(3).toString('hex')}`;
      const order = await c.createIccOrder({
        requestId,
        orderAmount: '1990',
        orderCurrency: 'USD',
        notifyUrl: `${deps.internalBaseUrl}/demo/notify`,
        callbackUrl: `${deps.publicBaseUrl}/demo/return`,
        productDetails: [{ name: 'Travel mug', quantity: '1', amount: '1990' }],
        remark: 'Demo order: pay with 4242 4242 4242 4242',
      });
      return reply.redirect(order.redirectUrl!, 303);
    } catch (error) {
      return failure(request, reply, error);
    }
  });

  app.post('/demo/notify', async (request, reply) => {
    const c = clientOf();
    if (!c) return reply.code(404).type('text/plain').send('no demo merchant');
    const event = c.parseNotificationEvent(request.headers, String(request.body ?? ''));
    // Refund and dispute notifications (a magic card's chargeback, say) are acknowledged too; the page shows orders'.
    if (event.type !== 'ORDER') return reply.type('text/plain').send('SUCCESS');
    if (received.size >= DEMO_NOTIFICATIONS_MAX) received.delete(received.keys().next().value as string);
    received.set(event.order.requestId, event.order);
    return reply.type('text/plain').send('SUCCESS');
  });

  app.get<{ Querystring: { requestId?: string } }>('/demo/return', async (request, reply) => {
    const c = clientOf();
    const requestId = request.query.requestId ?? '';
    if (!c || !/^DEMO-[0-9]+-[0-9a-f]{6}$/.test(requestId)) return reply.callNotFound();
    // The browser's return proves nothing and may come before or after the notification: the shop asks the gateway, so the state shown is right either way.
    let order: Awaited<ReturnType<PayEaseClient['queryIccOrder']>>;
    try {
      order = await c.queryIccOrder({ requestId });
    } catch (error) {
      return failure(request, reply, error);
    }
    const notification = received.get(requestId);
    const final = FINAL_STATES.has(order.status);
    return page(
      reply,
      'Demo shop',
      html`<section class="panel" aria-labelledby="demo-title">
<h1 class="panel__title" id="demo-title">Demo shop: order ${requestId}</h1>
${detailsList([
  ['Status (icc/query)', order.status],
  ['Notification', notification ? `received, signed, status ${notification.status}` : "not received yet (it follows within seconds; the status above is the gateway's either way)"],
  ['Card', order.clearingOrg ?? '—'],
])}
<p class="notice">${final ? "This page is the merchant's: it asked the gateway for the order's status and shows the signed notification it received." : 'The payment is not final yet: check again in a moment.'}</p>
${final ? html`` : html`<a class="button" href="${`/demo/return?requestId=${requestId}`}">Check again</a>`}
<a class="button button--primary" href="/demo">Pay another demo order</a>
</section>`,
    );
  });
}
