import { isAmountMinorString } from './amount.js';
import { InvalidArgumentError, OpenCashierError } from './errors.js';
import { checkFxOrderState } from './fx-checks.js';
import type {
  CustomsDeclarationRequest,
  CustomsDeclarationState,
  FxOrderRequest,
  FxOrderResponse,
  FxOrderState,
  FxProofUpload,
  FxRateLock,
  FxRateLockRequest,
  ReconciliationLinks,
  SettlementBatchState,
} from './fx-types.js';
import type { RefundRequest, RefundResponse, RefundState } from './types.js';

type Call = (path: string, payload: Readonly<Record<string, unknown>>) => Promise<Record<string, unknown>>;

const BUSINESS_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The cross-border merchant APIs, typed: FX purchase orders (seed 002),
 * settlement, reconciliation files and customs declarations. Reached as
 * `client.crossBorder`; each call signs, sends and verifies like every
 * PayEaseClient call, and FAILED or ERROR answers throw `BusinessError`.
 */
export class CrossBorderApi {
  constructor(
    private readonly call: Call,
    private readonly merchantId: string,
  ) {}

  /** Locks a rate for an FX order (`listPriceToken`, valid until `expireDateTime`). */
  async lockRate(request: FxRateLockRequest): Promise<FxRateLock> {
    if (request.amount !== undefined) checkWireAmount(request.amount, 'amount');
    const answer = await this.send('foreignExchange/listpriceLock', request);
    if (typeof answer['listPriceToken'] !== 'string') throw new OpenCashierError('gateway answer lacks listPriceToken');
    return answer as FxRateLock;
  }

  /** Creates an FX purchase order; the payer is sent to `redirectUrl` (REDIRECT) or gets a payment action (SUCCESS). */
  async createFxOrder(request: FxOrderRequest): Promise<FxOrderResponse> {
    checkWireAmount(request.orderAmount, 'orderAmount');
    const answer = await this.send('foreignExchange/order', request);
    if (typeof answer['serialNumber'] !== 'string') throw new OpenCashierError('gateway answer lacks serialNumber');
    checkAmounts(answer, ['orderAmount', 'paymentAmount']);
    return answer as FxOrderResponse;
  }

  /** The order with its payment, review and purchase, as its notifications carry it. */
  async queryFxOrder(request: { requestId: string }): Promise<FxOrderState> {
    return checkFxOrderState(await this.send('foreignExchange/query', request));
  }

  /** Refunds (part of) a paid FX order by its `serialNumber` (`orderId`); after the purchase the bought currency is sold back. */
  async refundFxOrder(request: RefundRequest): Promise<RefundResponse> {
    if (request.amount !== undefined && request.amount !== '') checkWireAmount(request.amount, 'amount');
    return (await this.send('foreignExchange/refund', request)) as RefundResponse;
  }

  async queryFxRefund(request: { requestId: string }): Promise<RefundState> {
    const answer = await this.send('foreignExchange/refundQuery', request);
    checkAmounts(answer, ['amount', 'orderAmount']);
    return answer as RefundState;
  }

  /** A URL to PUT an FX order's proof file to (`fileName` as the order names it). */
  async proofUpload(request: { fileName: string }): Promise<FxProofUpload> {
    return (await this.send('foreignExchange/proofUpload', request)) as unknown as FxProofUpload;
  }

  /** The settlement batch of a business day (YYYY-MM-DD); none yet throws `BusinessError` SETTLEMENT_NOT_FOUND. */
  async querySettlement(request: { businessDate: string }): Promise<SettlementBatchState> {
    checkBusinessDate(request.businessDate);
    const answer = await this.send('settlement/query', request);
    checkAmounts(answer, ['capturedAmount', 'refundedAmount', 'chargebackAmount', 'feeAmount', 'netAmount']);
    return answer as SettlementBatchState;
  }

  /** Short-lived links to a business day's reconciliation file and its signature. */
  async reconciliationDownload(request: { businessDate: string }): Promise<ReconciliationLinks> {
    checkBusinessDate(request.businessDate);
    return (await this.send('reconciliation/download', request)) as unknown as ReconciliationLinks;
  }

  async declareCustoms(request: CustomsDeclarationRequest): Promise<CustomsDeclarationState> {
    return (await this.send('serviceprovider/declaration/declare', request)) as CustomsDeclarationState;
  }

  async queryCustomsDeclaration(request: { requestId: string }): Promise<CustomsDeclarationState> {
    return (await this.send('serviceprovider/declaration/query', request)) as CustomsDeclarationState;
  }

  private send(path: string, request: object): Promise<Record<string, unknown>> {
    return this.call(path, { merchantId: this.merchantId, ...request });
  }
}

function checkWireAmount(value: unknown, field: string): void {
  if (!isAmountMinorString(value)) throw new InvalidArgumentError(`${field} must be a string of integer minor units, e.g. "12345" for 123.45`);
}

function checkBusinessDate(date: string): void {
  if (!BUSINESS_DATE.test(date)) throw new InvalidArgumentError('businessDate must be YYYY-MM-DD');
}

/** Money is checked when read: a verified answer with a malformed amount is a gateway fault. */
function checkAmounts(answer: Record<string, unknown>, fields: readonly string[]): void {
  for (const field of fields) {
    const value = answer[field];
    if (value !== undefined && !isAmountMinorString(value)) throw new OpenCashierError(`gateway answer has a malformed ${field}`);
  }
}
