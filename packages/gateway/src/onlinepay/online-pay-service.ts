import type { PayerAction, PayerCompletedChannel } from '../domain/channel.js';
import type { ChannelRegistry } from '../channels/registry.js';
import { GatewayError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import { PAYMENT_METHODS, isPaymentMethod, paymentMethodSpec, type ParsedPaymentMode, type PaymentMethod } from '../domain/payment-method.js';
import type { Merchant } from '../store/merchant-repository.js';
import type { OnlinePayRepository } from '../store/online-pay-repository.js';
import type { OrderService } from '../orders/order-service.js';
import type { OnlinePayOrderRequest } from './online-pay-command.js';
import type { CardBindingService } from './card-binding-service.js';

export interface OnlinePayServiceDeps {
  orders: OrderService;
  repository: OnlinePayRepository;
  channels: ChannelRegistry;
  clock: () => number;
  bindings: CardBindingService;
}

export interface OnlinePayCreated {
  order: Order;
  /** What the payer must do; undefined when the payer chooses in the hosted cashier. */
  action: PayerAction | undefined;
}

/**
 * The unified order: one API for every method. Creating the order and
 * starting its method at the channel are two steps, so a requestId replay
 * after a failed start starts it again, and a replay after a good one
 * answers the same QR code or page.
 */
export class OnlinePayService {
  constructor(private readonly deps: OnlinePayServiceDeps) {}

  /** The methods the merchant takes: its own list, or every method whose channel this gateway runs. */
  async enabledMethods(merchantId: string): Promise<PaymentMethod[]> {
    const own = (await this.deps.repository.enabledMethods(merchantId)).filter(isPaymentMethod);
    const list = own.length > 0 ? own : [...PAYMENT_METHODS];
    return PAYMENT_METHODS.filter((m) => list.includes(m) && this.deps.channels.offers(m));
  }

  /** The merchant's methods whose channel takes `currency`: what the cashier offers for an order. */
  async methodsFor(merchantId: string, currency: string): Promise<PaymentMethod[]> {
    return (await this.enabledMethods(merchantId)).filter((m) => this.takesCurrency(m, currency));
  }

  private takesCurrency(method: PaymentMethod, currency: string): boolean {
    return this.deps.channels.offers(method, currency);
  }

  async setEnabledMethods(merchantId: string, methods: readonly string[]): Promise<PaymentMethod[]> {
    for (const m of methods) if (!isPaymentMethod(m)) throw new GatewayError('FIELD_INVALID', { field: 'methods', reason: `unknown method ${m}` });
    await this.deps.repository.setEnabledMethods(merchantId, [...new Set(methods)], this.deps.clock());
    return this.enabledMethods(merchantId);
  }

  async create(merchant: Merchant, request: OnlinePayOrderRequest): Promise<OnlinePayCreated> {
    // Checked before anything is written: a refused method leaves no order behind.
    if (request.mode) {
      await this.checkEnabled(merchant.merchantId, request.mode.method);
      if (!this.takesCurrency(request.mode.method, request.order.currency)) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: request.order.currency });
    }
    if (request.mode && paymentMethodSpec(request.mode.method).action === 'saved-card') return this.payWithSavedCard(merchant, request, request.mode.method);
    const { order } = await this.deps.orders.create(merchant, request.order);
    if (!request.mode) return { order, action: undefined };
    const stored = await this.storedAction(order.orderId);
    if (stored || order.state !== 'INIT') return { order, action: stored };
    return this.start(order, request.mode, request);
  }

  /**
   * Express payment: the saved card is charged at once, card-on-file. The
   * card is looked up before the order is written, so an unknown or
   * unbound card leaves nothing behind.
   */
  private async payWithSavedCard(merchant: Merchant, request: OnlinePayOrderRequest, method: PaymentMethod): Promise<OnlinePayCreated> {
    const { binding, card } = await this.deps.bindings.chargeable(merchant.merchantId, request.merchantUserId ?? '', request.bindCardId ?? '');
    const kind = method === 'EXPRESS_CREDIT' ? 'CREDIT' : 'DEBIT';
    if (binding.cardKind !== kind) throw new GatewayError('FIELD_INVALID', { field: 'bindCardId', reason: `the saved card is a ${binding.cardKind.toLowerCase()} card` });
    const { order } = await this.deps.orders.create(merchant, request.order);
    if (order.state !== 'INIT') return { order, action: undefined };
    const paid = await this.deps.orders.pay(order.orderId, card).catch((error: unknown) => {
      // A concurrent replay paid it first: its outcome is the answer.
      if (error instanceof GatewayError && error.code === 'ORDER_NOT_PAYABLE') return undefined;
      throw error;
    });
    return { order: paid ?? (await this.deps.orders.find(order.orderId)) ?? order, action: undefined };
  }

  /** The payer picked a method in the hosted cashier. */
  async chooseInCashier(order: Order, method: PaymentMethod): Promise<OnlinePayCreated> {
    await this.checkEnabled(order.merchantId, method);
    if (!this.takesCurrency(method, order.currency)) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: order.currency });
    return this.start(order, { method });
  }

  /** What the payer was handed when the order's method was started, if it was. */
  async storedAction(orderId: string): Promise<PayerAction | undefined> {
    const json = await this.deps.repository.payerActionJson(orderId);
    return json ? (JSON.parse(json) as PayerAction) : undefined;
  }

  private async checkEnabled(merchantId: string, method: PaymentMethod): Promise<void> {
    if (!(await this.enabledMethods(merchantId)).includes(method)) throw new GatewayError('PAYMENT_METHOD_NOT_ENABLED', { method });
  }

  private async start(order: Order, mode: ParsedPaymentMode, wallet: { appId?: string; openId?: string } = {}): Promise<OnlinePayCreated> {
    if (order.state !== 'INIT') throw new GatewayError('ORDER_NOT_PAYABLE', { state: order.state });
    const channel = this.deps.channels.route({ method: mode.method, currency: order.currency, amountMinor: order.amountMinor })[0] as PayerCompletedChannel | undefined;
    // enabledMethods and takesCurrency checked that a channel takes it: none here is a configuration fault.
    if (!channel || typeof channel.start !== 'function') throw new Error(`no channel can start ${mode.method} payments in ${order.currency}`);
    const { reference, action } = await channel.start({
      orderId: order.orderId,
      merchantId: order.merchantId,
      amountMinor: order.amountMinor,
      currency: order.currency,
      method: mode.method,
      ...(mode.bankCode ? { bankCode: mode.bankCode } : {}),
      ...(wallet.appId ? { appId: wallet.appId } : {}),
      ...(wallet.openId ? { openId: wallet.openId } : {}),
    });
    const recorded = await this.deps.repository.recordStart(
      { orderId: order.orderId, method: mode.method, channel: channel.name, channelReference: reference, payerActionJson: JSON.stringify(action) },
      this.deps.clock(),
    );
    const current = (await this.deps.orders.find(order.orderId)) ?? order;
    // Lost to another start (a second tab, a concurrent replay): its action is the one the order keeps.
    return { order: current, action: recorded ? action : await this.storedAction(order.orderId) };
  }
}
