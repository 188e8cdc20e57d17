/**
 * SSRF protection for merchant notifications: a merchant controls its
 * notifyUrl, so without this guard it could make the gateway POST to the
 * cloud metadata service (169.254.169.254), the database or any other
 * internal address. Sandbox merchants may opt out (`allowPrivate`) so that a
 * developer can receive notifications on localhost.
 *
 * The check happens in the socket's `lookup` hook: the address that was vetted
 * is the very address the socket connects to, so a DNS answer that changes
 * between check and connect (DNS rebinding) cannot slip through.
 */
import dns from 'node:dns';
import net from 'node:net';
import { NOTIFY_URL_CHARS_MAX, NOTIFY_URL_PORT_UNPRIVILEGED_MIN } from './limits.js';

/** Raised (through the lookup callback) when a host resolves to a forbidden address. */
export class AddressNotAllowedError extends Error {
  readonly code = 'ERR_NOTIFY_ADDRESS_NOT_ALLOWED';
  constructor(readonly hostname: string, readonly address: string) {
    super(`notify host ${hostname} resolves to ${address}, which is not a public address`);
    this.name = 'AddressNotAllowedError';
  }
}

type Cidr = readonly [prefix: readonly number[], bits: number];

/** IPv4 ranges that are not publicly routable destinations (IANA special-purpose registry). */
const FORBIDDEN_V4: readonly Cidr[] = [
  [[0, 0, 0, 0], 8],        // "this network", includes unspecified 0.0.0.0
  [[10, 0, 0, 0], 8],       // private
  [[100, 64, 0, 0], 10],    // carrier-grade NAT: the provider's internal network
  [[127, 0, 0, 0], 8],      // loopback
  [[169, 254, 0, 0], 16],   // link-local, includes cloud metadata 169.254.169.254
  [[172, 16, 0, 0], 12],    // private
  [[192, 0, 0, 0], 24],     // IETF protocol assignments
  [[192, 0, 2, 0], 24],     // documentation (TEST-NET-1)
  [[192, 88, 99, 0], 24],   // deprecated 6to4 relay anycast
  [[192, 168, 0, 0], 16],   // private
  [[198, 18, 0, 0], 15],    // benchmarking
  [[198, 51, 100, 0], 24],  // documentation (TEST-NET-2)
  [[203, 0, 113, 0], 24],   // documentation (TEST-NET-3)
  [[224, 0, 0, 0], 4],      // multicast
  [[240, 0, 0, 0], 4],      // reserved, includes broadcast 255.255.255.255
];

/**
 * IPv6 is checked by allow-list: only global unicast 2000::/3 is a plausible
 * merchant server, which at once excludes ::, ::1, fc00::/7, fe80::/10,
 * fec0::/10, ff00::/8, 100::/64 and 64:ff9b:1::/48. These are the special
 * ranges carved out of 2000::/3 itself.
 */
const GLOBAL_UNICAST_V6: Cidr = [[0x20], 3];
const FORBIDDEN_V6: readonly Cidr[] = [
  [[0x20, 0x01, 0x00, 0x00], 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID…
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0x3f, 0xff, 0x00, 0x00], 20], // documentation (RFC 9637)
];

function inCidr(bytes: readonly number[], [prefix, bits]: Cidr): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const maskBits = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - maskBits)) & 0xff;
    if (((bytes[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function parseV4(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** 16 bytes of an address already validated by `net.isIPv6`. */
function parseV6(ip: string): number[] {
  let text = ip.replace(/%.*$/, ''); // a zone id ("fe80::1%eth0") says nothing about the address
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    tail.push(...parseV4(text.slice(lastColon + 1)));
    text = text.slice(0, lastColon + 1) + '0:0'; // placeholder group pair, replaced below
  }
  const [head = '', rest] = text.split('::');
  const groupsOf = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const headGroups = groupsOf(head);
  const restGroups = rest === undefined ? [] : groupsOf(rest);
  const zeros = new Array<number>(8 - headGroups.length - restGroups.length).fill(0);
  const bytes = [...headGroups, ...zeros, ...restGroups].flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

function isForbiddenV4(bytes: readonly number[]): boolean {
  return FORBIDDEN_V4.some((cidr) => inCidr(bytes, cidr));
}

/** The IPv4 address an IPv6 form carries and the network will really reach, if any. */
function embeddedV4(b: readonly number[]): number[] | null {
  const zeroUpTo = (n: number) => b.slice(0, n).every((x) => x === 0);
  // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated, SIIT)
  if (zeroUpTo(10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12, 16);
  if (zeroUpTo(8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0) return b.slice(12, 16);
  // 64:ff9b::a.b.c.d, the well-known NAT64 prefix (DNS64 networks hand these out for IPv4-only hosts)
  if (inCidr(b, [[0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96])) return b.slice(12, 16);
  // 2002:aabb:ccdd::/48, 6to4: the tunnel ends at a.b.c.d
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6);
  return null;
}

/**
 * True when `ip` must not be notified: not a publicly routable unicast
 * address. Anything that is not a valid IP literal is forbidden too (fail closed).
 */
export function isForbiddenAddress(ip: string): boolean {
  const version = net.isIP(ip);
  if (version === 4) return isForbiddenV4(parseV4(ip));
  if (version !== 6) return true;
  const bytes = parseV6(ip);
  const v4 = embeddedV4(bytes);
  if (v4 !== null) return isForbiddenV4(v4);
  if (!inCidr(bytes, GLOBAL_UNICAST_V6)) return true;
  return FORBIDDEN_V6.some((cidr) => inCidr(bytes, cidr));
}

/** The shape of `dns.lookup` with `all: true`; injectable so tests can play DNS. */
export type ResolveAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for `http.request` that resolves every address of the host and
 * refuses the connection (AddressNotAllowedError) if any of them is forbidden —
 * a host mixing public and internal addresses is as suspicious as an internal
 * one. Node does NOT call `lookup` for IP-literal hosts: check those with
 * `literalHostError` before connecting.
 */
export function guardedLookup(allowPrivate: boolean, resolveAll: ResolveAll = dns.lookup): net.LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const first = addresses[0];
      if (first === undefined) {
        const notFound: NodeJS.ErrnoException = new Error(`no address for ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, '');
      }
      const forbidden = allowPrivate ? undefined : addresses.find((a) => isForbiddenAddress(a.address));
      if (forbidden) return callback(new AddressNotAllowedError(hostname, forbidden.address), '');
      // Node asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily), one otherwise.
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

/** For a host that is an IP literal (URL brackets allowed), the error to refuse it with; otherwise null. */
export function literalHostError(host: string, allowPrivate: boolean): AddressNotAllowedError | null {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (allowPrivate || net.isIP(bare) === 0) return null;
  return isForbiddenAddress(bare) ? new AddressNotAllowedError(host, bare) : null;
}

export type NotifyUrlRejection =
  | 'too long'
  | 'not a url'
  | 'scheme not allowed'
  | 'credentials not allowed'
  | 'host missing'
  | 'port not allowed';

/**
 * Static checks of a notifyUrl, done when a merchant registers it and again
 * before every delivery. Addresses are checked later, at connect time.
 */
export function checkNotifyUrlSyntax(url: string): { ok: true; url: URL } | { ok: false; reason: NotifyUrlRejection } {
  if (url.length > NOTIFY_URL_CHARS_MAX) return { ok: false, reason: 'too long' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'not a url' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { ok: false, reason: 'scheme not allowed' };
  // Credentials would be sent as Basic auth and end up in logs and the outbox.
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, reason: 'credentials not allowed' };
  if (parsed.hostname === '') return { ok: false, reason: 'host missing' };
  if (parsed.port !== '') {
    const port = Number(parsed.port);
    if (port !== 80 && port !== 443 && port < NOTIFY_URL_PORT_UNPRIVILEGED_MIN) return { ok: false, reason: 'port not allowed' };
  }
  return { ok: true, url: parsed };
}
