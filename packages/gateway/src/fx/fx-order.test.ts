import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { needsReview, parseReviewRules } from './fx-order.js';

describe('FX review rules', () => {
  it('review by purpose, then the catch-all, from a CNY amount in fen', () => {
    const rules = parseReviewRules('{"STUDYABROAD":"0","*":"1000000"}');
    expect(needsReview(rules, 'STUDYABROAD', 1n)).toBe(true);
    expect(needsReview(rules, 'GOODSTRADE', 999_999n)).toBe(false);
    expect(needsReview(rules, 'GOODSTRADE', 1_000_000n)).toBe(true);
    expect(needsReview(parseReviewRules('{}'), 'TRAVEL', 10n ** 17n)).toBe(false);
  });
  it('a malformed rule stops the gateway at start, as a configuration error', () => {
    for (const bad of ['[]', '{"GAMBLING":"0"}', '{"*":1000}', '{"*":"-1"}', 'not json']) {
      expect(() => loadConfig({ OPENCASHIER_FX_REVIEW_RULES: bad }), bad).toThrow(ConfigError);
    }
    expect(() => loadConfig({ OPENCASHIER_TIME_ZONE: 'Mars/Olympus' })).toThrow(ConfigError);
    expect(() => loadConfig({ OPENCASHIER_RECONCILIATION_READY_TIME: '6:00' })).toThrow(ConfigError);
    expect(() => loadConfig({ OPENCASHIER_FX_MARKUP_BPS: '1001' })).toThrow(ConfigError);
  });
});
