import type { Channel } from '../domain/channel.js';
import type { ChannelCapabilitySet } from '../domain/channel-module.js';
import { ChannelRouter, type ChannelConfiguration, type RouteRequest } from '../domain/channel-router.js';
import type { PaymentMethod } from '../domain/payment-method.js';

/** A channel as the gateway runs it: the built channel and the capabilities its module declares. */
export interface RegisteredChannel {
  channel: Channel;
  capabilities: ChannelCapabilitySet;
}

/**
 * The channels this gateway runs, by name. An order remembers the name of
 * the channel that took its payment, and everything after the payment —
 * queries, challenges, refunds — goes back to that same channel. Which
 * channel takes a new payment is the router's answer.
 */
export class ChannelRegistry {
  private readonly byName = new Map<string, RegisteredChannel>();
  private readonly router: ChannelRouter;

  constructor(channels: readonly RegisteredChannel[]) {
    for (const entry of channels) {
      if (this.byName.has(entry.channel.name)) throw new Error(`two channels are named ${entry.channel.name}`);
      this.byName.set(entry.channel.name, entry);
    }
    this.router = new ChannelRouter(channels.map((e) => ({ name: e.channel.name, capabilities: e.capabilities })));
  }

  /** The channel of that name; a name no channel has is a configuration fault, not input. */
  get(name: string): Channel {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no channel named ${name} is configured`);
    return entry.channel;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  capabilitiesOf(name: string): ChannelCapabilitySet {
    const entry = this.byName.get(name);
    if (!entry) throw new Error(`no channel named ${name} is configured`);
    return entry.capabilities;
  }

  /** The methods a channel takes. */
  methodsOf(name: string): readonly PaymentMethod[] {
    return this.capabilitiesOf(name).methods;
  }

  /** Whether any channel takes the method (in `currency`, when given). */
  offers(method: PaymentMethod, currency?: string): boolean {
    return [...this.byName.values()].some((e) => e.capabilities.methods.includes(method) && (currency === undefined || (e.capabilities.currencies as readonly string[]).includes(currency)));
  }

  /** The currencies any channel takes the method in. */
  currenciesOf(method: PaymentMethod): string[] {
    const out = new Set<string>();
    for (const e of this.byName.values()) if (e.capabilities.methods.includes(method)) for (const c of e.capabilities.currencies) out.add(c);
    return [...out];
  }

  /**
   * The channels that may take a payment, best first. A merchant with no
   * channel configurations of its own (every merchant, until the back
   * office stores them) uses every channel in the list's order.
   */
  route(request: RouteRequest, configurations: readonly ChannelConfiguration[] = this.router.defaultConfigurations()): Channel[] {
    return this.router.route(configurations, request).map((name) => this.get(name));
  }
}
