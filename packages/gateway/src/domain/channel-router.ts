import type { ChannelCapabilitySet } from './channel-module.js';
import type { PaymentMethod } from './payment-method.js';

/**
 * Which channels may take a payment, best first. The merchant's channel
 * configurations say which channels it uses and in what priority; the
 * channels' declared capabilities say what each can take; the request says
 * what this payment is. A routing policy orders what is eligible — the
 * default is the merchant's priority order; cost- or success-rate-based
 * policies plug in at the same seam.
 */

/** One channel as a merchant has it configured. */
export interface ChannelConfiguration {
  channel: string;
  enabled: boolean;
  /** Lower goes first. */
  priority: number;
  /** The merchant's own narrowing, within what the channel can do; absent: no narrowing. */
  methods?: readonly PaymentMethod[];
  currencies?: readonly string[];
  countries?: readonly string[];
  amountMinorMin?: bigint;
  amountMinorMax?: bigint;
  cardBrands?: readonly string[];
  /** Card number prefixes (BIN ranges) this configuration takes, e.g. `62` for UnionPay. */
  binPrefixes?: readonly string[];
}

export interface RouteRequest {
  method: PaymentMethod;
  currency: string;
  amountMinor: bigint;
  /** The payer's (card issuer's) country, when known. */
  country?: string;
  cardBrand?: string;
  /** The card's first six (or eight) digits, when paying by card. */
  bin?: string;
}

export interface RoutableChannel {
  name: string;
  capabilities: ChannelCapabilitySet;
}

export interface EligibleChannel {
  channel: RoutableChannel;
  configuration: ChannelConfiguration;
}

/** Orders the eligible channels; must return a permutation of what it is given. */
export type RoutingPolicy = (eligible: readonly EligibleChannel[], request: RouteRequest) => readonly EligibleChannel[];

/** The default policy: the merchant's priority order; equal priorities keep the configurations' order. */
export const byMerchantPriority: RoutingPolicy = (eligible) =>
  eligible
    .map((e, index) => ({ e, index }))
    .sort((a, b) => a.e.configuration.priority - b.e.configuration.priority || a.index - b.index)
    .map(({ e }) => e);

/** Whether the channel, as the merchant configured it, can take the payment. */
export function isEligible(channel: RoutableChannel, configuration: ChannelConfiguration, request: RouteRequest): boolean {
  const c = channel.capabilities;
  const allows = <T>(list: readonly T[] | undefined, value: T | undefined): boolean => list === undefined || (value !== undefined && list.includes(value));
  return (
    configuration.enabled &&
    configuration.channel === channel.name &&
    c.methods.includes(request.method) &&
    (c.currencies as readonly string[]).includes(request.currency) &&
    (c.countries === 'any' || (request.country !== undefined && c.countries.includes(request.country))) &&
    allows(configuration.methods, request.method) &&
    allows(configuration.currencies, request.currency) &&
    allows(configuration.countries, request.country) &&
    allows(configuration.cardBrands, request.cardBrand) &&
    (configuration.binPrefixes === undefined || (request.bin !== undefined && configuration.binPrefixes.some((p) => request.bin!.startsWith(p)))) &&
    (configuration.amountMinorMin === undefined || request.amountMinor >= configuration.amountMinorMin) &&
    (configuration.amountMinorMax === undefined || request.amountMinor <= configuration.amountMinorMax)
  );
}

export class ChannelRouter {
  private readonly byName: ReadonlyMap<string, RoutableChannel>;

  constructor(channels: readonly RoutableChannel[], private readonly policy: RoutingPolicy = byMerchantPriority) {
    this.byName = new Map(channels.map((c) => [c.name, c]));
  }

  /** The names of the channels that may take the payment, best first; empty when none may. */
  route(configurations: readonly ChannelConfiguration[], request: RouteRequest): string[] {
    const eligible: EligibleChannel[] = [];
    for (const configuration of configurations) {
      const channel = this.byName.get(configuration.channel);
      if (channel && isEligible(channel, configuration, request)) eligible.push({ channel, configuration });
    }
    return this.policy(eligible, request).map((e) => e.channel.name);
  }

  /** A merchant with no configurations of its own uses every channel, in the order the gateway lists them. */
  defaultConfigurations(): ChannelConfiguration[] {
    return [...this.byName.keys()].map((channel, priority) => ({ channel, enabled: true, priority }));
  }
}
