import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CashierLinks } from './links.js';

describe('cashier links', () => {
  const links = new CashierLinks(randomBytes(32), 'https://pay.example');
  const orderId = randomBytes(16).toString('hex');

  it('a link opens its own order only', () => {
    const token = links.token(orderId);
    expect(links.url(orderId)).toBe(`https://pay.example/cashier/${token}`);
    expect(links.verify(token)).toBe(orderId);
    const other = randomBytes(16).toString('hex');
    expect(links.verify(`${other}.${token.split('.')[1]}`)).toBeUndefined();
    expect(links.verify(orderId)).toBeUndefined();
    expect(links.verify(`${orderId}.AAAAAAAAAAAAAAAAAAAAAA`)).toBeUndefined();
  });

  it('a link made with another key does not verify', () => {
    const foreign = new CashierLinks(randomBytes(32), 'https://pay.example');
    expect(links.verify(foreign.token(orderId))).toBeUndefined();
  });

  it('CSRF tokens are bound to the order and the browser', () => {
    const token = links.csrf(orderId, 'nonce-a');
    expect(links.checkCsrf(orderId, 'nonce-a', token)).toBe(true);
    expect(links.checkCsrf(orderId, 'nonce-b', token)).toBe(false);
    expect(links.checkCsrf(randomBytes(16).toString('hex'), 'nonce-a', token)).toBe(false);
    expect(links.checkCsrf(orderId, '', links.csrf(orderId, ''))).toBe(false);
    expect(links.checkCsrf(orderId, 'nonce-a', ['x'])).toBe(false);
  });
});
