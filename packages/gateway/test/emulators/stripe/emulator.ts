import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verdictFor } from './cards.js';

/** One upstream call as the emulator received it. */
export interface EmulatedCall {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
  params: Record<string, string>;
}

/** A fault the next matching calls meet: a 500 before or after the work is done, no answer at all, a slow one, or a 400 refusal (as for a key without the raw card data permission). */
export type StripeFault = { kind: '500-before' | '500-after' | 'hang' | 'slow' | 'refuse'; delayMs?: number; path?: RegExp; times: number };

type Json = Record<string, unknown>;

interface Intent extends Json {
  id: string;
  amount: number;
  currency: string;
  status: string;
  capture_method: string;
  amount_received: number;
  metadata: Record<string, string>;
}

/**
 * A local stand-in for the subset of Stripe's REST API the Stripe channel
 * uses: form-encoded bodies, `Idempotency-Key` as Stripe documents it,
 * Stripe's test cards, 3-D Secure by redirect, refunds, and webhooks signed
 * as `Stripe-Signature: t=…,v1=HMAC-SHA256(secret, t + "." + payload)`.
 */
export class StripeEmulator {
  readonly calls: EmulatedCall[] = [];
  readonly faults: StripeFault[] = [];
  readonly intents = new Map<string, Intent>();
  private readonly refunds = new Map<string, Json & { payment_intent: string; amount: number }>();
  private readonly idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();
  private server: Server | undefined;
  port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What the payer's browser does on the 3-D Secure page Stripe redirects to. */
  async completeThreeDSecure(intentId: string, pass: boolean): Promise<void> {
    const answer = await fetch(`${this.baseUrl}/emulator/3ds/${intentId}?result=${pass ? 'pass' : 'fail'}`, { redirect: 'manual' });
    await answer.arrayBuffer();
  }

  /** A webhook event as Stripe sends it, signed with `secret` (or not at all, or wrongly), posted to `url`. */
  async sendWebhook(url: string, secret: string, type: string, object: Json, options: { eventId?: string; signWith?: string } = {}): Promise<Response> {
    const payload = JSON.stringify({ id: options.eventId ?? `evt_${randomBytes(12).toString('hex')}`, object: 'event', api_version: '2025-08-27.basil', created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object } });
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': StripeEmulator.signature(options.signWith ?? secret, payload) }, body: payload });
  }

  static signature(secret: string, payload: string, timestamp = Math.floor(Date.now() / 1000)): string {
    return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${payload}`, 'utf8').digest('hex')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.baseUrl);
    const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? url.search : Buffer.concat(chunks).toString('utf8')));
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    if (!url.pathname.startsWith('/emulator/')) this.calls.push({ method: req.method ?? 'GET', path: url.pathname, idempotencyKey: key, params });
    const fault = this.takeFault(url.pathname);
    if (fault?.kind === 'hang') return; // the answer never comes: the caller's timeout decides
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 200));
    if (fault?.kind === 'refuse') return this.send(res, 400, { error: { type: 'invalid_request_error', message: 'Sending credit card numbers directly to the Stripe API is generally unsafe.' } });
    if (fault?.kind === '500-before') return this.send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred' } });
    if (key && req.method === 'POST') {
      const fingerprint = createHash('sha256').update(`${url.pathname}\n${JSON.stringify(Object.entries(params).sort())}`).digest('hex');
      const earlier = this.idempotent.get(key);
      if (earlier && earlier.fingerprint !== fingerprint)
        return this.send(res, 400, { error: { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } });
      if (earlier) return this.sendRaw(res, earlier.status, earlier.body, { 'idempotent-replayed': 'true' });
      const [status, body] = this.route(req.method, url, params);
      const text = JSON.stringify(fault?.kind === '500-after' ? { error: { type: 'api_error', message: 'An unknown error occurred' } } : body);
      const sent = fault?.kind === '500-after' ? 500 : status;
      this.idempotent.set(key, { fingerprint, status: sent, body: text });
      return this.sendRaw(res, sent, text);
    }
    const [status, body] = this.route(req.method ?? 'GET', url, params);
    if (status === 302) return this.sendRaw(res, 302, '', { location: String(body.location) });
    return this.send(res, fault?.kind === '500-after' ? 500 : status, body);
  }

  private takeFault(path: string): StripeFault | undefined {
    const fault = this.faults.find((f) => f.times > 0 && (!f.path || f.path.test(path)));
    if (fault) fault.times -= 1;
    return fault;
  }

  private route(method: string, url: URL, params: Record<string, string>): [number, Json] {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    if (method === 'POST' && p === '/v1/payment_intents') return this.createIntent(params);
    if (method === 'GET' && p === '/v1/payment_intents/search') return this.search(url.searchParams.get('query') ?? '');
    if ((m = /^\/v1\/payment_intents\/(pi_[a-z0-9]+)(\/confirm|\/capture|\/cancel)?$/.exec(p))) {
      const intent = this.intents.get(m[1]!);
      if (!intent) return [404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${m[1]}'`, param: 'intent' } }];
      if (method === 'GET' && !m[2]) return [200, intent];
      if (m[2] === '/confirm') return this.confirm(intent, params);
      if (m[2] === '/capture') return this.capture(intent, params);
      if (m[2] === '/cancel') return intent.status === 'succeeded' ? [400, { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'This PaymentIntent could not be canceled.' } }] : [200, Object.assign(intent, { status: 'canceled' })];
    }
    if (method === 'POST' && p === '/v1/refunds') return this.refund(params);
    if ((m = /^\/emulator\/3ds\/(pi_[a-z0-9]+)$/.exec(p))) return this.threeDSecure(m[1]!, url.searchParams.get('result') === 'pass');
    return [404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${p})` } }];
  }

  private createIntent(params: Record<string, string>): [number, Json] {
    const amount = Number(params.amount);
    if (!Number.isSafeInteger(amount) || amount < 1 || !/^[a-z]{3}$/.test(params.currency ?? '')) return [400, { error: { type: 'invalid_request_error', code: 'parameter_invalid_integer', message: 'Invalid amount or currency', param: 'amount' } }];
    const metadata: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (k.startsWith('metadata[')) metadata[k.slice(9, -1)] = v;
    const intent: Intent = { id: `pi_${randomBytes(12).toString('hex')}`, object: 'payment_intent', amount, currency: params.currency!, status: 'requires_payment_method', capture_method: params.capture_method ?? 'automatic_async', amount_received: 0, metadata, next_action: null, last_payment_error: null, latest_charge: null };
    this.intents.set(intent.id, intent);
    return [200, intent];
  }

  private confirm(intent: Intent, params: Record<string, string>): [number, Json] {
    if (!['requires_payment_method', 'requires_confirmation'].includes(intent.status)) return [400, { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `This PaymentIntent's status is ${intent.status}.` } }];
    const verdict = verdictFor(params['payment_method_data[card][number]'] ?? '');
    if (verdict.kind === 'decline') {
      intent.status = 'requires_payment_method';
      intent.last_payment_error = { type: 'card_error', code: verdict.code, decline_code: verdict.declineCode, message: verdict.message };
      return [402, { error: { ...(intent.last_payment_error as Json), payment_intent: intent } }];
    }
    if (verdict.kind === '3ds') {
      intent.status = 'requires_action';
      intent.next_action = { type: 'redirect_to_url', redirect_to_url: { url: `${this.baseUrl}/emulator/3ds/${intent.id}`, return_url: params.return_url } };
      intent.return_url = params.return_url;
      return [200, intent];
    }
    this.settle(intent);
    if (verdict.kind === 'succeed-then-500') return [500, { error: { type: 'api_error', message: 'An unknown error occurred' } }];
    return [200, intent];
  }

  private settle(intent: Intent): void {
    intent.next_action = null;
    intent.last_payment_error = null;
    intent.latest_charge = `ch_${randomBytes(12).toString('hex')}`;
    if (intent.capture_method === 'manual') intent.status = 'requires_capture';
    else Object.assign(intent, { status: 'succeeded', amount_received: intent.amount });
  }

  private threeDSecure(id: string, pass: boolean): [number, Json] {
    const intent = this.intents.get(id);
    if (!intent || intent.status !== 'requires_action') return [404, { error: { type: 'invalid_request_error', message: 'no authentication pending' } }];
    if (pass) this.settle(intent);
    else Object.assign(intent, { status: 'requires_payment_method', next_action: null, last_payment_error: { type: 'card_error', code: 'payment_intent_authentication_failure', message: 'The provided PaymentMethod has failed authentication.' } });
    return [302, { location: `${String(intent.return_url)}${String(intent.return_url).includes('?') ? '&' : '?'}payment_intent=${id}` }];
  }

  private capture(intent: Intent, params: Record<string, string>): [number, Json] {
    if (intent.status !== 'requires_capture') return [400, { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: `This PaymentIntent could not be captured because it has a status of ${intent.status}.` } }];
    const amount = params.amount_to_capture ? Number(params.amount_to_capture) : intent.amount;
    return [200, Object.assign(intent, { status: 'succeeded', amount_received: amount })];
  }

  private refund(params: Record<string, string>): [number, Json] {
    const intent = this.intents.get(params.payment_intent ?? '');
    if (!intent || intent.status !== 'succeeded') return [400, { error: { type: 'invalid_request_error', code: 'charge_not_refundable', message: 'This PaymentIntent has no successful charge to refund.' } }];
    const refunded = [...this.refunds.values()].filter((r) => r.payment_intent === intent.id).reduce((sum, r) => sum + r.amount, 0);
    const amount = params.amount ? Number(params.amount) : intent.amount_received - refunded;
    if (!Number.isSafeInteger(amount) || amount < 1 || refunded + amount > intent.amount_received)
      return [400, { error: { type: 'invalid_request_error', code: 'amount_too_large', message: `Refund amount is greater than unrefunded amount on charge.`, param: 'amount' } }];
    const refund = { id: `re_${randomBytes(12).toString('hex')}`, object: 'refund', amount, currency: intent.currency, payment_intent: intent.id, charge: intent.latest_charge, status: 'succeeded' };
    this.refunds.set(refund.id, refund);
    return [200, refund];
  }

  private search(query: string): [number, Json] {
    const m = /^metadata\['order_id'\]:'([^']*)'$/.exec(query);
    const data = m ? [...this.intents.values()].filter((i) => i.metadata.order_id === m[1]) : [];
    return [200, { object: 'search_result', data, has_more: false, next_page: null, url: '/v1/payment_intents/search' }];
  }

  private send(res: ServerResponse, status: number, body: Json): void {
    this.sendRaw(res, status, JSON.stringify(body));
  }

  private sendRaw(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(7).toString('hex')}`, ...headers });
    res.end(body);
  }
}
