import { GatewayError } from '../domain/errors.js';

/** The window the per-merchant limit counts in. */
const WINDOW_MS = 60_000;

/** RATE_LIMITED with the seconds after which the merchant may try again (the Retry-After header). */
export class MerchantRateLimitedError extends GatewayError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED');
  }
}

/**
 * Requests per minute per merchant, counted once the request is
 * authenticated (its envelope or signature verified): one merchant's burst,
 * from however many addresses, cannot take the whole gateway, and nobody can
 * spend a merchant's budget by sending requests in its name. The per-address
 * limit (rateLimitPerMinute) runs first, before any parsing, against
 * unauthenticated floods. Counted per process: with several workers a
 * merchant gets up to `workers ×` the limit.
 */
export class MerchantRateLimiter {
  #windowStartMs = 0;
  #counts = new Map<string, number>();

  constructor(
    private readonly limitPerMinute: number,
    private readonly clock: () => number,
  ) {}

  /** Counts one request of `merchantId`; throws MerchantRateLimitedError past the limit. */
  take(merchantId: string): void {
    if (this.limitPerMinute <= 0) return;
    const now = this.clock();
    if (now - this.#windowStartMs >= WINDOW_MS || now < this.#windowStartMs) {
      // A new window forgets every merchant of the last one: the map never outgrows one minute's merchants.
      this.#windowStartMs = now - (now % WINDOW_MS);
      this.#counts = new Map();
    }
    const count = (this.#counts.get(merchantId) ?? 0) + 1;
    this.#counts.set(merchantId, count);
    if (count > this.limitPerMinute) throw new MerchantRateLimitedError(Math.max(1, Math.ceil((this.#windowStartMs + WINDOW_MS - now) / 1000)));
  }
}
