import { describe, expect, it } from 'vitest';
import { requestDigest } from './request-digest.js';

describe('requestDigest', () => {
  it('ignores key order and the signature, nothing else', () => {
    const a = requestDigest({ requestId: 'R1', orderAmount: '100', payer: { name: 'A', email: 'a@b.c' }, hmac: 'x' });
    expect(requestDigest({ payer: { email: 'a@b.c', name: 'A' }, orderAmount: '100', requestId: 'R1', hmac: 'y' })).toBe(a);
    expect(requestDigest({ requestId: 'R1', orderAmount: '101', payer: { name: 'A', email: 'a@b.c' } })).not.toBe(a);
    // Only the top-level hmac is the signature; a nested field of that name is content.
    expect(requestDigest({ requestId: 'R1', orderAmount: '100', payer: { name: 'A', email: 'a@b.c', hmac: 'z' } })).not.toBe(a);
  });
});
