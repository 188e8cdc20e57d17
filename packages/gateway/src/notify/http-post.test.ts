import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMerchant, type FakeMerchant } from '../test-support/fake-merchant.js';
import { postNotification, type PostNotificationRequest } from './http-post.js';
import { classifyNetworkError } from './delivery-errors.js';
import { MerchantConnectionPool } from './connection-pool.js';
import type { ResolveAll } from './address-guard.js';

let merchant: FakeMerchant;
beforeAll(async () => (merchant = await startFakeMerchant()));
afterAll(() => merchant.close());

const RESPONSE_BYTES_MAX = 1024;
const BODY = '{"data":"Y2lwaGVydGV4dA=="}';
const post = (url: string, overrides: Partial<PostNotificationRequest> = {}) =>
  postNotification({
    url,
    headers: { 'content-type': 'application/json', merchantId: '890000001', requestId: 'req-1' },
    body: BODY,
    timeoutMs: 5000,
    allowPrivate: true,
    responseBytesMax: RESPONSE_BYTES_MAX,
    ...overrides,
  });

/** Requests the merchant receives while `fn` runs. */
async function newRequestsDuring(fn: () => Promise<unknown>) {
  const before = merchant.received.length;
  await fn();
  return merchant.received.slice(before);
}

describe('postNotification', () => {
  it('POSTs headers and body and returns the answer', async () => {
    let result;
    const seen = await newRequestsDuring(async () => (result = await post(merchant.urlFor('/success?n=1'))));
    expect(result).toMatchObject({ httpStatus: 200, responseText: 'SUCCESS', error: null, errorDetail: null });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ path: '/success', body: BODY });
    expect(seen[0]!.headers).toMatchObject({ merchantid: '890000001', requestid: 'req-1', 'content-length': String(BODY.length) });
  });

  it('returns non-2xx answers as they are', async () => {
    expect(await post(merchant.urlFor('/error500'))).toMatchObject({ httpStatus: 500, responseText: 'Internal Server Error', error: null });
  });

  it('does not follow redirects', async () => {
    const seen = await newRequestsDuring(async () => expect(await post(merchant.urlFor('/redirect'))).toMatchObject({ httpStatus: 302, error: null }));
    expect(seen.map((r) => r.path)).toEqual(['/redirect']);
  });

  it('gives up on a merchant that never answers', async () => {
    expect(await post(merchant.urlFor('/hang'), { timeoutMs: 200 })).toMatchObject({ httpStatus: null, error: 'timeout' });
  });

  it('reads at most responseBytesMax of a huge answer and hangs up', async () => {
    const result = await post(merchant.urlFor('/huge'));
    expect(result.httpStatus).toBe(200);
    expect(result.error).toBe('response too large');
    expect(Buffer.byteLength(result.responseText)).toBe(RESPONSE_BYTES_MAX);
  });

  it('reports a closed port as connection refused', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    expect(await post(`http://127.0.0.1:${port}/`)).toMatchObject({ httpStatus: null, error: 'connection refused' });
  });

  it.each([
    ['127.0.0.1 literal', () => merchant.urlFor('/success')],
    ['localhost name', () => merchant.urlFor('/success', 'localhost')],
    ['[::1] literal', () => merchant.urlFor('/success', '[::1]')],
    ['[::ffff:127.0.0.1] literal', () => merchant.urlFor('/success', '[::ffff:127.0.0.1]')],
  ])('refuses %s without allowPrivate and sends nothing', async (_label, url) => {
    const seen = await newRequestsDuring(async () =>
      expect(await post(url(), { allowPrivate: false })).toMatchObject({ httpStatus: null, error: 'address not allowed' }),
    );
    expect(seen).toEqual([]);
  });

  it('connects to the address it vetted, keeping the name for Host (no second DNS query)', async () => {
    let queries = 0;
    const seen = await newRequestsDuring(async () => {
      const result = await post(`http://merchant.example:${merchant.port}/success`, {
        resolveAll: (_h, _o, cb) => (queries++, cb(null, [{ address: '127.0.0.1', family: 4 }])),
      });
      expect(result.error).toBeNull();
    });
    expect(queries).toBe(1);
    expect(seen[0]!.headers.host).toBe(`merchant.example:${merchant.port}`);
  });

  it('reuses a kept-alive connection only for the address vetted for this delivery', async () => {
    const pool = new MerchantConnectionPool();
    try {
      const url = `http://merchant.example:${merchant.port}/success`;
      const resolvingTo = (address: string): ResolveAll => (_h, _o, cb) => cb(null, [{ address, family: 4 }]);
      const first = await post(url, { pool, resolveAll: resolvingTo('127.0.0.1') });
      expect(first).toMatchObject({ httpStatus: 200, error: null });
      // The name now resolves elsewhere (nothing listens there): the open connection to the old address is not used.
      const second = await post(url, { pool, resolveAll: resolvingTo('127.0.0.2') });
      expect(second).toMatchObject({ httpStatus: null, error: 'connection refused' });
      expect(pool.size).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('refuses a name that resolves to a private address', async () => {
    const seen = await newRequestsDuring(async () => {
      const result = await post(`http://merchant.example:${merchant.port}/success`, {
        allowPrivate: false,
        resolveAll: (_h, _o, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]),
      });
      expect(result.error).toBe('address not allowed');
    });
    expect(seen).toEqual([]);
  });

  it('turns a bad URL or a bad header into an error instead of throwing', async () => {
    expect(await post('ftp://merchant.example/')).toMatchObject({ error: 'invalid url', errorDetail: 'scheme not allowed' });
    expect(await post(merchant.urlFor('/success'), { headers: { requestId: 'a\r\nx-injected: 1' } })).toMatchObject({
      httpStatus: null,
      error: 'invalid request',
    });
  });

  it('measures latency with the injected monotonic clock', async () => {
    let tick = 0;
    const result = await post(merchant.urlFor('/success'), { monotonicNowMs: () => (tick += 7) });
    expect(result.latencyMs).toBe(7);
  });
});

describe('classifyNetworkError', () => {
  it.each([
    [{ code: 'ECONNREFUSED' }, 'connection refused'],
    [{ code: 'ENOTFOUND' }, 'dns lookup failed'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'tls error'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls error'],
    [new AggregateError([Object.assign(new Error('x'), { code: 'EHOSTUNREACH' })]), 'host unreachable'],
    [new Error('no code'), 'network error'],
    ['not even an error', 'network error'],
  ])('maps %o to %s', (err, expected) => expect(classifyNetworkError(err)).toBe(expected));
});
