import type { TSchema } from '@sinclair/typebox';
import type { AuthorizeResult, Channel } from './channel.js';
import type { AmountMinor } from './money.js';
import type { InboundMessage } from './channel-inbound.js';
import type { ChannelInbound } from './channel-inbound.js';
import type { CurrencyCode } from './currencies.js';
import type { DisputeStage } from './dispute.js';
import type { PaymentMethod } from './payment-method.js';

/**
 * What a channel module declares about itself, so the router, the operator
 * console and the contract suite can judge it without knowing which channel
 * it is. Every field is a promise the contract suite holds the channel to.
 */
export interface ChannelCapabilitySet {
  /** The payment methods the channel takes (a card acquirer: CARD, and the saved-card express methods). */
  methods: readonly PaymentMethod[];
  currencies: readonly CurrencyCode[];
  /** ISO 3166 alpha-2 countries of the payer (card issuer) it accepts; `any` for no restriction. */
  countries: readonly string[] | 'any';
  /** Authorisation and capture happen in one step. */
  autoCapture: boolean;
  refunds: boolean;
  /** Several refunds, each for part of the captured amount. */
  partialRefunds: boolean;
  threeDSecure: boolean;
  /** The upstream reports chargebacks and retrieval requests. */
  disputes: boolean;
  /** Merchant-initiated charges on a card stored with the payer's consent. */
  storedCredentials: boolean;
  payouts: boolean;
}

/** What the composition root hands a channel module when it builds the channel. */
export interface ChannelContext<Config = unknown> {
  clock: () => number;
  /** The channel's own settings, already checked against its `configSchema`. */
  config: Config;
  /** The public URL of this gateway: where payer pages and the channel's inbound routes are served. */
  publicBaseUrl: string;
  /** The secret of one of the module's `secretKinds`, kept sealed under the key-encryption key. */
  secret(kind: string): Buffer;
}

/** What a built channel brings: the channel, and its inbound routes when its upstream calls back. */
export interface BuiltChannel {
  channel: Channel;
  /** Served under `/channels/<name>/`; see `ChannelInbound`. */
  inbound?: ChannelInbound;
}

/** The disputes a sandbox channel opens by itself, read from its payments' references. */
export interface ScheduledDisputes {
  /** Only references starting so can ask for a case: the sweep reads no others. */
  referencePrefixes: readonly string[];
  stageOf(channelReference: string): DisputeStage | undefined;
}

/** Behaviour only a sandbox channel has: the magic values testers use to reach each outcome. */
export interface SandboxBehaviour {
  /** Cases the sandbox opens some time after a payment, as its magic values ask. */
  scheduledDisputes?: ScheduledDisputes;
  /** Magic card numbers shared by every tester: risk control does not count them as one payer's card. */
  sharedTestPans?: readonly string[];
  /** The channel's payer pages are served by the gateway's simulator (`/simulator/pay/…`). */
  simulatorPages?: boolean;
}

/**
 * One channel module: one folder under `channels/`, exporting one of these,
 * named by one line of `channels/index.ts`.
 */
export interface ChannelModule<Config = unknown> {
  /** The registry name: orders remember it, and every later step goes back to it. */
  readonly name: string;
  readonly capabilities: ChannelCapabilitySet;
  /** The shape of the channel's settings; checked at boot, so a bad setting stops the gateway before it serves. */
  readonly configSchema: TSchema;
  /** The secrets the channel keeps (API keys, callback signing keys), each sealed under the key-encryption key. */
  readonly secretKinds: readonly string[];
  readonly sandbox?: SandboxBehaviour;
  /** How the channel contract suite drives this channel; every module has one, so every module is tested. */
  readonly testKit: ChannelTestKit<Config>;
  create(context: ChannelContext<Config>): BuiltChannel;
}

/** The channel modules' names must be unique and URL-safe: they name routes and stored orders. */
export function checkChannelModules(modules: readonly ChannelModule[]): void {
  const seen = new Set<string>();
  for (const m of modules) {
    if (!/^[a-z][a-z0-9-]{1,39}$/.test(m.name)) throw new Error(`channel module name ${JSON.stringify(m.name)} is not a lower-case slug`);
    if (seen.has(m.name)) throw new Error(`two channel modules are named ${m.name}`);
    seen.add(m.name);
    if (m.capabilities.partialRefunds && !m.capabilities.refunds) throw new Error(`channel ${m.name} claims partial refunds without refunds`);
  }
}

/** The outcomes the contract suite asks a channel for. */
export type ContractScenario = 'approve' | 'decline' | 'challenge' | 'unknown';

export interface ContractPayment {
  orderId: string;
  merchantId: string;
  amountMinor: AmountMinor;
  currency: 'CNY' | 'USD';
}

/**
 * How the contract suite reaches each outcome at a channel: the sandbox's
 * magic cards and amounts, a real channel's test cards. `begin` answers
 * undefined for an outcome the channel cannot produce (a wallet has no
 * 3-D Secure); the suite then checks the capability says so too.
 */
export interface ChannelTestKit<Config = unknown> {
  begin(channel: Channel, scenario: ContractScenario, payment: ContractPayment): Promise<AuthorizeResult | undefined>;
  /** The 3-D Secure answers that pass and fail, for a channel with `threeDSecure`. */
  challengeAnswers?: { pass: string; fail: string };
  /** How long the upstream takes to settle an `unknown` outcome under `config`: the suite moves its clock past it. */
  unknownSettlesAfterMs(config: Config): number;
  /** The upstream's callback reporting an outcome, signed as the upstream signs, for a channel with inbound routes. */
  callback?(secret: (kind: string) => Buffer, input: { eventId: string; reference: string; outcome: 'approved' | 'declined'; amountMinor: AmountMinor; currency: string }): InboundMessage;
}
