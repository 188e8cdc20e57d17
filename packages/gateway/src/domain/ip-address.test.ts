import { describe, expect, it } from 'vitest';
import { bindingClientIp } from './ip-address.js';
import { GatewayError } from './errors.js';

describe('the clientIp an order is bound to', () => {
  it('is absent when the merchant sent nothing, an empty string or PHP\'s empty "0"', () => {
    expect(bindingClientIp(undefined)).toBeNull();
    expect(bindingClientIp(null)).toBeNull();
    expect(bindingClientIp('')).toBeNull();
    expect(bindingClientIp('0')).toBeNull();
  });

  it('is the normalised address when one was sent', () => {
    expect(bindingClientIp('203.0.113.7')).toBe('203.0.113.7');
    expect(bindingClientIp('2001:DB8::1')).toBe('2001:db8::1');
  });

  it('refuses anything else with FIELD_INVALID naming the field', () => {
    for (const bad of ['00', 'localhost', '1.2.3', '256.1.1.1']) {
      try {
        bindingClientIp(bad, 'clientIp');
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(GatewayError);
        expect((error as GatewayError).code).toBe('FIELD_INVALID');
      }
    }
  });
});
