import { describe, expect, it } from 'vitest';
import {
  leaseMsMin,
  NOTIFY_BATCH_SIZE_DEFAULT,
  NOTIFY_BATCH_SIZE_MAX,
  NOTIFY_CONCURRENCY_DEFAULT,
  NOTIFY_CONCURRENCY_MAX,
  NOTIFY_LEASE_MS_DEFAULT,
  NOTIFY_POLL_INTERVAL_MS_DEFAULT,
  NOTIFY_REQUEST_TIMEOUT_MS_DEFAULT,
  NOTIFY_REQUEST_TIMEOUT_MS_MAX,
  NOTIFY_RESPONSE_BYTES_MAX,
  NOTIFY_RESPONSE_EXCERPT_CHARS_MAX,
  NOTIFY_RETRY_JITTER_RATIO,
} from './limits.js';
import { NOTIFY_RETRY_DELAYS_MS } from './retry-schedule.js';

describe('notify limits relate sensibly', () => {
  it('reads enough of an answer to recognise SUCCESS (with trailing CR/LF and BOM) and to fill an excerpt', () => {
    expect(NOTIFY_RESPONSE_BYTES_MAX).toBeGreaterThanOrEqual(Buffer.byteLength('\uFEFFSUCCESS\r\n'));
    expect(NOTIFY_RESPONSE_BYTES_MAX).toBeGreaterThanOrEqual(NOTIFY_RESPONSE_EXCERPT_CHARS_MAX);
  });

  it('defaults sit within their maxima', () => {
    expect(NOTIFY_BATCH_SIZE_DEFAULT).toBeLessThanOrEqual(NOTIFY_BATCH_SIZE_MAX);
    expect(NOTIFY_CONCURRENCY_DEFAULT).toBeLessThanOrEqual(NOTIFY_CONCURRENCY_MAX);
    expect(NOTIFY_CONCURRENCY_DEFAULT).toBeLessThanOrEqual(NOTIFY_BATCH_SIZE_DEFAULT);
    expect(NOTIFY_REQUEST_TIMEOUT_MS_DEFAULT).toBeLessThanOrEqual(NOTIFY_REQUEST_TIMEOUT_MS_MAX);
  });

  it('the default lease outlives the worst-case delivery of a default batch', () => {
    expect(NOTIFY_LEASE_MS_DEFAULT).toBeGreaterThanOrEqual(
      leaseMsMin({ batchSize: NOTIFY_BATCH_SIZE_DEFAULT, concurrency: NOTIFY_CONCURRENCY_DEFAULT, requestTimeoutMs: NOTIFY_REQUEST_TIMEOUT_MS_DEFAULT }),
    );
  });

  it('polls more often than the quickest retry, so retries are not delayed by polling', () => {
    expect(NOTIFY_POLL_INTERVAL_MS_DEFAULT).toBeLessThan(NOTIFY_RETRY_DELAYS_MS[1]! * (1 - NOTIFY_RETRY_JITTER_RATIO));
  });

  it('a crashed process (whose lease must expire) delays a notification by less than the first minutes of the schedule', () => {
    expect(NOTIFY_LEASE_MS_DEFAULT).toBeLessThan(NOTIFY_RETRY_DELAYS_MS[3]! * (1 - NOTIFY_RETRY_JITTER_RATIO));
  });

  it('jitter is a proper fraction, so a jittered delay stays positive', () => {
    expect(NOTIFY_RETRY_JITTER_RATIO).toBeGreaterThan(0);
    expect(NOTIFY_RETRY_JITTER_RATIO).toBeLessThan(1);
  });
});
