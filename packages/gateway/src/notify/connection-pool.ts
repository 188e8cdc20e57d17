/**
 * Keep-alive connections to merchant hosts, one bounded pool per (origin,
 * vetted address). The address guard resolves and checks the host before
 * every delivery; the pool it hands back can only ever connect to that
 * address (its DNS lookup is pinned to it), so a reused or a fresh socket
 * never reaches an address that was not checked for this delivery. When the
 * host's DNS answer changes, the new address gets its own pool and the old
 * one ages out.
 */
import type { LookupFunction } from 'node:net';
import { Pool } from 'undici';
import { NOTIFY_CONNECTIONS_PER_HOST_MAX, NOTIFY_KEEP_ALIVE_MS, NOTIFY_POOLED_HOSTS_MAX } from './limits.js';

/** A merchant origin and the address the guard approved for it. */
export interface VettedTarget {
  origin: string;
  address: string;
  family: number;
}

export interface MerchantConnectionPoolOptions {
  connectionsPerHost?: number;
  hostsMax?: number;
  keepAliveMs?: number;
}

/** A DNS lookup that answers only the vetted address, whatever it is asked. */
export function pinnedLookup(address: string, family: number): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

export class MerchantConnectionPool {
  readonly #pools = new Map<string, Pool>();
  readonly #connectionsPerHost: number;
  readonly #hostsMax: number;
  readonly #keepAliveMs: number;
  #closed = false;

  constructor(opts: MerchantConnectionPoolOptions = {}) {
    this.#connectionsPerHost = opts.connectionsPerHost ?? NOTIFY_CONNECTIONS_PER_HOST_MAX;
    this.#hostsMax = opts.hostsMax ?? NOTIFY_POOLED_HOSTS_MAX;
    this.#keepAliveMs = opts.keepAliveMs ?? NOTIFY_KEEP_ALIVE_MS;
  }

  /** The pool for a vetted target; the least recently used pool is closed beyond hostsMax. */
  for(target: VettedTarget): Pool {
    if (this.#closed) throw new Error('merchant connection pool is closed');
    const key = `${target.origin} ${target.address}`;
    let pool = this.#pools.get(key);
    if (pool) {
      // Re-inserting keeps the map in least-recently-used order.
      this.#pools.delete(key);
    } else {
      pool = new Pool(target.origin, {
        connections: this.#connectionsPerHost,
        pipelining: 1,
        keepAliveTimeout: this.#keepAliveMs,
        keepAliveMaxTimeout: this.#keepAliveMs,
        connect: { lookup: pinnedLookup(target.address, target.family) },
      });
    }
    this.#pools.set(key, pool);
    while (this.#pools.size > this.#hostsMax) {
      const [oldestKey, oldest] = this.#pools.entries().next().value as [string, Pool];
      this.#pools.delete(oldestKey);
      // Requests still running on it finish; only then are its sockets closed.
      void oldest.close().catch(() => undefined);
    }
    return pool;
  }

  /** Number of pools currently held (for tests and metrics). */
  get size(): number {
    return this.#pools.size;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((p) => p.destroy()));
  }
}
