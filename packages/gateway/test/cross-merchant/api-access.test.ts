/**
 * Cross-merchant access on every HTTP route the gateway registers (all three
 * merchant dialects, the signed-link routes, the cashier, admin and ops):
 * merchant B, with valid credentials of its own, names merchant A's orders,
 * refunds, disputes, saved cards and files. Every attempt is refused, no
 * answer carries any of A's identifiers, and A's rows are unchanged.
 *
 * Generated from the gateway's own route list: a route that this table does
 * not know fails the first test, so a new route cannot ship without saying
 * how it is exercised (or why it names no merchant's object). The back-office
 * API is walked by portal/access-matrix.test.ts from its route table; this
 * file checks that every /portal/api route is in that table.
 *
 * Each refusal is checked against the owner: A sending the same request is
 * not refused the same way, so B's refusal came from the ownership check and
 * not from a missing field.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, FORM_ORDER_QUERY_FIELDS, FORM_REFUND_FIELDS, FORM_REFUND_QUERY_FIELDS, FORM_RESEND_FIELDS, PayEaseClient } from '@opencashier/sdk';
import { ensureDemoMerchant, type SandboxMerchantInfo } from '../../src/provisioning.js';
import { portalRoutes, type PortalOptions } from '../../src/portal/portal-app.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { seedSign } from '../global-json/seed-merchant.js';
import { encodeForm, orderForm, postForm, signMd5 } from '../form-gateway/support.js';
import { seedContent, seedMd5 } from '../form-gateway/seed-shop.js';
import { FX_ORDER, snapshotOf, type Victim } from './victim.js';

const ANY = 'http://127.0.0.1:9999';
const MERCHANT_B = '100000002';

interface Answer {
  code: string;
  text: string;
  httpStatus: number;
  /** What the caller sent: an identifier it sent itself and sees echoed in an error is not a leak. */
  sent: string;
}

type Caller = { kind: 'A' | 'B' };
interface ApiCase {
  kind: 'api';
  /** Sends the request as `who`, naming A's objects. */
  send: (who: Caller, v: Victim) => Promise<Answer>;
  /** The codes B may get. `own`: the route acts on the caller's own namespace (B gets its own, empty, result). */
  refusedAs: readonly string[] | 'own';
  /** The same request naming each of A's other objects of that kind, sent as B only (every id, not just one). */
  others?: (who: Caller, v: Victim) => Promise<Answer>[];
}
interface LinkCase {
  kind: 'link';
  /** Requests the route with a link made for B (or none) pointed at A's object; must be refused. */
  send: (v: Victim) => Promise<Answer>;
}
interface Exempt {
  kind: 'exempt';
  why: string;
}
type RouteCase = ApiCase | LinkCase | Exempt;

describe.each(testDatabases())('cross-merchant access on every route (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let b: SandboxMerchantInfo;
  const clients: Record<'A' | 'B', PayEaseClient> = {} as never;
  const v = {} as Victim;
  let seq = 0;
  const rid = (p: string) => `${p}-${++seq}`;

  async function payEase(who: Caller, path: string, payload: Record<string, unknown>): Promise<Answer> {
    const client = clients[who.kind];
    const sent = JSON.stringify(payload);
    try {
      const answer = await client.call(path, { merchantId: who.kind === 'A' ? t.merchant.merchantId : MERCHANT_B, ...payload });
      return { code: String(answer.code ?? answer.status ?? 'SUCCESS'), text: JSON.stringify(answer), httpStatus: 200, sent };
    } catch (error) {
      if (error instanceof BusinessError) return { code: error.code ?? error.status, text: JSON.stringify(error.response), httpStatus: 200, sent };
      throw error;
    }
  }
  async function globalJson(who: Caller, path: string, fields: Record<string, unknown>): Promise<Answer> {
    const creds = who.kind === 'A' ? t.merchant.globalJson! : b.globalJson!;
    const body = { mchid: who.kind === 'A' ? t.merchant.merchantId : MERCHANT_B, appid: creds.appid, ...fields };
    const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, sign: seedSign(body, creds.secret) }) });
    const text = await response.text();
    const answer = JSON.parse(text) as { code: string };
    return { code: answer.code === '0' ? 'SUCCESS' : answer.code, text, httpStatus: response.status, sent: JSON.stringify(fields) };
  }
  async function form(who: Caller, path: string): Promise<Answer> {
    // B signs with its own key a form that names A's account: the signature is checked against A's key.
    const key = who.kind === 'A' ? t.merchant.formGateway!.md5Key : b.formGateway!.md5Key;
    const signed = signMd5(orderForm({ pageUrl: `${ANY}/page`, bgUrl: `${ANY}/bg` } as never, t.merchant.formGateway!.merchantAcctId), key);
    const response = await postForm(t.baseUrl, encodeForm(signed), path);
    const text = await response.text();
    return { code: response.status === 303 ? 'SUCCESS' : (/errCode[^0-9]*([0-9]+)/.exec(text)?.[1] ?? String(response.status)), text, httpStatus: response.status, sent: JSON.stringify(signed) };
  }
  /** A form gateway server call naming A's account and order: B signs it with its own key, A with A's. */
  async function formCall(who: Caller, path: string, signedOrder: readonly string[], fields: Record<string, string>): Promise<Answer> {
    const key = who.kind === 'A' ? t.merchant.formGateway!.md5Key : b.formGateway!.md5Key;
    const call = { inputCharset: '1', version: 'v2.0', signType: '1', merchantAcctId: t.merchant.formGateway!.merchantAcctId, ...fields };
    const response = await postForm(t.baseUrl, encodeForm({ ...call, signMsg: seedMd5(seedContent(call, signedOrder), key) }), path);
    const text = await response.text();
    return { code: /<errCode>([0-9]+)<\/errCode>/.exec(text)?.[1] ?? 'SUCCESS', text, httpStatus: response.status, sent: JSON.stringify(call) };
  }
  /** A plain request; a redirect within the gateway is followed (a refused form goes back to its page), one elsewhere is reported as is. */
  async function get(url: string, init: RequestInit = {}): Promise<Answer> {
    let response = await fetch(url, { redirect: 'manual', ...init });
    for (let hops = 0; hops < 3 && response.status >= 300 && response.status < 400; hops += 1) {
      const next = new URL(response.headers.get('location') ?? '', url);
      if (next.origin !== new URL(t.baseUrl).origin) break;
      response = await fetch(next, { redirect: 'manual' });
    }
    return { code: String(response.status), text: await response.text(), httpStatus: response.status, sent: `${url} ${String(init.body ?? '')}` };
  }
  const pe = (path: string, payload: (v: Victim) => Record<string, unknown>, refusedAs: readonly string[] | 'own', others?: (v: Victim) => Record<string, unknown>[]): ApiCase => ({
    kind: 'api',
    send: (who, victim) => payEase(who, path, payload(victim)),
    refusedAs,
    ...(others ? { others: (who: Caller, victim: Victim) => others(victim).map((p) => payEase(who, path, p)) } : {}),
  });
  /** Every order of A, whatever API made it and whatever its state. */
  const everyOrder = (x: Victim) => [x.iccPaid, x.iccInit, x.iccDisputed, x.online, x.fx];
  const byRequestId = (extra: Record<string, unknown> = {}) => (x: Victim) => everyOrder(x).map((o) => ({ requestId: o.requestId, ...extra }));
  const byOrderId = (x: Victim) => everyOrder(x).map((o) => ({ requestId: rid('b-refund'), orderId: o.orderId, amount: '100' }));
  const card = (number: string) => ({ number, holderName: 'PAT PAYER' });
  const notFound = ['ORDER_NOT_FOUND'];
  const declaration = (orderRequestId: string) => ({ requestId: rid('b-decl'), orderRequestId, customsCode: 'SANDBOX', ecpCode: '1234567890', ecpName: 'Blue Shop' });

  /** Every route, by `METHOD url` as the gateway registers it (hashed asset names by pattern below). */
  const CASES: Record<string, RouteCase> = {
    'POST /icc/order': pe('icc/order', () => ({ requestId: rid('b-order'), orderAmount: '100', orderCurrency: 'USD', notifyUrl: `${ANY}/n`, callbackUrl: `${ANY}/r` }), 'own'),
    'POST /icc/query': pe('icc/query', (x) => ({ requestId: x.iccPaid.requestId }), notFound, byRequestId()),
    'POST /icc/refund': pe('icc/refund', (x) => ({ requestId: rid('b-refund'), orderId: x.iccPaid.orderId, amount: '100' }), notFound, byOrderId),
    'POST /onlinePay/refund': pe('onlinePay/refund', (x) => ({ requestId: rid('b-refund'), orderId: x.online.orderId, amount: '100' }), notFound, byOrderId),
    'POST /icc/refundQuery': pe('icc/refundQuery', (x) => ({ requestId: x.refund.requestId }), ['REFUND_NOT_FOUND']),
    'POST /onlinePay/refundQuery': pe('onlinePay/refundQuery', (x) => ({ requestId: x.refund.requestId }), ['REFUND_NOT_FOUND']),
    'POST /icc/cancelOrder': pe('icc/cancelOrder', (x) => ({ requestId: x.iccInit.requestId }), notFound, byRequestId()),
    'POST /onlinePay/cancelOrder': pe('onlinePay/cancelOrder', (x) => ({ requestId: x.iccInit.requestId }), notFound, byRequestId()),
    'POST /icc/retrieval/backfill': pe('icc/retrieval/backfill', (x) => ({ disputeId: x.dispute.disputeId, requestId: rid('b-backfill'), customerName: 'Pat Payer', customerEmail: 'pat@example.test', productDescription: 'A book', statement: 'Delivered.' }), ['DISPUTE_NOT_FOUND']),
    'POST /icc/disputeQuery': pe('icc/disputeQuery', (x) => ({ disputeId: x.dispute.disputeId }), ['DISPUTE_NOT_FOUND']),
    'POST /icc/delivery': pe('icc/delivery', (x) => ({ serialNumber: x.iccPaid.orderId, status: 'SHIPPED', logisticsCompany: 'Post', trackingNumbers: ['TN1'], time: '2026-01-02 03:04:05' }), notFound, (x) => everyOrder(x).map((o) => ({ serialNumber: o.orderId, status: 'SHIPPED', logisticsCompany: 'Post', trackingNumbers: ['TN1'], time: '2026-01-02 03:04:05' }))),
    'POST /sandbox/pay': pe('sandbox/pay', (x) => ({ requestId: x.iccInit.requestId, cardNumber: '4242424242424242' }), notFound, byRequestId({ cardNumber: '4242424242424242' })),
    'POST /sandbox/chargeback': pe('sandbox/chargeback', (x) => ({ requestId: x.iccPaid.requestId }), notFound, byRequestId()),
    'POST /sandbox/retrieval': pe('sandbox/retrieval', (x) => ({ requestId: x.iccPaid.requestId }), notFound, byRequestId()),
    'POST /sandbox/disputeDecide': pe('sandbox/disputeDecide', (x) => ({ disputeId: x.dispute.disputeId, outcome: 'LOST' }), ['DISPUTE_NOT_FOUND']),
    'POST /sandbox/disputeEscalate': pe('sandbox/disputeEscalate', (x) => ({ disputeId: x.dispute.disputeId }), ['DISPUTE_NOT_FOUND']),
    'POST /sandbox/expire': pe('sandbox/expire', (x) => ({ requestId: x.iccInit.requestId }), notFound, byRequestId()),
    // By date: B gets its own (empty) day, never A's lines.
    'POST /reconciliation/download': pe('reconciliation/download', (x) => ({ businessDate: x.businessDate }), 'own'),
    'POST /settlement/query': pe('settlement/query', (x) => ({ businessDate: x.businessDate }), 'own'),
    'POST /foreignExchange/listpriceLock': pe('foreignExchange/listpriceLock', () => ({ requestId: rid('b-lock'), orderCurrency: 'USD', currency: 'CNY' }), 'own'),
    // A's locked rate, spent by B.
    'POST /foreignExchange/order': pe('foreignExchange/order', (x) => ({ ...FX_ORDER, requestId: rid('b-fx'), listPriceToken: x.fx.unusedLockToken }), ['LIST_PRICE_TOKEN_NOT_YOURS']),
    'POST /foreignExchange/query': pe('foreignExchange/query', (x) => ({ requestId: x.fx.requestId }), notFound, byRequestId()),
    'POST /foreignExchange/refund': pe('foreignExchange/refund', (x) => ({ requestId: rid('b-refund'), orderId: x.fx.orderId, amount: '100' }), notFound, byOrderId),
    'POST /foreignExchange/refundQuery': pe('foreignExchange/refundQuery', (x) => ({ requestId: x.refund.requestId }), ['REFUND_NOT_FOUND']),
    'POST /serviceprovider/declaration/declare': pe('serviceprovider/declaration/declare', (x) => declaration(x.fx.requestId), notFound, (x) => everyOrder(x).map((o) => declaration(o.requestId))),
    // Declarations are looked up by the caller's own declaration numbers: B finds only its own (none).
    'POST /serviceprovider/declaration/query': pe('serviceprovider/declaration/query', (x) => ({ requestId: x.fx.requestId }), 'own'),
    'POST /foreignExchange/proofUpload': pe('foreignExchange/proofUpload', () => ({ fileName: 'proof.pdf' }), 'own'),
    // The same card number as A's saved card: B gets a binding of its own, never A's bindCardId.
    'POST /onlinePay/bindCard': pe('onlinePay/bindCard', (x) => ({ requestId: rid('b-bind'), merchantUserId: x.binding.userId, cardType: 'DEBIT', bankCard: card(x.binding.pan) }), 'own'),
    'POST /onlinePay/bindCardQuery': pe('onlinePay/bindCardQuery', (x) => ({ requestId: rid('b-bq'), merchantUserId: x.binding.userId }), 'own'),
    'POST /onlinePay/unbindCard': pe('onlinePay/unbindCard', (x) => ({ requestId: rid('b-unbind'), merchantUserId: x.binding.userId, bindCardId: x.binding.bindCardId }), ['BIND_CARD_NOT_FOUND']),
    'POST /onlinePay/order': pe('onlinePay/order', (x) => ({ requestId: rid('b-express'), orderAmount: '100', orderCurrency: 'CNY', notifyUrl: `${ANY}/n`, callbackUrl: `${ANY}/r`, paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT', merchantUserId: x.binding.userId, bindCardId: x.binding.bindCardId }), ['BIND_CARD_NOT_FOUND']),
    'POST /onlinePay/query': pe('onlinePay/query', (x) => ({ requestId: x.online.requestId }), notFound, byRequestId()),
    'POST /global/pay/credit': { kind: 'api', send: (who, x) => globalJson(who, '/global/pay/credit', { amount: '1.00', subject: 's', body: 'b', callback_url: `${ANY}/r`, notify_url: `${ANY}/n`, user_id: x.global.userId, client_ip: '10.0.0.1', phone_number: '18801552245', currency: 'USD', customer_name: 'Pat', region: 'USA', email: 'p@example.test', mch_order_no: rid('b-gj'), trigger_mode: 'RECURRING' }), refusedAs: ['2004'] },
    'POST /global/order/query': { kind: 'api', send: (who, x) => globalJson(who, '/global/order/query', { order_id: x.global.orderId }), refusedAs: ['2002'] },
    'POST /global/refund': { kind: 'api', send: (who, x) => globalJson(who, '/global/refund', { mch_refund_no: rid('b-gjr'), order_id: x.global.orderId, refund_amount: '0.10' }), refusedAs: ['2002'] },
    'POST /form-gateway/pay': { kind: 'api', send: (who) => form(who, '/form-gateway/pay'), refusedAs: ['20002'] },
    'POST /gateway/recvMerchantInfoAction.htm': { kind: 'api', send: (who) => form(who, '/gateway/recvMerchantInfoAction.htm'), refusedAs: ['20002'] },
    'POST /form-gateway/query': { kind: 'api', send: (who, x) => formCall(who, '/form-gateway/query', FORM_ORDER_QUERY_FIELDS, { orderId: x.iccPaid.requestId }), refusedAs: ['20002'] },
    'POST /form-gateway/refund': { kind: 'api', send: (who, x) => formCall(who, '/form-gateway/refund', FORM_REFUND_FIELDS, { orderId: x.iccPaid.requestId, refundId: rid('b-fgr'), refundAmount: '10' }), refusedAs: ['20002'] },
    'POST /form-gateway/refundQuery': { kind: 'api', send: (who, x) => formCall(who, '/form-gateway/refundQuery', FORM_REFUND_QUERY_FIELDS, { refundId: x.refund.requestId }), refusedAs: ['20002'] },
    'POST /form-gateway/resend': { kind: 'api', send: (who, x) => formCall(who, '/form-gateway/resend', FORM_RESEND_FIELDS, { orderId: x.iccPaid.requestId }), refusedAs: ['20002'] },
    'GET /form-gateway/timestamp': { kind: 'exempt', why: 'answers the current time stamp; names no object' },
    'POST /form-gateway/timestamp': { kind: 'exempt', why: 'answers the current time stamp; names no object' },
    // Signed links: a capability for one order or file. B cannot make one for A's object.
    'GET /form-gateway/return/:token': { kind: 'link', send: (x) => get(`${t.baseUrl}/form-gateway/return/${x.forgedToken}`) },
    'GET /cashier/:token': { kind: 'link', send: (x) => get(`${t.baseUrl}/cashier/${x.forgedToken}`) },
    'POST /cashier/:token/pay': { kind: 'link', send: (x) => get(`${t.baseUrl}/cashier/${x.forgedToken}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'cardNumber=4242424242424242' }) },
    'POST /cashier/:token/method': { kind: 'link', send: (x) => get(`${t.baseUrl}/cashier/${x.forgedToken}/method`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'method=x' }) },
    'POST /cashier/:token/challenge': { kind: 'link', send: (x) => get(`${t.baseUrl}/cashier/${x.forgedToken}/challenge`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'otp=123456' }) },
    'GET /simulator/pay/:reference': { kind: 'link', send: (x) => get(`${t.baseUrl}/simulator/pay/${x.online.orderId}`) },
    // The sandbox bank transfer: a postscript no order of A was given.
    'POST /simulator/remit/:postscript': { kind: 'link', send: () => get(`${t.baseUrl}/simulator/remit/FORGED0000`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' }) },
    'POST /simulator/pay/:reference': { kind: 'link', send: (x) => get(`${t.baseUrl}/simulator/pay/${x.online.orderId}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'outcome=success' }) },
    // B's own download grant, pointed at A's merchant id and file.
    'GET /reconciliation/files/:merchantId/:date/:grant/:file': { kind: 'link', send: (x) => get(x.bDownloadUrl.replaceAll(MERCHANT_B, t.merchant.merchantId)) },
    'PUT /fe/proof/:merchantId/:grant/:fileName': { kind: 'link', send: (x) => get(x.bUploadUrl.replace(`/fe/proof/${MERCHANT_B}/`, `/fe/proof/${t.merchant.merchantId}/`), { method: 'PUT', body: 'x' }) },
    'GET /demo': { kind: 'exempt', why: "the sandbox demo shop's page: the demo merchant's own client, holding no other merchant's object" },
    'POST /demo/order': { kind: 'exempt', why: "the demo shop's order form: the demo merchant's own client creates its own order" },
    'POST /demo/notify': { kind: 'exempt', why: "the demo shop's notification endpoint (verifies the gateway's signature)" },
    'GET /demo/return': { kind: 'exempt', why: "the demo shop's return page" },
    'GET /healthz': { kind: 'exempt', why: 'liveness; no data' },
    'GET /readyz': { kind: 'exempt', why: 'readiness; no data' },
    'GET /metrics': { kind: 'exempt', why: 'counters by state and route, never by merchant or object' },
    'POST /portal/api/login': { kind: 'exempt', why: 'log-in: no session yet, names no object' },
    'POST /portal/api/login/second-factor': { kind: 'exempt', why: 'second factor of a log-in in progress; names no object' },
    'GET /portal/index.html': { kind: 'exempt', why: 'the static web app' },
    'GET /portal/': { kind: 'exempt', why: 'the static web app' },
    'GET /portal/*': { kind: 'exempt', why: 'the static web app (client-side routes)' },
    'GET /portal': { kind: 'exempt', why: 'redirect to the web app' },
  };
  /** Route families whose every member is exercised the same way. */
  function caseOf(method: string, url: string): RouteCase | undefined {
    const exact = CASES[`${method} ${url}`];
    if (exact) return exact;
    if (method === 'GET' && /^\/cashier\/assets\/cashier\.[0-9a-f]+\.(css|js)$/.test(url)) return { kind: 'exempt', why: 'static stylesheet or script' };
    if (method === 'GET' && /^\/portal\/assets\/[\w-]+\.(js|css)$/.test(url)) return { kind: 'exempt', why: 'static web app file' };
    // The operator API: a bearer token no merchant holds. Asked without it, naming A's ids.
    if (url.startsWith('/admin/v1/')) return { kind: 'link', send: () => get(`${t.baseUrl}${url.replace(/:[a-zA-Z0-9]+/g, (p) => (p === ':merchantId' || p === ':id' ? t.merchant.merchantId : v.iccPaid.orderId))}`, { method }) };
    if (url.startsWith('/portal/api/')) return { kind: 'exempt', why: 'back-office route: portal/access-matrix.test.ts' };
    // A channel's upstream callbacks: only the upstream holds the signing key. Sent unsigned, naming A's payment.
    if (method === 'POST' && /^\/channels\/[a-z0-9-]+\/[a-z]+$/.test(url)) {
      return { kind: 'link', send: (x) => get(`${t.baseUrl}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sandbox-signature': '00' }, body: JSON.stringify({ eventId: 'forged', reference: x.online.orderId, outcome: 'approved', authCode: 'X' }) }) };
    }
    return undefined;
  }

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    const { info } = await ensureDemoMerchant({ ...t.config, demoMerchantId: MERCHANT_B, dataDir: join(t.config.dataDir, 'merchant-b') }, t.gateway.merchants, Date.now(), t.gateway.secrets);
    b = { ...info, gatewayCertPath: t.merchant.gatewayCertPath, baseUrl: t.baseUrl };
    clients.A = t.client;
    clients.B = PayEaseClient.fromFiles(b);
    const { setUpVictim } = await import('./victim.js');
    Object.assign(v, await setUpVictim(t, clients.A, clients.B, MERCHANT_B));
  });
  afterAll(async () => t?.close());

  it('knows every route the gateway registers, and names none that is gone', () => {
    const registered = t.gateway.routes.map((r) => `${r.method} ${r.url}`);
    const unknown = t.gateway.routes.filter((r) => !caseOf(r.method, r.url)).map((r) => `${r.method} ${r.url}`);
    expect(unknown, 'routes without a cross-merchant case: add one to CASES').toEqual([]);
    expect(Object.keys(CASES).filter((k) => !registered.includes(k))).toEqual([]);
    // Every back-office API route is in the table the access matrix walks.
    const table = portalRoutes({} as PortalOptions, () => undefined).map((r) => `${r.method} /portal/api${r.url}`);
    const portalApi = registered.filter((k) => k.includes(' /portal/api/') && caseOf(k.split(' ')[0]!, k.split(' ')[1]!)?.kind === 'exempt' && !CASES[k]);
    expect(portalApi.filter((k) => !table.includes(k))).toEqual([]);
  });

  it('refuses merchant B on every route that names merchant A’s objects: 0 leaks, A unchanged, and A itself is not refused the same way', async () => {
    const before = await snapshotOf(t, t.merchant.merchantId);
    const refusals: { route: string; b: Answer }[] = [];
    let exercised = 0;
    let attempts = 0;
    for (const route of t.gateway.routes) {
      const key = `${route.method} ${route.url}`;
      const c = caseOf(route.method, route.url)!;
      if (c.kind === 'exempt') continue;
      const answer = c.kind === 'api' ? await c.send({ kind: 'B' }, v) : await c.send(v);
      exercised += 1;
      const others = c.kind === 'api' && c.others ? await Promise.all(c.others({ kind: 'B' }, v)) : [];
      for (const a of [answer, ...others]) {
        attempts += 1;
        const label = `${key} → ${a.httpStatus} ${a.code} ${a.text.slice(0, 200)} (sent ${a.sent.slice(0, 120)})`;
        expect(a.httpStatus, label).toBeLessThan(500);
        for (const [name, secret] of Object.entries(v.secrets)) if (!a.sent.includes(secret)) expect(a.text.includes(secret), `${label}: carries A's ${name}`).toBe(false);
        if (c.kind === 'link') expect(a.httpStatus, label).toBeGreaterThanOrEqual(400);
        else if (c.refusedAs !== 'own') expect(c.refusedAs, label).toContain(a.code);
      }
      if (c.kind === 'api' && c.refusedAs !== 'own') refusals.push({ route: key, b: answer });
    }
    expect(exercised).toBeGreaterThanOrEqual(50);
    // One attempt per route, and one per order of A on the routes that take any order.
    expect(attempts).toBeGreaterThanOrEqual(exercised + 13 * 5);
    expect(await snapshotOf(t, t.merchant.merchantId)).toEqual(before);
    // The owner, sending the same requests, is not refused as "not found": B's refusals were ownership refusals.
    // Last route first: unbinding A's card comes after the express payment that needs it.
    for (const { route, b: answerB } of refusals.reverse()) {
      const c = CASES[route] as ApiCase;
      const answerA = await c.send({ kind: 'A' }, v);
      expect(answerA.code, `${route}: A got ${answerA.code} ${answerA.text.slice(0, 200)}`).not.toBe(answerB.code);
    }
  });
});
