import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/domain/errors.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { exactHeader, exchangeOnOneConnection, rawRequest } from './raw-wire.js';

describe.each(testDatabases())('unknown PayEase paths and methods (%s)', (_name, env) => {
  let t: TestGateway;
  let port: number;
  beforeAll(async () => {
    t = await startTestGateway(env, { background: false });
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t.close());

  const ids = { merchantId: '890000593', requestId: 'nf-1', encryptKey: 'AAAA' };
  const cases: [string, string, Record<string, string>][] = [
    ['POST', '/onlinePay/noSuchApi', ids],
    ['GET', '/onlinePay/order', ids],
    ['PUT', '/icc/query', ids],
    ['DELETE', '/foreignExchange/order', ids],
    ['POST', '/icc/order/extra', ids],
    // Off the API's paths, but carrying the envelope: still a PayEase client.
    ['POST', '/v3/order', ids],
  ];

  it.each(cases)('%s %s answers NOT_FOUND in the PayEase error form, ids echoed in camel case', async (method, path, headers) => {
    const [answer] = await exchangeOnOneConnection(port, [rawRequest(path, headers, method === 'GET' ? '' : 'AAAA', method)]);
    expect(answer!.statusLine).toBe(`HTTP/1.1 ${ERRORS.NOT_FOUND.httpStatus} Not Found`);
    expect(JSON.parse(answer!.body)).toEqual({ status: 'FAILED', code: 'NOT_FOUND', errorMessage: ERRORS.NOT_FOUND.message });
    expect(exactHeader(answer!, 'merchantId')).toBe('890000593');
    expect(exactHeader(answer!, 'requestId')).toBe('nf-1');
    expect(exactHeader(answer!, 'content-type')).toMatch(/^application\/json/);
  });

  it('keeps one connection usable across unknown and known paths', async () => {
    const answers = await exchangeOnOneConnection(port, [
      rawRequest('/onlinePay/noSuchApi', ids, 'AAAA'),
      rawRequest('/onlinePay/query', ids, 'AAAA'),
      rawRequest('/icc/nothing', ids, 'AAAA'),
    ]);
    expect(answers.map((a) => JSON.parse(a.body).code)).toEqual(['NOT_FOUND', 'MERCHANT_UNKNOWN', 'NOT_FOUND']);
  });

  it('leaves other paths to their own not-found answer, without PayEase headers', async () => {
    const [answer] = await exchangeOnOneConnection(port, [rawRequest('/no/such/page', { merchantId: '890000593' }, '', 'GET').replace(/Content-Type: [^\r]*\r\n/, '')]);
    expect(answer!.statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(exactHeader(answer!, 'merchantId')).toBeUndefined();
  });
});
