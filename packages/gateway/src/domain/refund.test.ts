import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GatewayError } from './errors.js';
import { ORDER_STATES } from './order-state.js';
import { refundAmountFor, refundableMinor } from './refund.js';

const orderArb = fc.record({
  state: fc.constantFrom(...ORDER_STATES),
  amountMinor: fc.bigInt({ min: 1n, max: 10n ** 18n }),
  refundReservedMinor: fc.bigInt({ min: 0n, max: 10n ** 18n }),
  disputedMinor: fc.bigInt({ min: 0n, max: 10n ** 18n }),
});

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (error) {
    if (error instanceof GatewayError) return error.code;
    throw error;
  }
};

describe('refund rules', () => {
  it('the refundable amount is what is left, never below zero, never above the order', () => {
    fc.assert(
      fc.property(orderArb, (o) => {
        const left = refundableMinor(o);
        expect(left >= 0n).toBe(true);
        expect(left <= o.amountMinor).toBe(true);
        const raw = o.amountMinor - o.refundReservedMinor - o.disputedMinor;
        expect(left).toBe(raw > 0n ? raw : 0n);
      }),
    );
  });

  it('refunds only a paid order with something left, and never more than is left', () => {
    fc.assert(
      fc.property(orderArb, fc.option(fc.bigInt({ min: 1n, max: 10n ** 18n }), { nil: undefined }), (o, requested) => {
        const code = codeOf(() => refundAmountFor(o, requested));
        const left = refundableMinor(o);
        if (o.state !== 'SUCCESS') expect(code).toBe('REFUND_NOT_ALLOWED');
        else if (left === 0n) expect(code).toBe('ORDER_FULLY_REFUNDED');
        else if (requested !== undefined && requested > left) expect(code).toBe('REFUND_AMOUNT_EXCEEDED');
        else {
          expect(code).toBeUndefined();
          expect(refundAmountFor(o, requested)).toBe(requested ?? left);
        }
      }),
    );
  });
});
