import { describe, expect, it } from 'vitest';
import { assertTransition, canTransition, FINAL_STATES, IllegalTransitionError, ORDER_STATES } from './order-state.js';

describe('order state machine', () => {
  it('final states have no way out', () => {
    for (const from of FINAL_STATES) for (const to of ORDER_STATES) expect(canTransition(from, to)).toBe(false);
  });
  it('a paid order cannot be paid, failed or cancelled', () => {
    expect(() => assertTransition('SUCCESS', 'PROCESSING')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('SUCCESS', 'CANCEL')).toThrow(IllegalTransitionError);
  });
  it('an order in flight at the channel can be cancelled (by the merchant; a late approval is then refunded)', () => {
    expect(canTransition('PROCESSING', 'CANCEL')).toBe(true);
    expect(canTransition('UNKNOWN', 'CANCEL')).toBe(true);
  });
  it('a failed or cancelled order never becomes paid', () => {
    expect(canTransition('FAILED', 'SUCCESS')).toBe(false);
    expect(canTransition('CANCEL', 'SUCCESS')).toBe(false);
  });
  it('the happy paths exist', () => {
    expect(canTransition('INIT', 'PROCESSING')).toBe(true);
    expect(canTransition('PROCESSING', 'SUCCESS')).toBe(true);
    expect(canTransition('PROCESSING', 'CHALLENGE')).toBe(true);
    expect(canTransition('CHALLENGE', 'PROCESSING')).toBe(true);
    expect(canTransition('UNKNOWN', 'SUCCESS')).toBe(true);
    expect(canTransition('INIT', 'CANCEL')).toBe(true);
  });
});
