import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A short-lived capability in a URL: `<expiresAtMs>.<mac>` where the MAC
 * covers a purpose and the resource, so a grant opens one thing, for a
 * while, and cannot be moved to another resource or extended.
 */
export class ExpiringGrant {
  constructor(
    private readonly key: Buffer,
    private readonly purpose: string,
    private readonly clock: () => number,
  ) {}

  private mac(resource: string, expiresAtMs: number): string {
    return createHmac('sha256', this.key).update(`${this.purpose}:${resource}:${expiresAtMs}`).digest('base64url');
  }

  issue(resource: string, ttlMs: number): { grant: string; expiresAtMs: number } {
    const expiresAtMs = this.clock() + ttlMs;
    return { grant: `${expiresAtMs}.${this.mac(resource, expiresAtMs)}`, expiresAtMs };
  }

  /** True for an unexpired grant of this resource. Constant-time on the MAC. */
  valid(resource: string, grant: string): boolean {
    const m = /^([0-9]{1,15})\.([A-Za-z0-9_-]{43})$/.exec(grant);
    if (!m || Number(m[1]) <= this.clock()) return false;
    const expected = Buffer.from(this.mac(resource, Number(m[1])));
    const given = Buffer.from(m[2]!);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
