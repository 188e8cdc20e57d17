import { randomBytes } from 'node:crypto';
import { GatewayError } from '../domain/errors.js';
import { findCurrency } from '../domain/currencies.js';
import type { AmountMinor } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import { REQUEST_ID_LENGTH_MAX, TEXT_LENGTH_MAX } from '../domain/limits.js';
import type { IncomingTransfer, TransferOutcome } from '../domain/incoming-transfer.js';
import { normalisePostscript } from '../channels/offline-remittance/index.js';
import type { OrderService } from '../orders/order-service.js';
import type { OnlinePayRepository } from '../store/online-pay-repository.js';
import type { TransferRepository } from '../store/transfer-repository.js';

/** The channel name offline remittance orders are started at. */
const REMITTANCE_CHANNEL = 'offline-remittance';

export interface TransferInput {
  /** The bank's own reference: recording the same transfer again changes nothing. */
  bankReference: string;
  postscript: string;
  amountMinor: AmountMinor;
  currency: string;
  payerName?: string;
  payerAccount?: string;
  receivedAtMs?: number;
}

export interface RecordedTransfer {
  transfer: IncomingTransfer;
  replayed: boolean;
  order: Order | undefined;
}

/**
 * Incoming bank transfers for offline remittance orders, as an operator
 * records them from the bank statement. The exact amount in the order's
 * currency pays an open order (and is refunded at once if the order was
 * already cancelled or expired); anything else is held for review and
 * reported, and a postscript no order has is reported as unmatched.
 */
export class RemittanceService {
  constructor(
    private readonly deps: { orders: OrderService; onlinePay: OnlinePayRepository; transfers: TransferRepository; clock: () => number },
  ) {}

  async record(input: TransferInput): Promise<RecordedTransfer> {
    checkInput(input);
    const earlier = await this.deps.transfers.findByBankReference(input.bankReference);
    if (earlier) return { transfer: earlier, replayed: true, order: await this.settle(earlier) };
    const postscript = normalisePostscript(input.postscript);
    const orderId = await this.deps.onlinePay.findOrderIdByReference(REMITTANCE_CHANNEL, postscript);
    const order = orderId ? await this.deps.orders.find(orderId) : undefined;
    const now = this.deps.clock();
    const transfer: IncomingTransfer = {
      transferId: `tr${randomBytes(12).toString('hex')}`,
      bankReference: input.bankReference,
      postscript,
      amountMinor: input.amountMinor,
      currency: input.currency,
      payerName: input.payerName ?? null,
      payerAccount: input.payerAccount ?? null,
      orderId: order?.orderId ?? null,
      outcome: classify(input, order),
      receivedAtMs: input.receivedAtMs ?? now,
      recordedAtMs: now,
    };
    // Recorded before the order moves: a stop in between is healed by recording the same transfer again.
    if (!(await this.deps.transfers.insert(transfer))) {
      const winner = await this.deps.transfers.findByBankReference(input.bankReference);
      if (!winner) throw new Error('transfer insert conflicted but no transfer exists');
      return { transfer: winner, replayed: true, order: await this.settle(winner) };
    }
    const settled = await this.settle(transfer);
    const final = settled ? finalOutcome(transfer.outcome, settled) : transfer.outcome;
    if (final !== transfer.outcome) await this.deps.transfers.setOutcome(transfer.transferId, final);
    return { transfer: { ...transfer, outcome: final }, replayed: false, order: settled ?? order };
  }

  /**
   * An operator ties an unmatched transfer (the payer mistyped the
   * postscript) to the offline remittance order it pays. The transfer is
   * then judged as if its postscript had named the order: the exact amount
   * pays an open order, anything else is held.
   */
  async match(transferId: string, orderId: string): Promise<RecordedTransfer> {
    const transfer = await this.deps.transfers.find(transferId);
    if (!transfer) throw new GatewayError('NOT_FOUND');
    if (transfer.outcome !== 'UNMATCHED') throw new GatewayError('FIELD_INVALID', { field: 'transferId', reason: `the transfer is ${transfer.outcome}, not UNMATCHED` });
    const order = await this.deps.orders.find(orderId);
    if (!order || order.channel !== REMITTANCE_CHANNEL) throw new GatewayError('ORDER_NOT_FOUND');
    const outcome = classify(transfer, order);
    if (!(await this.deps.transfers.assign(transferId, order.orderId, outcome))) throw new GatewayError('FIELD_INVALID', { field: 'transferId', reason: 'the transfer was matched meanwhile' });
    const assigned: IncomingTransfer = { ...transfer, orderId: order.orderId, outcome };
    // The order's own postscript, not the mistyped one: the channel knows the order by it.
    const settled = await this.settle(assigned, order.channelReference ?? transfer.postscript);
    const final = settled ? finalOutcome(outcome, settled) : outcome;
    if (final !== outcome) await this.deps.transfers.setOutcome(transferId, final);
    return { transfer: { ...assigned, outcome: final }, replayed: false, order: settled ?? order };
  }

  async list(outcomes: readonly TransferOutcome[] | undefined, limit: number): Promise<IncomingTransfer[]> {
    return this.deps.transfers.list(outcomes, limit);
  }

  /** Completes the order of an exact transfer (again, after a stop: every step is idempotent). */
  private async settle(t: IncomingTransfer, reference: string = t.postscript): Promise<Order | undefined> {
    if (!t.orderId || (t.outcome !== 'SETTLED' && t.outcome !== 'REFUNDED_LATE')) return t.orderId ? this.deps.orders.find(t.orderId) : undefined;
    return this.deps.orders.completeAtChannel(t.orderId, REMITTANCE_CHANNEL, {
      outcome: 'approved',
      reference,
      authCode: t.bankReference,
      collected: { amountMinor: t.amountMinor, currency: t.currency },
    });
  }
}

function classify(input: Pick<TransferInput, 'currency' | 'amountMinor'>, order: Order | undefined): TransferOutcome {
  if (!order) return 'UNMATCHED';
  if (input.currency !== order.currency) return 'HELD_CURRENCY';
  if (input.amountMinor < order.amountMinor) return 'HELD_SHORT';
  if (input.amountMinor > order.amountMinor) return 'HELD_OVER';
  if (order.state === 'CANCEL') return 'REFUNDED_LATE';
  if (order.state !== 'INIT') return 'HELD_ALREADY_PAID';
  return 'SETTLED';
}

/** The order may have changed between reading and settling (expired, paid by another transfer). */
function finalOutcome(intended: TransferOutcome, order: Order): TransferOutcome {
  if (intended !== 'SETTLED') return intended;
  if (order.state === 'SUCCESS') return 'SETTLED';
  return order.state === 'CANCEL' ? 'REFUNDED_LATE' : 'HELD_ALREADY_PAID';
}

function checkInput(input: TransferInput): void {
  const text = (field: string, value: string | undefined, required: boolean, max: number) => {
    if (value === undefined || value === '') {
      if (required) throw new GatewayError('FIELD_MISSING', { field });
      return;
    }
    if (value.length > max || /[\u0000-\u001f\u007f]/.test(value)) throw new GatewayError('FIELD_INVALID', { field, reason: `at most ${max} printable characters` });
  };
  text('bankReference', input.bankReference, true, REQUEST_ID_LENGTH_MAX);
  text('postscript', input.postscript, true, REQUEST_ID_LENGTH_MAX);
  text('payerName', input.payerName, false, TEXT_LENGTH_MAX);
  text('payerAccount', input.payerAccount, false, TEXT_LENGTH_MAX);
  if (input.amountMinor <= 0n) throw new GatewayError('AMOUNT_INVALID', { field: 'amount' });
  if (!findCurrency(input.currency)) throw new GatewayError('CURRENCY_UNSUPPORTED', { currency: input.currency });
}
