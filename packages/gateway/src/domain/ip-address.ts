import { GatewayError } from './errors.js';
import { isIP } from 'node:net';

/** `::ffff:10.0.0.1` and `10.0.0.1` are one address: dual-stack sockets report IPv4 payers in the mapped form. */
export function normaliseIp(address: string): string {
  const lower = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  return mapped ? mapped[1]! : lower;
}

export function isIpAddress(value: string): boolean {
  return isIP(normaliseIp(value)) !== 0;
}

/**
 * A `clientIp` that binds an order to the payer's address (PayEase
 * `onlinePay/order` and `foreignExchange/order`: "如果设置了 clientIp, 此订单将不能在其他 ip
 * 继续支付"): absent, or an IPv4 / IPv6 address, normalised. Anything else
 * would bind the order to an address no payer has.
 */
export function bindingClientIp(value: string | undefined | null, field = 'clientIp'): string | null {
  // PHP clients treat "" and "0" as empty (they leave them out of the signature too): no binding, not a refusal.
  if (value === undefined || value === null || value === '' || value === '0') return null;
  if (!isIpAddress(value)) throw new GatewayError('FIELD_INVALID', { field, reason: 'must be an IPv4 or IPv6 address' });
  return normaliseIp(value);
}
