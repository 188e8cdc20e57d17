import { GatewayError } from '../domain/errors.js';
import { URL_LENGTH_MAX } from '../domain/limits.js';
import type { Merchant } from '../store/merchant-repository.js';
import { checkNotifyUrlSyntax } from '../notify/address-guard.js';

/**
 * notifyUrl and callbackUrl must pass the dispatcher's own URL checks
 * (http(s), no credentials, an allowed port), fit the PayEase field, and be
 * on a host the merchant registered. The dispatcher checks the URL and the
 * resolved address again before every delivery, so a URL accepted here is
 * one it will actually try.
 */
export function checkMerchantUrl(merchant: Merchant, field: string, value: string): URL {
  const checked = checkNotifyUrlSyntax(value);
  if (value.length > URL_LENGTH_MAX || !checked.ok || !hostAllowed(merchant.allowedHosts, checked.url.hostname)) {
    throw new GatewayError('URL_NOT_ALLOWED', { field });
  }
  return checked.url;
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
