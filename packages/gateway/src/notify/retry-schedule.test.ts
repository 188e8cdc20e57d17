import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NOTIFY_RETRY_JITTER_RATIO, NOTIFY_RETRY_SPAN_MS_MIN } from './limits.js';
import { NOTIFY_ATTEMPT_COUNT_MAX, NOTIFY_RETRY_DELAYS_MS, nextAttemptDelayMs } from './retry-schedule.js';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('NOTIFY_RETRY_DELAYS_MS', () => {
  it('spans at least 24 hours, even with every delay jittered down', () => {
    expect(sum(NOTIFY_RETRY_DELAYS_MS)).toBeGreaterThanOrEqual(NOTIFY_RETRY_SPAN_MS_MIN);
    expect(sum(NOTIFY_RETRY_DELAYS_MS) * (1 - NOTIFY_RETRY_JITTER_RATIO)).toBeGreaterThanOrEqual(24 * 3600 * 1000);
  });

  it('never shortens: base delays are non-decreasing', () => {
    for (let i = 1; i < NOTIFY_RETRY_DELAYS_MS.length; i++) {
      expect(NOTIFY_RETRY_DELAYS_MS[i]).toBeGreaterThanOrEqual(NOTIFY_RETRY_DELAYS_MS[i - 1]!);
    }
  });

  it('sends the first attempt immediately', () => {
    expect(NOTIFY_RETRY_DELAYS_MS[0]).toBe(0);
    expect(nextAttemptDelayMs(0, () => 0.99)).toBe(0);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(NOTIFY_RETRY_DELAYS_MS)).toBe(true);
  });
});

describe('nextAttemptDelayMs', () => {
  it('stays within ±jitter of the base delay for any random value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: NOTIFY_ATTEMPT_COUNT_MAX - 1 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attemptsMade, r) => {
          const baseMs = NOTIFY_RETRY_DELAYS_MS[attemptsMade]!;
          const delayMs = nextAttemptDelayMs(attemptsMade, () => r)!;
          expect(Number.isInteger(delayMs)).toBe(true);
          expect(delayMs).toBeGreaterThanOrEqual(Math.floor(baseMs * (1 - NOTIFY_RETRY_JITTER_RATIO)));
          expect(delayMs).toBeLessThanOrEqual(Math.ceil(baseMs * (1 + NOTIFY_RETRY_JITTER_RATIO)));
        },
      ),
    );
  });

  it('keeps a broken random source inside the bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: NOTIFY_ATTEMPT_COUNT_MAX - 1 }), fc.double(), (attemptsMade, r) => {
        const baseMs = NOTIFY_RETRY_DELAYS_MS[attemptsMade]!;
        const delayMs = nextAttemptDelayMs(attemptsMade, () => r)!;
        expect(Math.abs(delayMs - baseMs)).toBeLessThanOrEqual(Math.ceil(baseMs * NOTIFY_RETRY_JITTER_RATIO));
      }),
    );
  });

  it('gives the exact base delay at the middle of the random range', () => {
    NOTIFY_RETRY_DELAYS_MS.forEach((baseMs, i) => expect(nextAttemptDelayMs(i, () => 0.5)).toBe(baseMs));
  });

  it('is exhausted (null) once every scheduled attempt was made', () => {
    expect(nextAttemptDelayMs(NOTIFY_ATTEMPT_COUNT_MAX - 1, () => 0.5)).not.toBeNull();
    expect(nextAttemptDelayMs(NOTIFY_ATTEMPT_COUNT_MAX, () => 0.5)).toBeNull();
    expect(nextAttemptDelayMs(NOTIFY_ATTEMPT_COUNT_MAX + 7, () => 0.5)).toBeNull();
  });

  it('rejects a nonsensical attempt count', () => {
    expect(() => nextAttemptDelayMs(-1, Math.random)).toThrow(RangeError);
    expect(() => nextAttemptDelayMs(1.5, Math.random)).toThrow(RangeError);
  });
});
