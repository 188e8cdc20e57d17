import { randomUUID } from 'node:crypto';
import type { CurrencyCode } from '../domain/currencies.js';
import { GatewayError } from '../domain/errors.js';
import { feeFor, pickFeePlan } from '../domain/fee-plan.js';
import type { FxDesk } from '../domain/fx-desk.js';
import type { AmountMinor } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import type { CardVault } from '../keys/card-vault.js';
import { checkMerchantUrl } from '../orders/merchant-urls.js';
import type { OrderService } from '../orders/order-service.js';
import type { RefundService } from '../orders/refund-service.js';
import type { FxSellBackService } from './fx-sell-back-service.js';
import { refundableMinor } from '../domain/refund.js';
import type { OnlinePayService } from '../onlinepay/online-pay-service.js';
import type { PayerAction } from '../domain/channel.js';
import { paymentMethodSpec } from '../domain/payment-method.js';
import type { FxOrderRepository } from '../store/fx-order-repository.js';
import type { FxQuoteRepository } from '../store/fx-quote-repository.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { PricingRepository } from '../store/pricing-repository.js';
import type { OutboxEntry } from '../store/outbox-writer.js';
import type { NewFxOrder } from '../protocols/payease/foreign-exchange-request.js';
import { convertMinor, convertMinorInverse } from './conversion.js';
import { formatRate } from './exact-rate.js';
import { quoteOf, rateOf, type FxPricing } from './fx-pricing.js';
import type { FxQuote } from './fx-quote.js';
import { needsReview, type FxOrder, type ReviewRules } from './fx-order.js';
import type { ProofFiles } from './proof-files.js';
import type { RateLocks } from './rate-lock.js';

export interface FxOrderServiceDeps {
  orders: OrderService;
  /** The unified order: starts the payer's method (wallet, online banking, remittance, saved card). */
  onlinePay: OnlinePayService;
  fxOrders: FxOrderRepository;
  quotes: FxQuoteRepository;
  locks: RateLocks;
  fx: FxPricing;
  pricing: PricingRepository;
  desk: FxDesk;
  /** Refunds: a payment whose proof is refused goes back to the payer. */
  refunds: RefundService;
  /** Sales of bought currency back to the desk, for refunds after the purchase. */
  sellBacks: FxSellBackService;
  proofs: ProofFiles;
  vault: CardVault;
  reviewRules: ReviewRules;
  clock: () => number;
  findMerchant: (merchantId: string) => Promise<Merchant | undefined>;
  /** Formats an FX order's notification (its protocol dialect). */
  formatNotification: (order: Order, fx: FxOrder, notifyType: 'REVIEW' | 'FOREIGN_EXCHANGE') => string;
}

/** A created (or replayed) FX order, and what its payer was handed when a method was named. */
export interface FxOrderCreated {
  order: Order;
  fx: FxOrder;
  action: PayerAction | undefined;
}

/** A rate for (currency, CNY) in the form the conversion functions take. */
interface PairRate {
  quote: FxQuote;
}

/**
 * Foreign-exchange purchase orders (购汇) on the shared order core: the
 * payer pays CNY (an order of product `foreignExchange`) by any method of
 * the unified order, or in the hosted cashier; the proof is reviewed when
 * the rules ask for it (a refusal gives the payment back), and then the FX
 * desk buys the foreign currency with what the payment brought after fees.
 * Refunds are the shared refunds, followed after the purchase by a sale of
 * the refunded share back to the desk.
 */
export class FxOrderService {
  constructor(private readonly deps: FxOrderServiceDeps) {}

  async create(merchant: Merchant, input: NewFxOrder): Promise<FxOrderCreated> {
    checkMerchantUrl(merchant, 'notifyUrl', input.notifyUrl);
    checkMerchantUrl(merchant, 'callbackUrl', input.callbackUrl);
    const earlier = await this.deps.orders.findByRequest(merchant.merchantId, input.requestId);
    if (earlier && earlier.requestDigest !== input.requestDigest) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.requestId });
    if (earlier) {
      const fx = await this.deps.fxOrders.find(earlier.orderId);
      // A replay answers what the first request handed the payer (the same QR code or page), never a second payment.
      if (fx) return { order: earlier, fx, action: await this.deps.onlinePay.storedAction(earlier.orderId) };
    }
    const merchantId = merchant.merchantId;
    const locked = input.listPriceToken ? await this.redeem(merchantId, input) : undefined;
    // What the payer pays, in CNY: the price, converted at the locked rate or the current one.
    let orderRate: FxQuote | undefined;
    if (input.orderCurrency !== 'CNY') {
      orderRate = locked ?? quoteOf(await this.deps.fx.applied(merchantId, input.orderCurrency, 'CNY', 'ask'), { merchantId, purpose: 'ORDER', nowMs: this.deps.clock() });
    }
    const paymentCny = orderRate ? convertMinor(input.orderAmountMinor, input.orderCurrency, 'CNY', rateOf(orderRate)) : input.orderAmountMinor;
    if (paymentCny <= 0n) throw new GatewayError('AMOUNT_INVALID', { field: 'orderAmount' });
    // The rate the purchase will use when it is known now: locked for the bought currency, or the order's own.
    const purchaseRate = this.purchaseRateAtCreation(input, locked, orderRate);
    await this.checkAffordable(merchantId, input, paymentCny, purchaseRate);

    const needReview = needsReview(this.deps.reviewRules, input.forUse, paymentCny);
    const snapshot: Record<string, string> = {
      orderAmount: input.orderAmountMinor.toString(),
      orderCurrency: input.orderCurrency,
      currency: input.fxCurrency,
      forUse: input.forUse,
      needReview: needReview ? 'true' : 'false',
      ...(orderRate ? { listprice: orderRate.rate } : {}),
    };
    // The order is created, and its method started, by the unified order's own code: the same
    // checks (method enabled, currency taken), the same channel start, the same replay rules.
    const { mode, ...wallet } = input.payment;
    const { order, action } = await this.deps.onlinePay.create(merchant, {
      mode,
      ...wallet,
      order: {
        product: 'foreignExchange',
        paymentMethod: mode?.method ?? null,
        requestId: input.requestId,
        requestDigest: input.requestDigest,
        amountMinor: paymentCny as AmountMinor,
        currency: 'CNY',
        language: 'zh',
        notifyUrl: input.notifyUrl,
        callbackUrl: input.callbackUrl,
        terminalNo: null,
        remark: input.remark,
        orderType: 'STANDARD',
        details: { products: [], foreignExchange: snapshot, ...(wallet.bindCardId && mode && paymentMethodSpec(mode.method).action === 'saved-card' ? { bindCardId: wallet.bindCardId } : {}) },
        clientIp: input.clientIp,
        timeoutMinutes: input.timeoutMinutes,
      },
    });
    if (orderRate && !(await this.deps.quotes.forOrder(order.orderId))) {
      await this.deps.quotes.insert(quoteOf(ratePartsOf(orderRate), { merchantId, purpose: 'ORDER', orderId: order.orderId, nowMs: this.deps.clock(), amountMinor: input.orderAmountMinor, convertedMinor: paymentCny }));
    }
    const now = this.deps.clock();
    const fx: FxOrder = {
      orderId: order.orderId,
      merchantId,
      requestId: input.requestId,
      orderAmountMinor: input.orderAmountMinor,
      orderCurrency: input.orderCurrency,
      fxAmountMinor: input.fxAmountMinor,
      fxCurrency: input.fxCurrency,
      forUse: input.forUse,
      declaration: { ...input.declaration, payer: this.maskPayer(input.declaration.payer) },
      fileName: input.fileName,
      needReview,
      reviewStatus: needReview ? (input.fileName && this.deps.proofs.present(merchantId, input.fileName) ? 'UPLOADED' : 'INIT') : null,
      reviewRemark: null,
      purchaseStatus: 'PENDING',
      purchaseRate: purchaseRate ? purchaseRate.rate : null,
      purchasedMinor: null,
      deductionMinor: null,
      purchaseReference: null,
      purchaseCompletedAtMs: null,
      purchaseBaseMinor: null,
      soldBackMinor: 0n,
      createdAtMs: now,
      updatedAtMs: now,
    };
    await this.deps.fxOrders.insert(fx);
    // A saved card is charged at once: the order may be paid already.
    const current = (await this.deps.orders.find(order.orderId)) ?? order;
    return { order: current, fx: (await this.deps.fxOrders.find(order.orderId)) ?? fx, action };
  }

  async find(merchantId: string, requestId: string): Promise<{ order: Order; fx: FxOrder }> {
    const order = await this.deps.orders.findByRequest(merchantId, requestId);
    const fx = order && order.product === 'foreignExchange' ? await this.deps.fxOrders.find(order.orderId) : undefined;
    if (!order || !fx) throw new GatewayError('ORDER_NOT_FOUND');
    return { order, fx };
  }

  /** A proof file arrived (upload or inbox): orders waiting for it go to review, each notified. */
  async fileArrived(merchantId: string, fileName: string): Promise<number> {
    let moved = 0;
    for (const fx of await this.deps.fxOrders.awaitingFile(merchantId, fileName)) {
      if (await this.step(fx, { reviewStatus: 'INIT' }, { reviewStatus: 'UPLOADED' }, 'REVIEW')) moved += 1;
    }
    return moved;
  }

  /** The inbox scan: orders waiting for a file that is now in the merchant's folder. */
  async scanInbox(limit: number): Promise<number> {
    let moved = 0;
    for (const fx of await this.deps.fxOrders.allAwaitingFiles(limit)) {
      if (fx.fileName && this.deps.proofs.present(fx.merchantId, fx.fileName)) moved += await this.fileArrived(fx.merchantId, fx.fileName);
    }
    return moved;
  }

  /** The operator's decision on a proof: SUCCESS (only once a file is there) or REFUSE, with a remark. */
  async review(orderId: string, decision: 'SUCCESS' | 'REFUSE', remark: string | null): Promise<FxOrder> {
    const fx = await this.deps.fxOrders.find(orderId);
    if (!fx) throw new GatewayError('ORDER_NOT_FOUND');
    const from = fx.reviewStatus;
    const allowed = decision === 'SUCCESS' ? from === 'UPLOADED' : from === 'UPLOADED' || from === 'INIT';
    if (!allowed || from === null) throw new GatewayError('REVIEW_NOT_ALLOWED', { from: from ?? 'NONE', to: decision });
    const updated = await this.step(fx, { reviewStatus: from }, { reviewStatus: decision, reviewRemark: remark }, 'REVIEW');
    if (!updated) throw new GatewayError('REVIEW_NOT_ALLOWED', { from, to: decision });
    // Approved: the purchase runs once paid. Refused: nothing is bought, and a paid order is refunded now.
    await this.execute(updated);
    return (await this.deps.fxOrders.find(orderId)) ?? updated;
  }

  /** Purchases that can go ahead now (paid, reviewed when needed), and those that never will. */
  async executeDue(limit: number): Promise<number> {
    let done = 0;
    for (const fx of await this.deps.fxOrders.pendingPurchases(limit)) if (await this.execute(fx)) done += 1;
    return done;
  }

  /** A refund of an FX order is the shared refund, for orders of the merchant's own. */
  async assertRefundable(merchantId: string, orderId: string): Promise<void> {
    const fx = await this.deps.fxOrders.find(orderId);
    if (!fx || fx.merchantId !== merchantId) throw new GatewayError('ORDER_NOT_FOUND');
  }

  /**
   * After a refund: once the purchase is done, the currency the refunded
   * share bought is sold back (see FxSellBackService). A failure here does
   * not undo the refund; the sweep sells it later.
   */
  async afterRefund(orderId: string): Promise<void> {
    try {
      await this.deps.sellBacks.catchUp(orderId);
    } catch (error) {
      // No rate for the pair on the board now: the refund stands, and the sell-back sweep tries again.
      if (!(error instanceof GatewayError)) throw error;
    }
  }

  private async execute(fx: FxOrder): Promise<boolean> {
    if (fx.purchaseStatus !== 'PENDING') return false;
    const order = await this.deps.orders.find(fx.orderId);
    if (!order) return false;
    if (order.state === 'CANCEL' || order.state === 'FAILED') {
      // Never paid: nothing to buy. The payment's own notification told the merchant.
      const review = fx.reviewStatus === 'INIT' || fx.reviewStatus === 'UPLOADED' ? 'CANCEL' : fx.reviewStatus;
      return (await this.deps.fxOrders.step(fx.orderId, { purchaseStatus: 'PENDING' }, { purchaseStatus: 'FAILED', reviewStatus: review }, this.deps.clock(), () => undefined)) !== undefined;
    }
    if (order.state !== 'SUCCESS') return false;
    if (fx.needReview && fx.reviewStatus !== 'SUCCESS') {
      if (fx.reviewStatus !== 'REFUSE') return false;
      // Refunded first (idempotent by its request number), then marked: a crash between the two refunds once.
      await this.refundRefused(order, fx);
      return (await this.step(fx, { purchaseStatus: 'PENDING' }, { purchaseStatus: 'FAILED' }, 'FOREIGN_EXCHANGE')) !== undefined;
    }
    // What the payment brought, after fees and anything refunded or charged back since.
    const baseMinor = refundableMinor(order);
    const available = baseMinor - order.feeMinor;
    const plan = await this.purchasePlan(fx, available);
    if ('failure' in plan) return (await this.step(fx, { purchaseStatus: 'PENDING' }, { purchaseStatus: 'FAILED', purchaseRate: plan.rate }, 'FOREIGN_EXCHANGE')) !== undefined;
    const result = await this.deps.desk.purchase({
      purchaseId: fx.orderId,
      merchantId: fx.merchantId,
      sellCurrency: 'CNY',
      sellMinor: plan.deductionMinor,
      buyCurrency: fx.fxCurrency,
      buyMinor: plan.purchasedMinor,
      rate: plan.rate,
    });
    const patch =
      result.outcome === 'filled'
        ? { purchaseStatus: 'SUCCESS' as const, purchaseRate: plan.rate, purchasedMinor: plan.purchasedMinor, deductionMinor: plan.deductionMinor, purchaseReference: result.reference, purchaseCompletedAtMs: result.completedAtMs, purchaseBaseMinor: baseMinor }
        : { purchaseStatus: 'FAILED' as const, purchaseRate: plan.rate, purchaseReference: result.reference };
    return (await this.step(fx, { purchaseStatus: 'PENDING' }, patch, 'FOREIGN_EXCHANGE')) !== undefined;
  }

  /**
   * A paid order whose proof was refused: the whole refundable amount goes
   * back to the payer, as a refund of origin REVIEW_REFUSAL, recorded and
   * notified like any refund. Its request number is fixed per order, so
   * running this again replays it rather than refunding twice.
   */
  private async refundRefused(order: Order, fx: FxOrder): Promise<void> {
    if (refundableMinor(order) === 0n) return;
    const merchant = await this.deps.findMerchant(order.merchantId);
    if (!merchant) return;
    try {
      await this.deps.refunds.request(merchant, {
        requestId: reviewRefusalRefundId(order.orderId),
        requestDigest: 'review-refusal',
        orderId: order.orderId,
        amountMinor: null,
        remark: fx.reviewRemark ? `proof refused: ${fx.reviewRemark}`.slice(0, 300) : 'proof refused',
        notifyUrl: null,
        origin: 'REVIEW_REFUSAL',
      });
    } catch (error) {
      // Refunded by the merchant in the meantime: nothing is left to give back.
      if (error instanceof GatewayError && (error.code === 'ORDER_FULLY_REFUNDED' || error.code === 'REFUND_AMOUNT_EXCEEDED')) return;
      throw error;
    }
  }

  /** Amounts of the purchase: a requested amount at its CNY cost, or everything available. One rounding each (half up). */
  private async purchasePlan(fx: FxOrder, availableCny: bigint): Promise<{ rate: string; purchasedMinor: bigint; deductionMinor: bigint } | { failure: true; rate: string | null }> {
    if (availableCny <= 0n) return { failure: true, rate: null };
    if (fx.fxCurrency === 'CNY') {
      const amount = fx.fxAmountMinor ?? availableCny;
      return amount > availableCny ? { failure: true, rate: '1' } : { rate: '1', purchasedMinor: amount, deductionMinor: amount };
    }
    const rateText = fx.purchaseRate ?? formatRate((await this.deps.fx.applied(fx.merchantId, fx.fxCurrency, 'CNY', 'ask')).rate);
    const rate = rateOf({ rate: rateText, quoteId: fx.orderId });
    if (fx.fxAmountMinor !== null) {
      const cost = convertMinor(fx.fxAmountMinor, fx.fxCurrency, 'CNY', rate);
      return cost > availableCny ? { failure: true, rate: rateText } : { rate: rateText, purchasedMinor: fx.fxAmountMinor, deductionMinor: cost };
    }
    return { rate: rateText, purchasedMinor: convertMinorInverse(availableCny, 'CNY', fx.fxCurrency, rate), deductionMinor: availableCny };
  }

  private async step(fx: FxOrder, expected: Parameters<FxOrderRepository['step']>[1], patch: Parameters<FxOrderRepository['step']>[2], notifyType: 'REVIEW' | 'FOREIGN_EXCHANGE'): Promise<FxOrder | undefined> {
    const order = await this.deps.orders.find(fx.orderId);
    const merchant = await this.deps.findMerchant(fx.merchantId);
    if (!order) return undefined;
    return this.deps.fxOrders.step(fx.orderId, expected, patch, this.deps.clock(), (updated): OutboxEntry => ({
      notificationId: randomUUID(),
      url: order.notifyUrl,
      sandbox: merchant?.sandbox ?? false,
      payloadJson: this.deps.formatNotification(order, updated, notifyType),
    }));
  }

  private async redeem(merchantId: string, input: NewFxOrder): Promise<FxQuote | undefined> {
    const foreign: CurrencyCode | undefined = input.orderCurrency !== 'CNY' ? input.orderCurrency : input.fxCurrency !== 'CNY' ? input.fxCurrency : undefined;
    if (!foreign) throw new GatewayError('LIST_PRICE_TOKEN_MISMATCH', { pair: 'CNY/CNY' });
    const quote = await this.deps.locks.redeem(merchantId, input.listPriceToken!, input.requestId, [foreign, 'CNY']);
    // A lock quoted CNY/X (inverse orientation) is not used to price: only X/CNY locks convert.
    return quote.base === foreign ? quote : undefined;
  }

  private purchaseRateAtCreation(input: NewFxOrder, locked: FxQuote | undefined, orderRate: FxQuote | undefined): PairRate['quote'] | undefined {
    if (input.fxCurrency === 'CNY') return undefined;
    if (locked && locked.base === input.fxCurrency) return locked;
    if (orderRate && orderRate.base === input.fxCurrency) return orderRate;
    return undefined;
  }

  private async checkAffordable(merchantId: string, input: NewFxOrder, paymentCny: bigint, purchaseRate: FxQuote | undefined): Promise<void> {
    if (input.fxAmountMinor === null) return;
    const fee = feeFor(pickFeePlan(await this.deps.pricing.feePlans(merchantId), 'FX', 'CNY'), paymentCny);
    const available = paymentCny - fee;
    let needed: bigint = input.fxAmountMinor;
    if (input.fxCurrency !== 'CNY') {
      const rate = purchaseRate ? rateOf(purchaseRate) : (await this.deps.fx.applied(merchantId, input.fxCurrency, 'CNY', 'ask')).rate;
      needed = convertMinor(input.fxAmountMinor, input.fxCurrency, 'CNY', rate);
    }
    if (needed > available) throw new GatewayError('FX_AMOUNT_EXCEEDED', { amount: input.fxAmountMinor.toString(), currency: input.fxCurrency, needed: needed.toString(), available: available.toString() });
  }

  /** The payer's bank card number is card data: kept as BIN, last four and a vault token, never in clear. */
  private maskPayer(payer: Record<string, string>): Record<string, string> {
    const { bankCardNum, ...rest } = payer;
    if (!bankCardNum) return rest;
    return { ...rest, bankCardBin: bankCardNum.slice(0, 6), bankCardLast4: bankCardNum.slice(-4), bankCardToken: this.deps.vault.tokenize(bankCardNum) };
  }
}

/** The rate parts of a quote, to record the same rate again for another purpose. */
function ratePartsOf(q: FxQuote) {
  return { base: q.base, quote: q.quote, side: q.side, market: rateOf({ rate: q.marketRate, quoteId: q.quoteId }), markupBps: q.markupBps, rate: rateOf(q), source: q.source, asOfMs: q.rateAsOfMs };
}

/** The request number of the refund a refused review makes. */
export function reviewRefusalRefundId(orderId: string): string {
  return `REVIEW-REFUSE-${orderId}`;
}
