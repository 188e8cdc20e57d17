import { GatewayError } from '../domain/errors.js';
import { URL_LENGTH_MAX } from '../domain/limits.js';
import type { Merchant } from '../store/merchant-repository.js';
import { checkNotifyUrlSyntax, literalHostError } from '../notify/address-guard.js';

/**
 * notifyUrl and callbackUrl must pass the dispatcher's own URL checks
 * (http(s), no credentials, an allowed port), fit the PayEase field, and be
 * on a host the merchant registered. The dispatcher checks the URL and the
 * resolved address again before every delivery, so a URL accepted here is
 * one it will actually try.
 *
 * A live merchant's URL may not name an internal address outright (an IP
 * literal in a private, loopback, link-local… range, in any of the decimal,
 * octal or hex forms the URL parser normalises, or a `localhost` name): it is
 * refused here, at order time, with a clear code, rather than accepted and
 * then never delivered. Names that merely resolve to such addresses can only
 * be caught at connect time, where the dispatcher does.
 */
export function checkMerchantUrl(merchant: Merchant, field: string, value: string): URL {
  const checked = checkNotifyUrlSyntax(value);
  if (value.length > URL_LENGTH_MAX || !checked.ok || !hostAllowed(merchant.allowedHosts, checked.url.hostname)) {
    throw new GatewayError('URL_NOT_ALLOWED', { field });
  }
  if (!merchant.sandbox && namesInternalHost(checked.url.hostname)) throw new GatewayError('URL_NOT_ALLOWED', { field });
  return checked.url;
}

/** An IP literal that is not a public unicast address, or a name reserved for this machine (RFC 6761). */
export function namesInternalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return literalHostError(host, false) !== null;
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
