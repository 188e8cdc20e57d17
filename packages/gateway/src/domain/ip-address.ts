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
