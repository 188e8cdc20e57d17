import { describe, expect, it } from 'vitest';
import * as limits from './limits.js';
import { MERCHANT_CACHE_TTL_MS } from '../protocols/payease/gateway-envelope.js';
import { NOTIFY_REQUEST_TIMEOUT_MS_MAX } from '../notify/limits.js';

/** How the bounds relate: a change to one that breaks another fails here, not in production. */
describe('limits', () => {
  it('an order with the most product lines, each with a long name and description in Chinese, fits in a request body', () => {
    // 80 characters of 3-byte UTF-8 for name and description, quantity, amount and JSON punctuation.
    const lineBytes = 2 * 80 * 3 + 9 + 18 + 80;
    const headerFieldsBytes = 2 * limits.URL_LENGTH_MAX + limits.REQUEST_ID_LENGTH_MAX + limits.TEXT_LENGTH_MAX * 3 + 1_000;
    const base64 = 4 / 3; // the AES body travels as base64
    expect((limits.PRODUCT_LINES_MAX * lineBytes + headerFieldsBytes) * base64).toBeLessThan(limits.REQUEST_BODY_BYTES_MAX);
  });
  it('order lifetimes: default within the maximum; the sweeper runs far more often than the shortest lifetime', () => {
    expect(limits.ORDER_TIMEOUT_MINUTES_DEFAULT).toBeLessThanOrEqual(limits.ORDER_TIMEOUT_MINUTES_MAX);
    expect(limits.EXPIRY_SWEEP_INTERVAL_MS * 6).toBeLessThanOrEqual(60_000);
  });
  it('a payment is declared lost only well after any channel or notification call could still answer', () => {
    expect(limits.STALE_PROCESSING_MS).toBeGreaterThanOrEqual(2 * NOTIFY_REQUEST_TIMEOUT_MS_MAX);
    expect(limits.STALE_PROCESSING_MS).toBeGreaterThan(limits.CHANNEL_RECHECK_INTERVAL_MS);
  });
  it('a suspension takes effect well within a minute on every node', () => {
    expect(MERCHANT_CACHE_TTL_MS).toBeLessThanOrEqual(10_000);
  });
  it('a dispute answer with attachments up to their total fits the backfill body; the total allows at least two full-size files', () => {
    const textFieldsBytes = limits.DISPUTE_STATEMENT_LENGTH_MAX * 3 + limits.TEXT_LENGTH_MAX * 3 * 6 + 4_000;
    // Attachments are base64 inside the JSON, and the JSON is base64 again as the AES body.
    const bodyBytes = ((limits.ATTACHMENTS_TOTAL_BYTES_MAX * 4) / 3 + textFieldsBytes) * (4 / 3);
    expect(bodyBytes).toBeLessThan(limits.BACKFILL_REQUEST_BODY_BYTES_MAX);
    expect(limits.ATTACHMENTS_TOTAL_BYTES_MAX).toBeGreaterThanOrEqual(2 * limits.ATTACHMENT_BYTES_MAX);
    expect(limits.ATTACHMENTS_TOTAL_BYTES_MAX).toBeLessThanOrEqual(limits.ATTACHMENTS_PER_ANSWER_MAX * limits.ATTACHMENT_BYTES_MAX);
    expect(limits.BACKFILL_REQUEST_BODY_BYTES_MAX).toBeGreaterThan(limits.REQUEST_BODY_BYTES_MAX);
  });
  it('an open case is expired within seconds of its deadline', () => {
    expect(limits.DISPUTE_SWEEP_INTERVAL_MS).toBeLessThanOrEqual(60_000);
  });
});
