import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { FX_STUDY } from '../fx-fixtures.js';
import { exchangeOnOneConnection, merchantWireKeys, openAnswer, rawRequest, sealJsonText, type MerchantWireKeys } from './raw-wire.js';

/**
 * JSON text with some values written as raw literals: `literals[key]` is
 * put in place of the string placeholder `@key@`, so a test sends exactly
 * the bytes a client sends (`"orderAmount":10000`, `1e4`, 20 digits …).
 */
function jsonWithLiterals(payload: Record<string, unknown>, literals: Record<string, string>): string {
  let json = JSON.stringify(payload);
  for (const [key, literal] of Object.entries(literals)) json = json.replace(`"@${key}@"`, literal);
  return json;
}

describe.each(testDatabases())('JSON numbers where the seeds type a field as a number (%s)', (_name, env) => {
  let t: TestGateway;
  let keys: MerchantWireKeys;
  let port: number;
  beforeAll(async () => {
    t = await startTestGateway(env, { background: false });
    keys = merchantWireKeys(t);
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t.close());

  /**
   * Sends `payload` with the `literals` in place; `signedAs` gives, for each
   * literal, the string PHP's json_decode + implode make of it (what the
   * client signed): the gateway must compute the very same canonical string.
   */
  async function send(path: string, payload: Record<string, unknown>, literals: Record<string, string>, signedAs: Record<string, string>): Promise<Record<string, unknown>> {
    const full = { merchantId: keys.merchantId, ...payload };
    const json = jsonWithLiterals(full, literals);
    // What the client signed: each literal as the string PHP makes of it (the literal itself unless given).
    const asStrings = Object.fromEntries(Object.entries(literals).map(([key, literal]) => [key, JSON.stringify(signedAs[key] ?? literal)]));
    const sealed = sealJsonText(keys, json, JSON.parse(jsonWithLiterals(full, asStrings)) as Record<string, unknown>);
    const [answer] = await exchangeOnOneConnection(port, [rawRequest(path, { merchantId: keys.merchantId, encryptKey: sealed.encryptKey }, sealed.body)]);
    expect(answer!.statusLine, answer!.body).toBe('HTTP/1.1 200 OK');
    return openAnswer(keys, answer!);
  }

  const icc = (requestId: string) => ({ requestId, orderAmount: '@orderAmount@', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' });
  const query = (requestId: string) => send('/icc/query', { requestId }, {}, {});

  it('accepts "orderAmount": 10000 as well as "10000", as the same order', async () => {
    const asNumber = await send('/icc/order', icc('num-1'), { orderAmount: '10000' }, { orderAmount: '10000' });
    expect(asNumber).toMatchObject({ status: 'SUCCESS', requestId: 'num-1' });
    const asString = await send('/icc/order', { ...icc('num-1'), orderAmount: '10000' }, {}, {});
    expect(asString.paymentOrderId).toBe(asNumber.paymentOrderId);
    expect(await query('num-1')).toMatchObject({ orderAmount: '10000', orderCurrency: 'USD' });
  });

  it('keeps every digit of an integer beyond 2^53 (no float round trip)', async () => {
    // 2^53 + 1: JSON.parse would read 9007199254740992.
    const answer = await send('/icc/order', icc('num-2'), { orderAmount: '9007199254740993' }, { orderAmount: '9007199254740993' });
    expect(answer).toMatchObject({ status: 'SUCCESS' });
    expect((await query('num-2')).orderAmount).toBe('9007199254740993');
  });

  it.each([
    ['a fraction', '10000.5', '10000.5'],
    ['a zero fraction', '10000.0', '10000'],
    ['an exponent', '1e4', '10000'],
    ['a negative integer', '-100', '-100'],
    ['zero', '0', '0'],
    ['19 digits (within 64 bits)', '1234567890123456789', '1234567890123456789'],
    ['20 digits (a PHP float)', '12345678901234567890', '1.2345678901235E+19'],
  ])('refuses %s with AMOUNT_INVALID, after verifying the signature the client made', async (_what, literal, phpString) => {
    const requestId = `num-bad-${literal}`;
    const answer = await send('/icc/order', icc(requestId), { orderAmount: literal }, { orderAmount: phpString });
    expect(answer).toMatchObject({ status: 'FAILED', code: 'AMOUNT_INVALID' });
    expect((await query(requestId)).code).toBe('ORDER_NOT_FOUND');
  });

  it('accepts a JSON integer timeout and refuses a fractional one', async () => {
    expect(await send('/icc/order', { ...icc('num-t1'), orderAmount: '500', timeout: '@timeout@' }, { timeout: '30' }, { timeout: '30' })).toMatchObject({ status: 'SUCCESS' });
    expect(await send('/icc/order', { ...icc('num-t2'), orderAmount: '500', timeout: '@timeout@' }, { timeout: '30.5' }, { timeout: '30.5' })).toMatchObject({ status: 'FAILED', code: 'FIELD_INVALID' });
    expect(await send('/icc/order', { ...icc('num-t3'), orderAmount: '500', timeout: '@timeout@' }, { timeout: '3e1' }, { timeout: '30' })).toMatchObject({ status: 'FAILED', code: 'FIELD_INVALID' });
  });

  it('reads FX purchase amounts and product quantities/amounts (long in seed 002) as JSON integers', async () => {
    const payload = {
      ...FX_STUDY,
      requestId: 'num-fx-1',
      orderAmount: '@orderAmount@',
      productDetails: [{ ...FX_STUDY.productDetails[0], quantity: '@quantity@', amount: '@amount@' }],
    };
    const answer = await send('/foreignExchange/order', payload, { orderAmount: '10000', quantity: '1', amount: '10000' }, {});
    expect(answer).toMatchObject({ status: expect.stringMatching(/^(SUCCESS|REDIRECT)$/) });
    const q = await send('/foreignExchange/query', { requestId: 'num-fx-1' }, {}, {});
    expect(q).toMatchObject({ orderAmount: '10000', orderCurrency: 'USD' });
  });

  it('refuses a fractional product quantity with FIELD_INVALID', async () => {
    const payload = { ...FX_STUDY, requestId: 'num-fx-2', orderAmount: '10000', productDetails: [{ ...FX_STUDY.productDetails[0], quantity: '@quantity@' }] };
    expect(await send('/foreignExchange/order', payload, { quantity: '1.5' }, { quantity: '1.5' })).toMatchObject({ status: 'FAILED', code: 'FIELD_INVALID' });
  });
});
