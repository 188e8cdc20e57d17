import type { Transaction } from 'kysely';
import type { ChannelEvent, ChannelInbound, InboundMessage } from '../domain/channel-inbound.js';
import type { AuthorizeResult } from '../domain/channel.js';
import { GatewayError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { OrderService } from '../orders/order-service.js';
import type { ChannelEventRepository } from '../store/channel-event-repository.js';
import type { Database } from '../store/schema.js';

export interface ChannelCallbacksDeps {
  events: ChannelEventRepository;
  orders: OrderService;
  clock: () => number;
}

export type CallbackOutcome = { kind: 'applied'; order: Order } | { kind: 'replayed' };

/** The synchronous answer an upstream event stands for: applied through the same order commands. */
function resultOf(event: ChannelEvent): Extract<AuthorizeResult, { outcome: 'approved' | 'declined' }> {
  switch (event.kind) {
    case 'authorised':
      return { outcome: 'approved', reference: event.reference, authCode: event.authCode, ...(event.collected ? { collected: event.collected } : {}) };
    case 'failed':
      return { outcome: 'declined', reference: event.reference, declineCode: event.declineCode };
  }
}

/**
 * Applies a channel's upstream messages. The channel verifies and reads a
 * message; this applies its event once per upstream event id: the id is
 * recorded in the transaction of the state change (with its outbox row),
 * or on its own when the event changes nothing (the order had moved on).
 */
export class ChannelCallbacks {
  constructor(private readonly deps: ChannelCallbacksDeps) {}

  async receive(channel: string, inbound: ChannelInbound, message: InboundMessage): Promise<CallbackOutcome> {
    const verdict = inbound.verify(message);
    if (!verdict.accepted) {
      if (verdict.reason === 'signature') throw new GatewayError('SIGNATURE_INVALID');
      throw new GatewayError('FIELD_INVALID', { field: 'body', reason: 'not a message this channel sends' });
    }
    const { eventId, event } = verdict;
    if (await this.deps.events.seen(channel, eventId)) return { kind: 'replayed' };
    const orderId = await this.deps.events.orderIdByReference(channel, event.reference);
    if (!orderId) throw new GatewayError('FIELD_INVALID', { field: 'reference', reason: 'no payment at this channel has it' });
    let recorded = false;
    const within = async (tx: Transaction<Database>) => {
      recorded = await this.deps.events.record(channel, eventId, event.kind, orderId, this.deps.clock(), tx);
    };
    const order = await this.deps.orders.applyUpstreamOutcome(orderId, channel, resultOf(event), within);
    // Nothing changed (the order was final, or a concurrent delivery moved it): the id is kept all the same.
    if (!recorded && !(await this.deps.events.record(channel, eventId, event.kind, orderId, this.deps.clock()))) return { kind: 'replayed' };
    return { kind: 'applied', order };
  }
}
