import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { currency } from '../domain/currencies.js';
import { formatMinor, type AmountMinor } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import type { OrderService } from '../orders/order-service.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OnlinePayRepository } from '../store/online-pay-repository.js';
import type { RemittanceService } from '../onlinepay/remittance-service.js';
import type { PayerDecision, SimulatedPayerChannel } from '../channels/payer-simulator/simulated-channel.js';
import { SANDBOX_BANKS, isSandboxBank } from '../channels/sandbox-bank/index.js';
import { wireStatus } from '../protocols/payease/status-map.js';
import { cashierCssHref } from '../cashier/assets.js';
import { renderSimulatorPage } from './simulator-page.js';

export interface SimulatorDeps {
  channels: readonly SimulatedPayerChannel[];
  orders: OrderService;
  repository: OnlinePayRepository;
  findMerchant: (merchantId: string) => Promise<Merchant | undefined>;
  /** Where the sandbox's simulated incoming bank transfers are recorded, as an operator records real ones. */
  remittances: Pick<RemittanceService, 'record'>;
}

/** The channel offline remittance orders are started at (their reference is the postscript). */
const REMITTANCE_CHANNEL = 'offline-remittance';
/** Where the cashier's bank-transfer page sends the payer back to: its own page, nothing else. */
const CASHIER_PATH = /^\/cashier\/[A-Za-z0-9._~-]{1,512}$/;

interface Found {
  channel: SimulatedPayerChannel;
  order: Order;
  merchant: Merchant;
}

/** The merchant's callbackUrl with the order named, as the cashier's own return link sends it. */
function merchantReturnUrl(order: Order): string {
  const url = new URL(order.callbackUrl);
  url.searchParams.set('merchantId', order.merchantId);
  url.searchParams.set('requestId', order.requestId);
  return url.toString();
}

type SimRequest = FastifyRequest<{ Params: { reference: string }; Querystring: Record<string, string | undefined>; Body: Record<string, unknown> | undefined }>;

/**
 * The sandbox wallets and bank: `GET /simulator/pay/:reference` is the page
 * a QR code, a WAP redirect or a bank redirect opens; `POST` with
 * `decision=approve|decline` (a form, or JSON from a test) completes the
 * payment, as the app or bank would report it. JSAPI and app payments are
 * completed the same way, with the prepay id or trade number they carry.
 * Only sandbox merchants' orders can be paid here.
 */
export async function simulatorRoutes(app: FastifyInstance, deps: SimulatorDeps): Promise<void> {
  const find = async (reference: string): Promise<Found | undefined> => {
    if (!/^[a-z]{2,3}[a-z][0-9a-f]{24}$/.test(reference)) return undefined;
    for (const channel of deps.channels) {
      const orderId = await deps.repository.findOrderIdByReference(channel.name, reference);
      if (!orderId) continue;
      const order = await deps.orders.find(orderId);
      const merchant = order ? await deps.findMerchant(order.merchantId) : undefined;
      if (order && merchant?.sandbox) return { channel, order, merchant };
    }
    return undefined;
  };
  const notFound = (reply: FastifyReply) => reply.code(404).type('application/json').send({ status: 'FAILED', code: 'NOT_FOUND', errorMessage: 'No sandbox payment with this reference.' });

  const page = (reply: FastifyReply, f: Found, bank: string | undefined, decided: boolean) => {
    const status = wireStatus(f.order.state);
    const returnUrl = decided || status !== 'INIT' ? merchantReturnUrl(f.order) : undefined;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(
        renderSimulatorPage({
          lang: f.order.language,
          channel: f.channel.name,
          merchantName: f.merchant.name,
          amountDisplay: formatMinor(f.order.amountMinor, currency(f.order.currency).exponent),
          currency: f.order.currency,
          cssHref: cashierCssHref,
          formAction: `/simulator/pay/${f.order.channelReference}`,
          status,
          ...(returnUrl ? { returnUrl } : {}),
          lifeAccount: f.order.paymentMethod === 'ALIPAY_LIFE',
          ...(f.channel.name === 'sandbox-bank'
            ? { banks: SANDBOX_BANKS.map((b) => ({ code: b.code, label: f.order.language === 'zh' ? b.nameZh : b.name })), ...(bank && isSandboxBank(bank) ? { bank } : {}) }
            : {}),
        }),
      );
  };

  /**
   * Sandbox only: the bank transfer a payer of an offline remittance order
   * would make, arriving with the exact amount and the postscript. It is
   * recorded like a transfer from the bank statement (the bank reference is
   * derived from the postscript, so pressing the button twice records one
   * transfer), and the payer goes back to the cashier page, which then shows
   * the paid order.
   */
  app.post('/simulator/remit/:postscript', async (request: FastifyRequest<{ Params: { postscript: string }; Body: Record<string, unknown> | undefined }>, reply) => {
    const { postscript } = request.params;
    if (!/^[A-Z0-9]{4,32}$/.test(postscript)) return notFound(reply);
    const orderId = await deps.repository.findOrderIdByReference(REMITTANCE_CHANNEL, postscript);
    const order = orderId ? await deps.orders.find(orderId) : undefined;
    const merchant = order ? await deps.findMerchant(order.merchantId) : undefined;
    if (!order || !merchant?.sandbox) return notFound(reply);
    const recorded = await deps.remittances.record({ bankReference: `sandbox-${postscript}`, postscript, amountMinor: order.amountMinor, currency: order.currency, payerName: 'Sandbox payer' });
    const back = request.body?.back;
    if (typeof back === 'string' && CASHIER_PATH.test(back)) return reply.redirect(back, 303);
    return reply.type('application/json').send({ outcome: recorded.transfer.outcome, status: wireStatus(recorded.order?.state ?? order.state) });
  });

  app.get('/simulator/pay/:reference', async (request: SimRequest, reply) => {
    const found = await find(request.params.reference);
    if (!found) return notFound(reply);
    return page(reply, found, request.query.bank, request.query.done === '1');
  });

  app.post('/simulator/pay/:reference', async (request: SimRequest, reply) => {
    const found = await find(request.params.reference);
    if (!found) return notFound(reply);
    const body = request.body ?? {};
    const decision = body.decision;
    const wantsJson = !(request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    if (decision !== 'approve' && decision !== 'decline') {
      return reply.code(400).type('application/json').send({ status: 'FAILED', code: 'FIELD_INVALID', errorMessage: 'decision must be approve or decline.' });
    }
    // A wallet's or bank's callback reports what it collected; one that does not match the order is refused and changes nothing.
    const collected = collectedOf(body, found.order);
    if (collected === 'mismatch') {
      return reply.code(400).type('application/json').send({ status: 'FAILED', code: 'FIELD_INVALID', errorMessage: 'amount and currency must be the order’s.' });
    }
    const reference = request.params.reference;
    const result = found.channel.decide(reference, decision as PayerDecision, collected);
    const order = await deps.orders.completeAtChannel(found.order.orderId, found.channel.name, result);
    if (wantsJson) return reply.type('application/json').send({ reference, outcome: result.outcome, status: wireStatus(order.state) });
    return reply.redirect(`/simulator/pay/${reference}?done=1`, 303);
  });
}

/**
 * The optional `amount` (minor units) and `currency` a callback reports:
 * undefined when it reports neither, 'mismatch' when either differs from the
 * order (or is malformed).
 */
function collectedOf(body: Record<string, unknown>, order: Order): { amountMinor: AmountMinor; currency: string } | 'mismatch' | undefined {
  const { amount, currency: reported } = body;
  if (amount === undefined && reported === undefined) return undefined;
  const amountMinor = typeof amount === 'string' && /^[0-9]{1,18}$/.test(amount) ? BigInt(amount) : amount === undefined ? order.amountMinor : undefined;
  const currencyCode = typeof reported === 'string' ? reported : reported === undefined ? order.currency : undefined;
  if (amountMinor === undefined || currencyCode === undefined) return 'mismatch';
  if (amountMinor !== order.amountMinor || currencyCode !== order.currency) return 'mismatch';
  return { amountMinor: order.amountMinor, currency: order.currency };
}
