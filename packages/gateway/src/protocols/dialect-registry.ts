/**
 * The merchant protocols the gateway speaks, one entry each. An order
 * remembers the dialect that created it; everything that goes back to the
 * merchant afterwards — the notification's payload and encoding, what counts
 * as the merchant's acknowledgement, the cashier's link back to the shop —
 * is looked up here by that name. Adding a dialect adds one entry.
 */
import { DEFAULT_DIALECT, type Order } from '../domain/order.js';
import type { Refund } from '../domain/refund.js';
import type { NotificationRequest, NotifyAnswer, OutboxNotification } from '../notify/outbox.js';

export interface MerchantDialect {
  readonly name: string;
  /** The notification payload of a final state, stored in the outbox row (unsigned: it is signed at delivery). */
  formatNotification(order: Order): string;
  /** The payload of a refund's final state; a dialect without one has its orders' refunds notified as PayEase. */
  formatRefundNotification?(refund: Refund, order: Order): string;
  /** The HTTP request delivering a stored notification: signed with the merchant's current key at the time of sending. */
  encodeNotification(n: OutboxNotification): Promise<NotificationRequest>;
  /** Whether the merchant's answer acknowledges the notification. */
  acknowledged(answer: NotifyAnswer): boolean;
  /** Where the cashier's result page sends the payer back to; undefined shows no link. */
  returnUrl(order: Order): string | undefined;
}

export class DialectRegistry {
  readonly #dialects = new Map<string, MerchantDialect>();

  constructor(dialects: readonly MerchantDialect[]) {
    for (const d of dialects) {
      if (this.#dialects.has(d.name)) throw new Error(`dialect ${d.name} registered twice`);
      this.#dialects.set(d.name, d);
    }
  }

  /** The dialect of an order or notification. An unknown name is corruption (or a downgrade), not input. */
  get(name: string): MerchantDialect {
    const d = this.#dialects.get(name);
    if (!d) throw new Error(`no merchant dialect ${name}`);
    return d;
  }

  /** A refund's notification: in its order's dialect when that dialect notifies refunds, else in PayEase's. */
  refundNotification(refund: Refund, order: Order): { payloadJson: string; dialect: string } {
    const own = this.get(order.dialect);
    const dialect = own.formatRefundNotification ? own : this.get(DEFAULT_DIALECT);
    return { payloadJson: dialect.formatRefundNotification!(refund, order), dialect: dialect.name };
  }

  names(): string[] {
    return [...this.#dialects.keys()];
  }
}

/** A 2xx answer that arrived in full: the part of acknowledgement every dialect shares. */
export function answeredOk(answer: NotifyAnswer): boolean {
  return answer.error === null && answer.httpStatus !== null && answer.httpStatus >= 200 && answer.httpStatus < 300;
}
