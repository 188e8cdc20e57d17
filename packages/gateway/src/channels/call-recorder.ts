import { performance } from 'node:perf_hooks';
import type { Channel } from '../domain/channel.js';

/** Calls kept per channel and operation for the latency figures: enough for a stable 95th percentile. */
const SAMPLES_MAX = 512;

/** The operations that go to the acquirer or wallet; the rest are local. */
const TIMED = new Set(['authorize', 'completeChallenge', 'capture', 'voidAuthorization', 'refund', 'query', 'findByOrder']);

interface OperationStats {
  calls: number;
  /** Calls that threw (the channel could not be reached or answered nonsense), not declines. */
  failures: number;
  samplesMs: number[];
  next: number;
  lastAtMs: number | null;
}

export interface OperationFigures {
  operation: string;
  calls: number;
  failures: number;
  p50Ms: number | null;
  p95Ms: number | null;
  lastAtMs: number | null;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/**
 * How long each channel takes to answer, per operation, in this process
 * since it started: a light recording for the operator console's channel
 * health (each node reports its own calls). Declines are answers, not
 * failures; a failure is a call that threw.
 */
export class ChannelCallRecorder {
  private readonly stats = new Map<string, Map<string, OperationStats>>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** The same channel, its calls to the outside timed. */
  wrap<C extends Channel>(channel: C): C {
    const record = (operation: string, elapsedMs: number, failed: boolean) => this.record(channel.name, operation, elapsedMs, failed);
    return new Proxy(channel, {
      get(target, property) {
        // Read on the channel itself: a getter sees the channel's own private fields, not the proxy.
        const value = Reflect.get(target, property, target) as unknown;
        if (typeof value !== 'function') return value;
        // Every method runs on the channel itself, so its private fields stay reachable.
        if (typeof property !== 'string' || !TIMED.has(property)) return (value as (...a: unknown[]) => unknown).bind(target);
        return (...args: unknown[]) => {
          const started = performance.now();
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (error) {
            record(property, performance.now() - started, true);
            throw error;
          }
          if (!(result instanceof Promise)) {
            record(property, performance.now() - started, false);
            return result;
          }
          return result.then(
            (answer) => {
              record(property, performance.now() - started, false);
              return answer;
            },
            (error: unknown) => {
              record(property, performance.now() - started, true);
              throw error;
            },
          );
        };
      },
    });
  }

  record(channel: string, operation: string, elapsedMs: number, failed: boolean): void {
    let byOperation = this.stats.get(channel);
    if (!byOperation) this.stats.set(channel, (byOperation = new Map()));
    let s = byOperation.get(operation);
    if (!s) byOperation.set(operation, (s = { calls: 0, failures: 0, samplesMs: [], next: 0, lastAtMs: null }));
    s.calls += 1;
    if (failed) s.failures += 1;
    s.lastAtMs = this.clock();
    const sample = Math.round(elapsedMs * 10) / 10;
    if (s.samplesMs.length < SAMPLES_MAX) s.samplesMs.push(sample);
    else s.samplesMs[s.next] = sample;
    s.next = (s.next + 1) % SAMPLES_MAX;
  }

  figures(channel: string): OperationFigures[] {
    return [...(this.stats.get(channel) ?? new Map<string, OperationStats>()).entries()].map(([operation, s]) => {
      const sorted = [...s.samplesMs].sort((a, b) => a - b);
      return { operation, calls: s.calls, failures: s.failures, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), lastAtMs: s.lastAtMs };
    });
  }
}
