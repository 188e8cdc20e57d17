import { hkdfSync } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import type { GatewayConfig } from '../config.js';
import type { Channel } from '../domain/channel.js';
import type { ChannelInbound } from '../domain/channel-inbound.js';
import { checkChannelModules, type ChannelModule, type ScheduledDisputes } from '../domain/channel-module.js';
import type { KeyEncryptionKey } from '../keys/kek.js';
import { ChannelRegistry } from '../channels/registry.js';
import type { ChannelCallRecorder } from '../channels/call-recorder.js';
import type { SimulatedPayerChannel } from '../channels/payer-simulator/simulated-channel.js';

export interface ChannelSetOptions {
  config: GatewayConfig;
  clock: () => number;
  kek: KeyEncryptionKey;
  /** Every call to a channel is timed for the operator console's channel health. */
  recorder: ChannelCallRecorder;
  /** A channel that stands in for the one its module of the same name would build (tests put faults in this way). */
  override?: Channel;
}

/** The channels as the gateway runs them, and what the rest of the composition needs from their modules. */
export interface ChannelSet {
  registry: ChannelRegistry;
  inbound: { name: string; inbound: ChannelInbound }[];
  /** Channels whose payer pages the simulator serves. */
  simulated: SimulatedPayerChannel[];
  scheduledDisputes: { channel: string; disputes: ScheduledDisputes }[];
  sharedTestPans: string[];
}

/** The settings each channel module is given, checked against its schema: the sandbox's, until channels get sections of their own. */
function settingsFor(config: GatewayConfig): Record<string, unknown> {
  return { unknownResolveDelayMs: config.sandboxUnknownResolveDelayMs, ...(config.sandboxJournalFile ? { journalFile: config.sandboxJournalFile } : {}) };
}

/**
 * One channel secret: derived from the KEK-wrapped channel root under the
 * channel's name and the kind, so each channel's keys are its own and stay
 * the same across a KEK rotation.
 */
export function channelSecret(kek: KeyEncryptionKey, module: Pick<ChannelModule, 'name' | 'secretKinds'>, kind: string): Buffer {
  if (!module.secretKinds.includes(kind)) throw new Error(`channel ${module.name} declares no secret of kind ${kind}`);
  return Buffer.from(hkdfSync('sha256', kek.subkey('channel-secrets'), Buffer.alloc(0), `opencashier:channel:${module.name}:${kind}`, 32));
}

/** Builds every channel module of the list; a module whose settings fail its schema stops the boot. */
export function buildChannels(modules: readonly ChannelModule<any>[], options: ChannelSetOptions): ChannelSet {
  checkChannelModules(modules);
  if (options.override && !modules.some((m) => m.name === options.override!.name)) throw new Error(`no channel module is named ${options.override.name}`);
  const settings = settingsFor(options.config);
  const set: ChannelSet = { registry: new ChannelRegistry([]), inbound: [], simulated: [], scheduledDisputes: [], sharedTestPans: [] };
  const registered = [];
  for (const module of modules) {
    if (!Value.Check(module.configSchema, settings)) {
      const first = [...Value.Errors(module.configSchema, settings)][0];
      throw new Error(`channel ${module.name}: setting ${first?.path ?? ''} ${first?.message ?? 'is invalid'}`);
    }
    const built = module.create({ clock: options.clock, config: settings, publicBaseUrl: options.config.publicBaseUrl, secret: (kind) => channelSecret(options.kek, module, kind) });
    const channel = options.override?.name === module.name ? options.override : built.channel;
    registered.push({ channel: options.recorder.wrap(channel), capabilities: module.capabilities });
    if (built.inbound) set.inbound.push({ name: module.name, inbound: built.inbound });
    if (module.sandbox?.simulatorPages) set.simulated.push(built.channel as SimulatedPayerChannel);
    if (module.sandbox?.scheduledDisputes) set.scheduledDisputes.push({ channel: module.name, disputes: module.sandbox.scheduledDisputes });
    set.sharedTestPans.push(...(module.sandbox?.sharedTestPans ?? []));
  }
  set.registry = new ChannelRegistry(registered);
  return set;
}
