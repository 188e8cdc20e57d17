import type { Channel } from '../domain/channel.js';

/**
 * The channels this gateway runs, by name. An order remembers the name of
 * the channel that took its payment, and everything after the payment —
 * queries, challenges, refunds — goes back to that same channel.
 */
export class ChannelRegistry {
  private readonly byName = new Map<string, Channel>();

  constructor(channels: readonly Channel[]) {
    for (const channel of channels) {
      if (this.byName.has(channel.name)) throw new Error(`two channels are named ${channel.name}`);
      this.byName.set(channel.name, channel);
    }
  }

  /** The channel of that name; a name no channel has is a configuration fault, not input. */
  get(name: string): Channel {
    const channel = this.byName.get(name);
    if (!channel) throw new Error(`no channel named ${name} is configured`);
    return channel;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}
