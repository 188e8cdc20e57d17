/**
 * Internal addresses in every spelling a URL may carry them, for the SSRF
 * suite: dotted, short (`127.1`), decimal, octal and hex IPv4, and the IPv6
 * forms that reach an IPv4 address (mapped, NAT64) or are internal by
 * themselves (loopback, ULA, link-local). Seeded, so a run can be replayed.
 */

/** The leading octets of the internal IPv4 ranges (the rest is random). */
const V4_RANGES: readonly number[][] = [[127], [10], [172, 16], [192, 168], [169, 254], [100, 64], [0]];

function randomV4(random: () => number): number[] {
  const prefix = V4_RANGES[Math.floor(random() * V4_RANGES.length)]!;
  const octets = [...prefix];
  // 172.16.0.0/12 and 100.64.0.0/10: vary the low bits of the second octet too.
  if (prefix[0] === 172) octets[1] = 16 + Math.floor(random() * 16);
  if (prefix[0] === 100) octets[1] = 64 + Math.floor(random() * 64);
  while (octets.length < 4) octets.push(Math.floor(random() * 256));
  return octets;
}

function v4Spellings(o: number[], random: () => number): string[] {
  const n = ((o[0]! << 24) >>> 0) + (o[1]! << 16) + (o[2]! << 8) + o[3]!;
  const hex = (x: number) => `0x${x.toString(16)}`;
  const oct = (x: number) => `0${x.toString(8)}`;
  const pick = (x: number) => [String(x), hex(x), oct(x)][Math.floor(random() * 3)]!;
  return [
    o.join('.'),
    String(n),
    hex(n),
    `0${n.toString(8)}`,
    o.map(pick).join('.'),
    `${pick(o[0]!)}.${pick((o[1]! << 16) + (o[2]! << 8) + o[3]!)}`,
    `${pick(o[0]!)}.${pick(o[1]!)}.${pick((o[2]! << 8) + o[3]!)}`,
    `${o.join('.')}.`,
    `[::ffff:${o.join('.')}]`,
    `[::ffff:${((o[0]! << 8) + o[1]!).toString(16)}:${((o[2]! << 8) + o[3]!).toString(16)}]`,
    `[64:ff9b::${o.join('.')}]`,
  ];
}

const V6_INTERNAL = ['[::1]', '[0:0:0:0:0:0:0:1]', '[::]', '[fc00::1]', '[fd12:3456:789a::1]', '[fd00:ec2::254]', '[fe80::1]', '[febf::abcd]', '[ff02::1]'];
const NAMES = ['localhost', 'LOCALHOST', 'localhost.', 'api.localhost', 'a.b.localhost'];

/** `count` seeded URLs that name an internal address, on `port`. */
export function internalUrls(count: number, port: number, random: () => number): string[] {
  const hosts: string[] = [...V6_INTERNAL, ...NAMES];
  while (hosts.length < count) hosts.push(...v4Spellings(randomV4(random), random));
  return hosts.slice(0, count).map((host) => `http://${host}:${port}/notify?n=${Math.floor(random() * 1e9)}`);
}
