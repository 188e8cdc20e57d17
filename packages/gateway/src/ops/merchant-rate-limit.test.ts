import { describe, expect, it } from 'vitest';
import { MerchantRateLimiter, MerchantRateLimitedError } from './merchant-rate-limit.js';

describe('MerchantRateLimiter', () => {
  it('allows the limit per merchant per minute, then refuses with the seconds left in the window', () => {
    let now = 120_000 + 15_000;
    const limiter = new MerchantRateLimiter(3, () => now);
    for (let i = 0; i < 3; i++) limiter.take('100000001');
    const refusal = (() => {
      try {
        limiter.take('100000001');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(MerchantRateLimitedError);
    expect(refusal).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 45 });
    // Another merchant has its own budget.
    expect(() => limiter.take('200000002')).not.toThrow();
    // The next window starts afresh.
    now = 180_000;
    expect(() => limiter.take('100000001')).not.toThrow();
  });

  it('counts nothing when the limit is 0', () => {
    const limiter = new MerchantRateLimiter(0, () => 0);
    for (let i = 0; i < 1_000; i++) limiter.take('100000001');
  });
});
