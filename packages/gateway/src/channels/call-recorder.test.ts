import { describe, expect, it } from 'vitest';
import { ChannelCallRecorder } from './call-recorder.js';
import type { Channel } from '../domain/channel.js';

/** A channel double: approves, declines by throwing for one card, and keeps a private field its methods need. */
class FakeChannel {
  readonly name = 'fake';
  readonly capabilities = { currencies: ['USD'] } as unknown as Channel['capabilities'];
  #approved = 0;
  async authorize(request: { pan: string }) {
    if (request.pan === 'unreachable') throw new Error('connection reset');
    this.#approved += 1;
    return { outcome: 'approved' as const, count: this.#approved };
  }
  label(): string {
    return `fake ${this.#approved}`;
  }
  get approved(): number {
    return this.#approved;
  }
}

describe('channel call recorder', () => {
  it('times calls to the outside, counts thrown calls as failures, and leaves the channel working', async () => {
    const recorder = new ChannelCallRecorder(() => 1_000);
    const channel = recorder.wrap(new FakeChannel() as unknown as Channel & FakeChannel);
    expect(await channel.authorize({ pan: '4242' } as never)).toMatchObject({ count: 1 });
    expect(await channel.authorize({ pan: '4242' } as never)).toMatchObject({ count: 2 });
    await expect(channel.authorize({ pan: 'unreachable' } as never)).rejects.toThrow('connection reset');
    // Local methods pass through untimed, with the channel's own fields.
    expect(channel.label()).toBe('fake 2');
    expect(channel.approved).toBe(2);
    const [authorize, ...others] = recorder.figures('fake');
    expect(others).toEqual([]);
    expect(authorize).toMatchObject({ operation: 'authorize', calls: 3, failures: 1, lastAtMs: 1_000 });
    expect(authorize!.p50Ms).toBeGreaterThanOrEqual(0);
    expect(authorize!.p95Ms).toBeGreaterThanOrEqual(authorize!.p50Ms!);
    expect(recorder.figures('other')).toEqual([]);
  });

  it('keeps a bounded window of samples', () => {
    const recorder = new ChannelCallRecorder(() => 0);
    for (let i = 0; i < 2_000; i += 1) recorder.record('busy', 'query', i % 10, false);
    const [query] = recorder.figures('busy');
    expect(query).toMatchObject({ calls: 2_000, failures: 0, p50Ms: 5, p95Ms: 9 });
  });
});
