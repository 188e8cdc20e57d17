import { randomUUID } from 'node:crypto';
import type { FxDesk } from '../domain/fx-desk.js';
import { fxSellBackJournals } from '../domain/ledger.js';
import type { Order } from '../domain/order.js';
import type { OrderService } from '../orders/order-service.js';
import type { FxOrderRepository } from '../store/fx-order-repository.js';
import type { FxQuoteRepository } from '../store/fx-quote-repository.js';
import type { FxSellBack, FxSellBackRepository } from '../store/fx-sell-back-repository.js';
import type { Merchant } from '../store/merchant-repository.js';
import { convertMinor } from './conversion.js';
import { formatRate, parseRate } from './exact-rate.js';
import { quoteOf, type FxPricing } from './fx-pricing.js';
import type { FxOrder } from './fx-order.js';
import { sellBackStep } from './sell-back-step.js';

export interface FxSellBackDeps {
  fxOrders: FxOrderRepository;
  sales: FxSellBackRepository;
  orders: OrderService;
  desk: FxDesk;
  fx: FxPricing;
  quotes: FxQuoteRepository;
  clock: () => number;
  findMerchant: (merchantId: string) => Promise<Merchant | undefined>;
  /** The notification of a sale back: the FX order as it stands after it, and the sale. */
  formatNotification: (order: Order, fx: FxOrder, sale: FxSellBack) => string;
}

/**
 * Refunds after the FX purchase: the payer gets back the CNY refunded (the
 * shared refund, through the payment's channel), and the currency the
 * refunded share bought is sold back to the FX desk at the desk's bid of the
 * moment (with the merchant's markup, as every rate it is charged). The
 * difference with what that currency cost is the merchant's: the purchase
 * was made for it, so a loss is taken from its payable and a gain added to
 * it, posted to the ledger with the sale and notified.
 */
export class FxSellBackService {
  constructor(private readonly deps: FxSellBackDeps) {}

  /** Brings an order's sales back up to its refunds: resumes a sale left pending, or sells the next step. */
  async catchUp(orderId: string): Promise<FxSellBack | undefined> {
    const sales = await this.deps.sales.forOrder(orderId);
    const pending = sales.find((s) => s.status === 'PENDING');
    if (pending) return this.send(pending);
    const fx = await this.deps.fxOrders.find(orderId);
    // CNY bought with CNY has nothing to sell back.
    if (!fx || fx.purchaseStatus !== 'SUCCESS' || fx.fxCurrency === 'CNY' || fx.purchasedMinor === null || fx.deductionMinor === null) return undefined;
    const order = await this.deps.orders.find(orderId);
    if (!order) return undefined;
    const live = sales.filter((s) => s.status === 'SUCCESS');
    const step = sellBackStep({
      paymentMinor: order.amountMinor,
      baseMinor: fx.purchaseBaseMinor ?? order.amountMinor,
      refundedMinor: order.refundedMinor,
      purchasedMinor: fx.purchasedMinor,
      deductionMinor: fx.deductionMinor,
      soldMinor: live.reduce((sum, s) => sum + s.soldMinor, 0n),
      costMinor: live.reduce((sum, s) => sum + s.costMinor, 0n),
    });
    if (!step) {
      // Refunded too little to move a minor unit yet: the next refund carries it.
      await this.deps.sales.touch(orderId, this.deps.clock());
      return undefined;
    }
    const applied = await this.deps.fx.applied(fx.merchantId, fx.fxCurrency, 'CNY', 'bid');
    const proceedsMinor = convertMinor(step.soldMinor, fx.fxCurrency, 'CNY', applied.rate);
    const seq = (sales.at(-1)?.seq ?? 0) + 1;
    const now = this.deps.clock();
    const sale: FxSellBack = {
      saleId: `${orderId}-S${seq}`,
      orderId,
      merchantId: fx.merchantId,
      seq,
      currency: fx.fxCurrency,
      soldMinor: step.soldMinor,
      costMinor: step.costMinor,
      refundedThroughMinor: step.refundedThroughMinor,
      rate: formatRate(applied.rate),
      proceedsMinor,
      status: 'PENDING',
      deskReference: null,
      createdAtMs: now,
      completedAtMs: null,
    };
    // Another writer took this step first: it sells it.
    if (!(await this.deps.sales.reserve(sale))) return undefined;
    await this.deps.quotes.insert(quoteOf(applied, { merchantId: fx.merchantId, purpose: 'SELL_BACK', requestId: sale.saleId, orderId, nowMs: now, amountMinor: sale.soldMinor, convertedMinor: proceedsMinor }));
    return this.send(sale);
  }

  /** Sales left pending, and orders whose sales are behind their refunds (a crash, a desk that did not answer). */
  async runDue(limit: number): Promise<number> {
    let done = 0;
    for (const sale of await this.deps.sales.pending(limit)) if ((await this.send(sale))?.status !== 'PENDING') done += 1;
    for (const orderId of await this.deps.sales.ordersToCatchUp(limit)) if (await this.catchUp(orderId)) done += 1;
    return done;
  }

  /** Sends a reserved sale to the desk (its id is the desk's idempotency key) and records the answer. */
  private async send(sale: FxSellBack): Promise<FxSellBack> {
    if (!parseRate(sale.rate)) throw new Error(`sale ${sale.saleId} holds an unreadable rate`);
    let result: Awaited<ReturnType<FxDesk['sell']>>;
    try {
      // Nothing to sell (rounding left no currency for this step's cost): recorded without the desk.
      result = sale.soldMinor === 0n ? { outcome: 'filled', reference: 'NONE', completedAtMs: this.deps.clock() } : await this.deps.desk.sell({
        saleId: sale.saleId,
        purchaseId: sale.orderId,
        merchantId: sale.merchantId,
        sellCurrency: sale.currency,
        sellMinor: sale.soldMinor,
        buyCurrency: 'CNY',
        buyMinor: sale.proceedsMinor,
        rate: sale.rate,
      });
    } catch {
      // No answer: the sale stays pending and is sent again with the same id.
      return sale;
    }
    const filled = result.outcome === 'filled';
    const completedAtMs = result.outcome === 'filled' ? result.completedAtMs : this.deps.clock();
    const journals = filled ? fxSellBackJournals(sale.saleId, { orderId: sale.orderId, merchantId: sale.merchantId, desk: this.deps.desk.name }, sale.proceedsMinor - sale.costMinor) : [];
    const order = await this.deps.orders.find(sale.orderId);
    const fx = await this.deps.fxOrders.find(sale.orderId);
    const merchant = await this.deps.findMerchant(sale.merchantId);
    const done = await this.deps.sales.complete(sale.saleId, { status: filled ? 'SUCCESS' : 'FAILED', deskReference: result.reference, completedAtMs }, journals, (recorded) =>
      order && fx
        ? {
            notificationId: randomUUID(),
            url: order.notifyUrl,
            sandbox: merchant?.sandbox ?? false,
            payloadJson: this.deps.formatNotification(order, { ...fx, soldBackMinor: fx.soldBackMinor + (recorded.status === 'SUCCESS' ? recorded.soldMinor : 0n) }, recorded),
          }
        : undefined,
    );
    return done ?? (await this.deps.sales.forOrder(sale.orderId)).find((s) => s.saleId === sale.saleId) ?? sale;
  }
}
