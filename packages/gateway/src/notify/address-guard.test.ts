import type dns from 'node:dns';
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddressNotAllowedError, checkNotifyUrlSyntax, guardedLookup, isForbiddenAddress, literalHostError, type ResolveAll } from './address-guard.js';
import { startFakeMerchant, type FakeMerchant } from '../test-support/fake-merchant.js';
import { NOTIFY_URL_CHARS_MAX } from './limits.js';

const FORBIDDEN = [
  '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1',
  '169.254.169.254', '169.254.0.1', '0.0.0.0', '0.1.2.3', '100.64.0.1', '100.127.255.255',
  '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '192.0.2.10', '198.51.100.7',
  '203.0.113.9', '198.18.0.1', '192.0.0.8',
  '::', '::1', '0:0:0:0:0:0:0:1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'febf::1',
  'fec0::1', 'ff02::1', '100::1', '2001:db8::1', '3fff::1', '2001::1', '64:ff9b:1::a00:1',
  '::ffff:10.0.0.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:169.254.169.254', '::ffff:0:10.0.0.1',
  '::127.0.0.1', '64:ff9b::10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:7f00:1::1', '2002:c0a8:101::',
  'not an ip', '', 'localhost', '1.2.3', '::ffff:1.2.3.4.5',
];
const ALLOWED = [
  '8.8.8.8', '1.1.1.1', '93.184.216.34', '172.15.255.255', '172.32.0.1', '100.63.255.255',
  '100.128.0.1', '169.253.0.1', '11.0.0.1', '223.255.255.255', '192.0.3.1', '198.20.0.1',
  '2606:4700:4700::1111', '2a00:1450:4001:82a::200e', '2001:4860:4860::8888',
  '::ffff:8.8.8.8', '::ffff:808:808', '64:ff9b::8.8.8.8', '2002:808:808::1',
];

describe('isForbiddenAddress', () => {
  it.each(FORBIDDEN)('forbids %s', (ip) => expect(isForbiddenAddress(ip)).toBe(true));
  it.each(ALLOWED)('allows %s', (ip) => expect(isForbiddenAddress(ip)).toBe(false));

  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255));
  const hex = (a: number, b: number) => ((a << 8) | b).toString(16);

  it('judges every IPv6 form that reaches an IPv4 address exactly like that IPv4 address', () => {
    fc.assert(
      fc.property(v4, ([a, b, c, d]) => {
        const verdict = isForbiddenAddress(`${a}.${b}.${c}.${d}`);
        expect(isForbiddenAddress(`::ffff:${a}.${b}.${c}.${d}`)).toBe(verdict);
        expect(isForbiddenAddress(`::ffff:${hex(a, b)}:${hex(c, d)}`)).toBe(verdict);
        expect(isForbiddenAddress(`64:ff9b::${a}.${b}.${c}.${d}`)).toBe(verdict);
        expect(isForbiddenAddress(`2002:${hex(a, b)}:${hex(c, d)}::1`)).toBe(verdict);
      }),
    );
  });

  it('forbids all of 10/8, 127/8 and 169.254/16', () => {
    fc.assert(
      fc.property(fc.constantFrom('10', '127', '169.254'), v4, (prefix, [, b, c, d]) => {
        const ip = prefix === '169.254' ? `169.254.${c}.${d}` : `${prefix}.${b}.${c}.${d}`;
        expect(isForbiddenAddress(ip)).toBe(true);
      }),
    );
  });
});

function resolverAnswering(addresses: string[]): ResolveAll {
  return (_hostname, _options, callback) =>
    callback(null, addresses.map((address): dns.LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
}

function lookupOnce(lookup: ReturnType<typeof guardedLookup>, options: dns.LookupOptions) {
  return new Promise<{ err: NodeJS.ErrnoException | null; address: string | dns.LookupAddress[]; family?: number }>((resolve) =>
    lookup('merchant.example', options, (err, address, family) => resolve({ err, address, family })),
  );
}

describe('guardedLookup', () => {
  it('refuses a host if any of its addresses is forbidden', async () => {
    const { err } = await lookupOnce(guardedLookup(false, resolverAnswering(['93.184.216.34', '10.0.0.5'])), { all: true });
    expect(err).toBeInstanceOf(AddressNotAllowedError);
    expect((err as AddressNotAllowedError).address).toBe('10.0.0.5');
  });

  it('passes public addresses through, in the shape node asked for', async () => {
    const lookup = guardedLookup(false, resolverAnswering(['93.184.216.34', '2606:4700::1']));
    expect(await lookupOnce(lookup, { all: true })).toEqual({
      err: null,
      address: [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1', family: 6 }],
      family: undefined,
    });
    expect(await lookupOnce(lookup, {})).toEqual({ err: null, address: '93.184.216.34', family: 4 });
  });

  it('lets sandbox merchants resolve to private addresses', async () => {
    const { err, address } = await lookupOnce(guardedLookup(true, resolverAnswering(['127.0.0.1'])), {});
    expect(err).toBeNull();
    expect(address).toBe('127.0.0.1');
  });

  it('refuses the real localhost (resolved by the system)', async () => {
    const err = await new Promise((resolve) => guardedLookup(false)('localhost', {}, (e) => resolve(e)));
    expect(err).toBeInstanceOf(AddressNotAllowedError);
  });

  it('reports an empty answer as not found rather than connecting nowhere', async () => {
    const { err } = await lookupOnce(guardedLookup(false, resolverAnswering([])), {});
    expect(err?.code).toBe('ENOTFOUND');
  });
});

describe('IP-literal hosts', () => {
  let merchant: FakeMerchant;
  beforeAll(async () => (merchant = await startFakeMerchant()));
  afterAll(() => merchant.close());

  // This is why literalHostError exists: the lookup hook alone would let http://127.0.0.1/ through.
  it('node skips the lookup hook for IP literals, but calls it for names', async () => {
    const lookedUp: string[] = [];
    const spyLookup = guardedLookup(true);
    const get = (hostname: string) =>
      new Promise<void>((resolve, reject) => {
        const req = http.request(
          { hostname, port: merchant.port, path: '/success', agent: false, lookup: (h, o, cb) => (lookedUp.push(h), spyLookup(h, o, cb)) },
          (res) => res.resume().on('end', resolve),
        );
        req.on('error', reject).end();
      });
    await get('127.0.0.1');
    expect(lookedUp).toEqual([]);
    await get('localhost');
    expect(lookedUp).toEqual(['localhost']);
  });

  it('literalHostError refuses forbidden literals, bracketed or not, unless private is allowed', () => {
    expect(literalHostError('127.0.0.1', false)).toBeInstanceOf(AddressNotAllowedError);
    expect(literalHostError('[::1]', false)).toBeInstanceOf(AddressNotAllowedError);
    expect(literalHostError('[::ffff:a9fe:a9fe]', false)).toBeInstanceOf(AddressNotAllowedError);
    expect(literalHostError('127.0.0.1', true)).toBeNull();
    expect(literalHostError('8.8.8.8', false)).toBeNull();
    expect(literalHostError('merchant.example', false)).toBeNull();
  });
});

describe('checkNotifyUrlSyntax', () => {
  it.each([
    ['https://merchant.example/notify?x=1', true],
    ['http://merchant.example:8080/notify', true],
    ['https://merchant.example:443/', true],
    ['http://127.0.0.1:3000/', true], // syntax only: addresses are judged at connect time
  ])('accepts %s', (url) => expect(checkNotifyUrlSyntax(url).ok).toBe(true));

  it.each([
    ['merchant.example/notify', 'not a url'],
    ['ftp://merchant.example/', 'scheme not allowed'],
    ['file:///etc/passwd', 'scheme not allowed'],
    ['gopher://merchant.example/', 'scheme not allowed'],
    ['https://user:pw@merchant.example/', 'credentials not allowed'],
    ['https://user@merchant.example/', 'credentials not allowed'],
    ['http://merchant.example:25/', 'port not allowed'],
    ['http://merchant.example:22/', 'port not allowed'],
    ['http://merchant.example:0/', 'port not allowed'],
    [`https://merchant.example/${'a'.repeat(NOTIFY_URL_CHARS_MAX)}`, 'too long'],
  ])('rejects %s as %s', (url, reason) => expect(checkNotifyUrlSyntax(url)).toEqual({ ok: false, reason }));

  it('normalises numeric hosts so that the guard sees the real address', () => {
    const checked = checkNotifyUrlSyntax('http://0x7f.1:8080/');
    if (!checked.ok) throw new Error('expected the URL to parse');
    expect(checked.url.hostname).toBe('127.0.0.1');
    expect(literalHostError(checked.url.hostname, false)).not.toBeNull();
  });
});
