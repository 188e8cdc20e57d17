import { randomBytes } from 'node:crypto';
import type { CustomsOffice } from '../domain/customs.js';
import { GatewayError } from '../domain/errors.js';
import type { OrderService } from '../orders/order-service.js';
import type { CustomsDeclaration, CustomsDeclarationRepository } from '../store/customs-declaration-repository.js';
import type { FxOrderRepository } from '../store/fx-order-repository.js';

/** A validated declaration request. */
export interface NewCustomsDeclaration {
  requestId: string;
  requestDigest: string;
  orderRequestId: string;
  subOrderRequestId: string | null;
  customsCode: string;
  ecpCode: string;
  ecpName: string;
}

/** The serial number of an FX order's sub-order (1-based, in the order the merchant listed them). */
export function subOrderSerialNumber(orderId: string, index: number): string {
  return `${orderId}-${index + 1}`;
}

/**
 * Customs declarations of FX orders (报关). The rules (seed 002, and what
 * customs needs to match goods with a payment):
 * - only a paid order, not refunded in full, with goods declared to customs
 *   (a product line of tradeType 纳入海关, which carries its waybill);
 * - an order with sub-orders is declared by its sub-order numbers only, each
 *   once, for the sub-order's amount; an order without, once, for what the
 *   payer paid (CNY);
 * - a request number is a declaration: the same request again answers it,
 *   another request for a declared order or sub-order is refused.
 */
export class CustomsDeclarations {
  constructor(
    private readonly deps: {
      declarations: CustomsDeclarationRepository;
      orders: OrderService;
      fxOrders: FxOrderRepository;
      office: CustomsOffice;
      clock: () => number;
    },
  ) {}

  async declare(merchantId: string, input: NewCustomsDeclaration): Promise<CustomsDeclaration> {
    const earlier = await this.deps.declarations.findByRequest(merchantId, input.requestId);
    if (earlier) {
      if (earlier.requestDigest !== input.requestDigest) throw new GatewayError('REQUEST_ID_CONFLICT', { requestId: input.requestId });
      return earlier.status === 'PROCESSING' ? this.send(earlier) : earlier;
    }
    const order = await this.deps.orders.findByRequest(merchantId, input.orderRequestId);
    const fx = order && order.product === 'foreignExchange' ? await this.deps.fxOrders.find(order.orderId) : undefined;
    if (!order || !fx) throw new GatewayError('ORDER_NOT_FOUND');
    const subOrders = fx.declaration.subOrders;
    if (subOrders.length > 0 && input.subOrderRequestId === null) throw new GatewayError('DECLARATION_SUB_ORDER_REQUIRED', { requestId: input.orderRequestId });
    if (subOrders.length === 0 && input.subOrderRequestId !== null) throw new GatewayError('FIELD_INVALID', { field: 'subOrderRequestId', reason: 'the order has no sub-orders' });
    const index = input.subOrderRequestId === null ? -1 : subOrders.findIndex((s) => s.requestId === input.subOrderRequestId);
    if (input.subOrderRequestId !== null && index < 0) throw new GatewayError('ORDER_NOT_FOUND');
    const refuse = (reason: string) => new GatewayError('DECLARATION_NOT_ALLOWED', { requestId: input.orderRequestId, reason });
    if (order.state !== 'SUCCESS') throw refuse(`the order is not paid (state ${order.state})`);
    if (order.refundedMinor >= order.amountMinor) throw refuse('the order was refunded in full');
    const customsLines = fx.declaration.productDetails.filter((line) => line.tradeType === 'CUSTOMS');
    if (customsLines.length === 0) throw refuse('no product line is declared to customs (tradeType 纳入海关)');
    const existing = await this.deps.declarations.findByTarget(order.orderId, input.subOrderRequestId);
    if (existing) throw new GatewayError('DECLARATION_CONFLICT', { target: input.subOrderRequestId ?? input.orderRequestId, requestId: existing.requestId });
    const declaration: CustomsDeclaration = {
      declarationId: `cd${randomBytes(15).toString('hex')}`,
      merchantId,
      requestId: input.requestId,
      requestDigest: input.requestDigest,
      orderId: order.orderId,
      subOrderRequestId: input.subOrderRequestId,
      paymentSerialNumber: index < 0 ? order.orderId : subOrderSerialNumber(order.orderId, index),
      customsCode: input.customsCode,
      ecpCode: input.ecpCode,
      ecpName: input.ecpName,
      // Sub-orders exist only on CNY orders (seed 002), so their amounts are CNY as the payment is.
      amountMinor: index < 0 ? order.amountMinor : subOrders[index]!.orderAmountMinor,
      currency: 'CNY',
      status: 'PROCESSING',
      customsReference: null,
      failureReason: null,
      createdAtMs: this.deps.clock(),
      completedAtMs: null,
    };
    const inserted = await this.deps.declarations.insert(declaration);
    if (inserted === 'request') return this.declare(merchantId, input);
    if (inserted === 'target') {
      const winner = await this.deps.declarations.findByTarget(order.orderId, input.subOrderRequestId);
      throw new GatewayError('DECLARATION_CONFLICT', { target: input.subOrderRequestId ?? input.orderRequestId, requestId: winner?.requestId ?? '' });
    }
    return this.send(declaration);
  }

  async find(merchantId: string, requestId: string): Promise<CustomsDeclaration> {
    const d = await this.deps.declarations.findByRequest(merchantId, requestId);
    if (!d) throw new GatewayError('ORDER_NOT_FOUND');
    return d;
  }

  /** Sends a recorded declaration to the office (its id is the office's idempotency key) and records the answer. */
  private async send(d: CustomsDeclaration): Promise<CustomsDeclaration> {
    const fx = await this.deps.fxOrders.find(d.orderId);
    const payer = fx?.declaration.payer ?? {};
    let result: Awaited<ReturnType<CustomsOffice['declare']>>;
    try {
      result = await this.deps.office.declare({
        declarationId: d.declarationId,
        merchantId: d.merchantId,
        customsCode: d.customsCode,
        ecpCode: d.ecpCode,
        ecpName: d.ecpName,
        paymentSerialNumber: d.paymentSerialNumber,
        amountMinor: d.amountMinor,
        currency: 'CNY',
        payerName: payer.name ?? '',
        payerIdNum: payer.idNum ?? '',
        logisticsNumbers: (fx?.declaration.productDetails ?? []).filter((l) => l.tradeType === 'CUSTOMS' && l.logisticsNumber).map((l) => l.logisticsNumber!),
      });
    } catch {
      // No answer: the declaration stays PROCESSING; the same request again sends it again.
      return d;
    }
    const patch =
      result.outcome === 'accepted'
        ? { status: 'SUCCESS' as const, customsReference: result.reference, failureReason: null, completedAtMs: result.completedAtMs }
        : { status: 'FAILED' as const, customsReference: result.reference, failureReason: result.reason, completedAtMs: result.completedAtMs };
    await this.deps.declarations.complete(d.declarationId, patch);
    return (await this.deps.declarations.findByRequest(d.merchantId, d.requestId)) ?? { ...d, ...patch };
  }
}
