/**
 * A tiny merchant shop integrated with OpenCashier through the SDK:
 *   GET  /          a product page with a "Pay" button
 *   POST /buy       creates an icc/order and sends the payer to the hosted cashier
 *   POST /notify    receives the signed notification, verifies it, answers SUCCESS
 *   GET  /return    where the cashier sends the payer back; shows the order's status
 *
 * Run: node examples/merchant-demo/dist/shop.js  (after `npm start` in another terminal);
 * SHOP_PORT sets its port (default 3000).
 * It reads the sandbox merchant from `opencashier sandbox merchant --json`
 * output saved at $MERCHANT_JSON, or from the gateway's data directory.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { PayEaseClient, type IccNotification } from '@opencashier/sdk';

interface MerchantInfo {
  merchantId: string;
  pfxPath: string;
  pfxPassword: string;
  gatewayCertPath: string;
  baseUrl: string;
}

/** The merchant's key files; a missing file is a set-up step not yet done, said in one line rather than a stack trace. */
function merchantInfo(path: string): MerchantInfo {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as MerchantInfo;
  } catch (error) {
    console.error(`demo shop: cannot read the sandbox merchant from ${path} (${(error as Error).message}): start the gateway once (npm start), or save \`opencashier sandbox merchant --json\` to a file and set MERCHANT_JSON to it`);
    process.exit(1);
  }
}

const info = merchantInfo(process.env.MERCHANT_JSON ?? './data/demo-merchant/merchant.json');
/** SHOP_PORT: where the shop listens (default 3000); the gateway must reach it there for notifications. */
const port = Number(process.env.SHOP_PORT ?? 3000);
const shopUrl = `http://127.0.0.1:${port}`;

const client = PayEaseClient.fromFiles(info);

/** Notifications received, by requestId: a real shop would mark its order paid in its database. */
const received = new Map<string, IccNotification>();

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body: string) => `<!doctype html><html><head><meta charset="utf-8"><title>Demo shop</title></head><body>${body}</body></html>`;

export const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? '/', shopUrl);
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page('<h1>Travel mug</h1><p>USD 19.90</p><form method="post" action="/buy"><button>Pay with card</button></form>'));
    }
    if (req.method === 'POST' && url.pathname === '/buy') {
      const order = await client.createIccOrder({
        requestId: randomUUID(),
        orderAmount: '1990', // minor units: USD 19.90
        orderCurrency: 'USD',
        notifyUrl: `${shopUrl}/notify`,
        callbackUrl: `${shopUrl}/return`,
        productDetails: [{ name: 'Travel mug', quantity: '1', amount: '1990' }],
        remark: 'Demo order',
      });
      res.writeHead(303, { location: order.redirectUrl! });
      return res.end();
    }
    if (req.method === 'POST' && url.pathname === '/notify') {
      const body = await readBody(req);
      const event = client.parseNotificationEvent(req.headers, body); // throws unless signed by the gateway
      if (event.type === 'ORDER') {
        received.set(event.order.requestId, event.order);
        console.log(`notification: order ${event.order.requestId} is ${event.order.status}`);
      } else if (event.type === 'REFUND') {
        console.log(`notification: refund ${event.refund.requestId} is ${event.refund.status}`);
      } else if ('dispute' in event) {
        // A chargeback or retrieval request: answer it with client.submitRetrievalBackfill before respondBy.
        console.log(`notification: ${event.type} ${event.dispute.disputeId} on order ${event.dispute.serialNumber} is ${event.dispute.disputeStatus} (${event.dispute.disputeEvent})`);
      } else {
        // An FX purchase order's step: its payment, its review, the currency bought, or a sale back after a refund.
        const { fxOrder } = event;
        console.log(`notification: FX ${event.type} for order ${fxOrder.requestId}: ${fxOrder.status}, review ${fxOrder.reviewStatus ?? 'none'}, purchase ${fxOrder.foreignExchange?.status ?? 'pending'}`);
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('SUCCESS');
    }
    if (req.method === 'GET' && url.pathname === '/return') {
      const requestId = url.searchParams.get('requestId') ?? '';
      // The browser's return proves nothing: ask the gateway.
      // The payer may be back before or after the notification: the status shown is the gateway's answer either way.
      const order = await client.queryIccOrder({ requestId });
      const notified = received.has(requestId) ? 'notification received' : 'notification not yet received; the status is the gateway\'s either way';
      const final = ['SUCCESS', 'FAILED', 'CANCEL'].includes(order.status);
      const again = final ? '' : `<p>The payment is not final yet. <a href="/return?requestId=${encodeURIComponent(requestId)}">Check again</a></p>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      return res.end(page(`<h1>Order ${escape(requestId)}</h1><p>Status: <strong>${escape(order.status)}</strong> (${notified})</p>${again}<a href="/">Shop again</a>`));
    }
    res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' }).end(page('<h1>Not found</h1><a href="/">Back to the shop</a>'));
  } catch (error) {
    // The details go to the shop's log; the payer gets a plain page, never a stack trace.
    console.error(error);
    const code = (error as { code?: unknown }).code;
    const what = typeof code === 'string' ? `The payment gateway answered ${escape(code)}.` : 'The payment gateway could not be reached.';
    res.writeHead(502, { 'content-type': 'text/html; charset=utf-8' }).end(page(`<h1>Something went wrong</h1><p>${what} Please try again.</p><a href="/">Back to the shop</a>`));
  }
});

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  server.listen(port, '127.0.0.1', () => console.log(`demo shop on ${shopUrl}`));
}
