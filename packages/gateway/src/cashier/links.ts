import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Cashier links carry a MAC of the order id, so knowing an order's
 * serialNumber (which merchants log and show) is not enough to open its
 * payment page.
 */
const LINK_MAC_CHARS = 22;

export class CashierLinks {
  constructor(
    private readonly key: Buffer,
    private readonly publicBaseUrl: string,
  ) {}

  private mac(orderId: string): string {
    return createHmac('sha256', this.key).update(`cashier-link:${orderId}`).digest('base64url').slice(0, LINK_MAC_CHARS);
  }

  /** The path segment `<orderId>.<mac>`. */
  token(orderId: string): string {
    return `${orderId}.${this.mac(orderId)}`;
  }

  url(orderId: string): string {
    return `${this.publicBaseUrl}/cashier/${this.token(orderId)}`;
  }

  /** The order id of a valid token, or undefined. Constant-time on the MAC. */
  verify(token: string): string | undefined {
    const m = /^([0-9a-f]{32})\.([A-Za-z0-9_-]{22})$/.exec(token);
    if (!m) return undefined;
    const expected = Buffer.from(this.mac(m[1]!));
    const given = Buffer.from(m[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given) ? m[1] : undefined;
  }

  /** A CSRF token bound to the order and the payer's cookie. */
  csrf(orderId: string, browserNonce: string): string {
    return createHmac('sha256', this.key).update(`csrf:${orderId}:${browserNonce}`).digest('base64url');
  }

  checkCsrf(orderId: string, browserNonce: string, given: unknown): boolean {
    if (typeof given !== 'string' || browserNonce === '') return false;
    const expected = Buffer.from(this.csrf(orderId, browserNonce));
    const g = Buffer.from(given);
    return expected.length === g.length && timingSafeEqual(expected, g);
  }
}
