import { GatewayError } from '../domain/errors.js';
import { URL_LENGTH_MAX } from '../domain/limits.js';
import type { Merchant } from '../store/merchant-repository.js';

/**
 * notifyUrl and callbackUrl must be http(s) URLs on a host the merchant
 * registered. This is the first of two checks: the dispatcher checks the
 * resolved address again before every delivery.
 */
export function checkMerchantUrl(merchant: Merchant, field: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new GatewayError('URL_NOT_ALLOWED', { field });
  }
  const ok =
    value.length <= URL_LENGTH_MAX &&
    (url.protocol === 'https:' || url.protocol === 'http:') &&
    url.username === '' &&
    url.password === '' &&
    url.hostname !== '' &&
    hostAllowed(merchant.allowedHosts, url.hostname);
  if (!ok) throw new GatewayError('URL_NOT_ALLOWED', { field });
  return url;
}

/** `shop.example` allows exactly that host; `*.shop.example` its subdomains; `*` any host. */
export function hostAllowed(allowed: readonly string[], hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return allowed.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === '*') return true;
    if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
    return host === p;
  });
}
