import { describe, expect, it } from 'vitest';
import type { Order } from '../domain/order.js';
import type { Refund } from '../domain/refund.js';
import { answeredOk, DialectRegistry, type MerchantDialect } from './dialect-registry.js';

function dialect(name: string, refunds: boolean): MerchantDialect {
  return {
    name,
    formatNotification: (order) => `${name}:order:${order.orderId}`,
    ...(refunds ? { formatRefundNotification: (refund: Refund) => `${name}:refund:${refund.refundId}` } : {}),
    encodeNotification: async () => ({ headers: {}, body: '' }),
    acknowledged: answeredOk,
    returnUrl: () => undefined,
  };
}

const order = (d: string) => ({ orderId: 'o1', dialect: d }) as Order;
const refund = { refundId: 'r1' } as Refund;

describe('merchant dialect registry', () => {
  const registry = new DialectRegistry([dialect('payease-v3', true), dialect('with-refunds', true), dialect('no-refunds', false)]);

  it('finds a dialect by the name stored with an order or notification, and refuses an unknown one', () => {
    expect(registry.get('with-refunds').formatNotification(order('with-refunds'))).toBe('with-refunds:order:o1');
    expect(() => registry.get('nope')).toThrow(/no merchant dialect nope/);
    expect(registry.names()).toEqual(['payease-v3', 'with-refunds', 'no-refunds']);
  });

  it('notifies a refund in its order dialect when that dialect can, else in PayEase', () => {
    expect(registry.refundNotification(refund, order('with-refunds'))).toEqual({ dialect: 'with-refunds', payloadJson: 'with-refunds:refund:r1' });
    expect(registry.refundNotification(refund, order('no-refunds'))).toEqual({ dialect: 'payease-v3', payloadJson: 'payease-v3:refund:r1' });
  });

  it('refuses two dialects of one name', () => {
    expect(() => new DialectRegistry([dialect('a', false), dialect('a', false)])).toThrow(/twice/);
  });

  it('an acknowledgement needs a whole 2xx answer', () => {
    expect(answeredOk({ httpStatus: 204, responseText: '', error: null })).toBe(true);
    expect(answeredOk({ httpStatus: 302, responseText: '', error: null })).toBe(false);
    expect(answeredOk({ httpStatus: 200, responseText: '', error: 'response too large' })).toBe(false);
    expect(answeredOk({ httpStatus: null, responseText: '', error: 'timeout' })).toBe(false);
  });
});
