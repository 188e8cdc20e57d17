import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses as 128-bit numbers, IPv4 mapped into ::ffff:0:0/96, so one
 * ordered range table and one range column serve both families.
 */
const V4_MAPPED = 0xffffn << 32n;

export function ipToBigInt(text: string): bigint | undefined {
  if (isIPv4(text)) {
    return V4_MAPPED | text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
  }
  if (!isIPv6(text)) return undefined;
  let address = text.toLowerCase();
  // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (tail) {
    const v4 = ipToBigInt(tail[1]!)! & 0xffffffffn;
    address = `${address.slice(0, -tail[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, rest] = address.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

export interface IpRange {
  start: bigint;
  end: bigint;
  /** Canonical text: `1.2.3.0/24`, `2001:db8::/32`. */
  cidr: string;
}

/** `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or prefix → its range; undefined for anything else. */
export function parseCidr(text: string): IpRange | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  if (extra !== undefined || address === undefined) return undefined;
  const value = ipToBigInt(address);
  if (value === undefined) return undefined;
  const v4 = isIPv4(address);
  const bits = v4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^[0-9]{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= bits)) return undefined;
  const hostBits = BigInt(bits - prefix);
  const start = (value >> hostBits) << hostBits;
  const end = start | ((1n << hostBits) - 1n);
  const shown = v4 ? [24n, 16n, 8n, 0n].map((s) => String((start >> s) & 0xffn)).join('.') : formatV6(start);
  return { start, end, cidr: `${shown}/${prefix}` };
}

function formatV6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** Fixed-width hex, so text comparison in either database orders addresses numerically. */
export function ipSortKey(value: bigint): string {
  return value.toString(16).padStart(32, '0');
}
