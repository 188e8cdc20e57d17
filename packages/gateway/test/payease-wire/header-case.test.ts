import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { exactHeader, exchangeOnOneConnection, merchantWireKeys, openAnswer, rawRequest, sealJsonText, type MerchantWireKeys } from './raw-wire.js';

/** Every header name of an answer, exactly as it came on the wire. */
const names = (a: { headers: [string, string][] }) => a.headers.map(([n]) => n);

describe.each(testDatabases())('PayEase answer headers in the protocol case on the raw wire (%s)', (_name, env) => {
  let t: TestGateway;
  let keys: MerchantWireKeys;
  let port: number;
  beforeAll(async () => {
    t = await startTestGateway(env, { background: false });
    keys = merchantWireKeys(t);
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t.close());

  const order = (requestId: string) => {
    const payload = { merchantId: keys.merchantId, requestId, orderAmount: '1000', orderCurrency: 'USD', notifyUrl: 'https://shop.example/notify', callbackUrl: 'https://shop.example/back' };
    return { payload, sealed: sealJsonText(keys, JSON.stringify(payload), payload) };
  };

  it('writes encryptKey, merchantId and requestId in camel case on every answer of one keep-alive connection', async () => {
    const requests = ['hc-1', 'hc-2', 'hc-1'].map((id) => {
      const { sealed } = order(id);
      return rawRequest('/icc/order', { merchantId: keys.merchantId, requestId: id, encryptKey: sealed.encryptKey }, sealed.body);
    });
    const answers = await exchangeOnOneConnection(port, requests);
    expect(answers).toHaveLength(3);
    for (const [i, answer] of answers.entries()) {
      expect(answer.statusLine).toBe('HTTP/1.1 200 OK');
      expect(answer.headerBlock).toMatch(/\r\nencryptKey: [A-Za-z0-9+/=]+(\r\n|$)/);
      expect(exactHeader(answer, 'merchantId')).toBe(keys.merchantId);
      expect(exactHeader(answer, 'requestId')).toBe(['hc-1', 'hc-2', 'hc-1'][i]);
      // No second, lower-cased copy beside the camel-case one.
      expect(names(answer).filter((n) => n.toLowerCase() === 'encryptkey')).toEqual(['encryptKey']);
      expect(names(answer).filter((n) => n.toLowerCase() === 'merchantid')).toEqual(['merchantId']);
      const fields = openAnswer(keys, answer);
      expect(fields.status).toBe('SUCCESS');
      expect(fields.requestId).toBe(['hc-1', 'hc-2', 'hc-1'][i]);
    }
  });

  it('echoes merchantId and requestId in camel case on plain errors, between sealed answers on the same connection', async () => {
    const good = order('hc-3').sealed;
    const answers = await exchangeOnOneConnection(port, [
      rawRequest('/icc/order', { merchantId: keys.merchantId, requestId: 'hc-bad', encryptKey: 'AAAA' }, good.body),
      rawRequest('/icc/order', { merchantId: keys.merchantId, requestId: 'hc-3', encryptKey: good.encryptKey }, good.body),
      rawRequest('/icc/order', { merchantId: '999999999', requestId: 'hc-4', encryptKey: good.encryptKey }, good.body),
    ]);
    const [badEnvelope, sealed, unknownMerchant] = answers;
    expect(badEnvelope!.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(badEnvelope!.body)).toMatchObject({ status: 'ERROR', code: 'ENVELOPE_INVALID' });
    expect(exactHeader(badEnvelope!, 'merchantId')).toBe(keys.merchantId);
    expect(exactHeader(badEnvelope!, 'requestId')).toBe('hc-bad');
    expect(exactHeader(sealed!, 'encryptKey')).toBeDefined();
    expect(openAnswer(keys, sealed!).status).toBe('SUCCESS');
    expect(JSON.parse(unknownMerchant!.body)).toMatchObject({ code: 'MERCHANT_UNKNOWN' });
    expect(exactHeader(unknownMerchant!, 'merchantId')).toBe('999999999');
    expect(exactHeader(unknownMerchant!, 'requestId')).toBe('hc-4');
  });

  it('does not echo a malformed merchantId or requestId header', async () => {
    const [answer] = await exchangeOnOneConnection(port, [rawRequest('/icc/order', { merchantId: 'abc', requestId: 'x'.repeat(65), encryptKey: 'AAAA' }, 'AAAA')]);
    expect(JSON.parse(answer!.body)).toMatchObject({ code: 'MERCHANT_UNKNOWN' });
    expect(names(answer!).map((n) => n.toLowerCase())).not.toContain('merchantid');
    expect(names(answer!).map((n) => n.toLowerCase())).not.toContain('requestid');
  });
});
