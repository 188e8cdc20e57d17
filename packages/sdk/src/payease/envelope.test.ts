import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { EnvelopeError, InvalidArgumentError } from '../errors.js';
import { jsonPayload } from '../test-support/arbitraries.js';
import { loadVectorKeys } from '../test-support/fixtures.js';
import { aesEncryptToBase64 } from './aes-body.js';
import { canonicalString } from './canonical.js';
import { extractCiphertext, generateAesKey, openEnvelope, sealRequest, sealResponse } from './envelope.js';
import { headerValue } from './headers.js';
import { wrapAesKey } from './key-wrap.js';
import { verifyPayload } from './signature.js';

const keys = loadVectorKeys();
const rejectionSecret = Buffer.alloc(32, 3);
const merchantId = '890000593';

function openAtGateway(encryptKey: string, body: string): Record<string, unknown> {
  return openEnvelope({ encryptKey, ciphertext: extractCiphertext(body), privateKey: keys.gatewayKey, rejectionSecret }).payload;
}

describe('sealRequest', () => {
  it('fills in merchantId, appends hmac last and sends the raw base64 body', () => {
    const sealed = sealRequest({
      payload: { requestId: 'R1', orderAmount: '100', hmac: 'stale' },
      merchantId,
      signingKey: keys.merchantKey,
      recipient: keys.gatewayCert.publicKey,
      partnerId: 'P1',
    });
    expect(Object.keys(JSON.parse(sealed.json) as object)).toEqual(['requestId', 'orderAmount', 'merchantId', 'hmac']);
    expect(sealed.body).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(sealed.headers).toMatchObject({ 'Content-Type': 'application/vnd.5upay-v3.0+json', merchantId, requestId: 'R1', partnerId: 'P1' });
    const opened = openAtGateway(sealed.headers.encryptKey, sealed.body);
    expect(opened).toEqual(JSON.parse(sealed.json));
    expect(verifyPayload(opened, [keys.merchantCert.publicKey])).toBe(true);
  });

  it('sends requestId only when PHP empty() is false, as the client does', () => {
    for (const [requestId, header] of [['R', 'R'], ['0', undefined], ['', undefined], [7, '7']] as const) {
      const sealed = sealRequest({ payload: { requestId }, merchantId, signingKey: keys.merchantKey, recipient: keys.gatewayCert.publicKey });
      expect(sealed.headers.requestId).toBe(header);
    }
  });

  it('signs with the client request rule (top-level "0" skipped)', () => {
    const payload = { merchantId, requestId: 'R', clientIp: '0' };
    const sealed = sealRequest({ payload, merchantId, signingKey: keys.merchantKey, recipient: keys.gatewayCert.publicKey });
    const opened = openAtGateway(sealed.headers.encryptKey, sealed.body);
    const signature = Buffer.from(opened['hmac'] as string, 'base64');
    const signedOver = (rule: 'request' | 'verify'): boolean =>
      verify('md5', createHash('sha1').update(canonicalString(opened, rule)).digest(), keys.merchantCert.publicKey, signature);
    expect(signedOver('request')).toBe(true);
    expect(signedOver('verify')).toBe(false);
    expect(verifyPayload(opened, [keys.merchantCert.publicKey])).toBe(true);
  });

  it('refuses prototype-polluting keys', () => {
    const payload = JSON.parse('{"__proto__":{"polluted":true},"a":"1"}') as Record<string, unknown>;
    expect(() => sealRequest({ payload, merchantId, signingKey: keys.merchantKey, recipient: keys.gatewayCert.publicKey })).toThrow(InvalidArgumentError);
  });

  it('round-trips any payload through the gateway side', () => {
    fc.assert(
      fc.property(jsonPayload(), (payload) => {
        const sealed = sealRequest({ payload, merchantId, signingKey: keys.merchantKey, recipient: keys.gatewayCert.publicKey });
        const opened = openAtGateway(sealed.headers.encryptKey, sealed.body);
        expect(opened).toEqual(JSON.parse(sealed.json));
        expect(verifyPayload(opened, [keys.merchantCert.publicKey])).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});

describe('sealResponse', () => {
  it('wraps the body in {"data"}, leaves out top-level "" and null, keeps "0"', () => {
    const sealed = sealResponse({
      payload: { merchantId, requestId: 'R', status: 'SUCCESS', remark: '', code: null, totalRefundCount: '0', nested: { e: '' } },
      merchantId,
      signingKey: keys.gatewayKey,
      recipient: keys.merchantCert.publicKey,
      requestId: 'R',
    });
    expect(sealed.headers).toMatchObject({ merchantId, requestId: 'R', 'Content-Type': 'application/json' });
    expect(Object.keys(JSON.parse(sealed.body) as object)).toEqual(['data']);
    const { payload } = openEnvelope({
      encryptKey: sealed.headers.encryptKey,
      ciphertext: extractCiphertext(sealed.body),
      privateKey: keys.merchantKey,
      rejectionSecret,
    });
    expect(Object.keys(payload)).toEqual(['merchantId', 'requestId', 'status', 'totalRefundCount', 'nested', 'hmac']);
    expect(verifyPayload(payload, [keys.gatewayCert.publicKey])).toBe(true);
  });
});

describe('extractCiphertext', () => {
  const ciphertext = aesEncryptToBase64('{}', Buffer.alloc(16, 65));

  it('accepts a raw body and {"data"}, with surrounding white space', () => {
    expect(extractCiphertext(ciphertext)).toBe(ciphertext);
    expect(extractCiphertext(` ${ciphertext}\r\n`)).toBe(ciphertext);
    expect(extractCiphertext(JSON.stringify({ data: ciphertext }))).toBe(ciphertext);
    expect(extractCiphertext(`\n{ "data" : "${ciphertext}" }\n`)).toBe(ciphertext);
  });

  it('rejects everything else with EnvelopeError', () => {
    const bad = ['', '{', '{"data":1}', '{"other":"x"}', '[]', 'null', `${ciphertext.slice(0, 10)} ${ciphertext.slice(10)}`, `${ciphertext}!`, 'ab-_', '{"data":""}'];
    for (const body of bad) expect(() => extractCiphertext(body), body).toThrow(EnvelopeError);
  });

  it('accepts a body wrapped at 76 columns, as Java MIME encoders write it', () => {
    const wrapped = `${ciphertext.slice(0, 10)}\r\n${ciphertext.slice(10)}`;
    expect(() => extractCiphertext(wrapped)).not.toThrow();
  });
});

describe('openEnvelope', () => {
  const aesKey = Buffer.from('Aa11Bb22Cc33Dd44');
  const encryptKey = wrapAesKey(aesKey, keys.gatewayCert.publicKey);
  const open = (options: { encryptKey?: string; ciphertext: string }): unknown =>
    openEnvelope({ encryptKey: options.encryptKey ?? encryptKey, ciphertext: options.ciphertext, privateKey: keys.gatewayKey, rejectionSecret });

  it('strips bytes 0x00-0x1F before parsing, as clients do', () => {
    const ciphertext = aesEncryptToBase64('{\n\t"a":\r\n"b\u0001c"\u0000}', aesKey);
    expect(open({ ciphertext })).toEqual({ json: '{"a":"bc"}', payload: { a: 'bc' } });
  });

  it('throws one EnvelopeError with one message for every failure', () => {
    const otherRecipient = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const failures: { encryptKey?: string; ciphertext: string }[] = [
      { encryptKey: 'not base64!', ciphertext: aesEncryptToBase64('{}', aesKey) },
      { encryptKey: 'AAAA', ciphertext: aesEncryptToBase64('{}', aesKey) },
      { encryptKey: wrapAesKey(aesKey, otherRecipient), ciphertext: aesEncryptToBase64('{}', aesKey) },
      { ciphertext: aesEncryptToBase64('{}', Buffer.from('wrong key 123456')) },
      { ciphertext: 'AAAAAAAAAAAAAAAAAAAAAA==' },
      { ciphertext: 'not base64' },
      { ciphertext: aesEncryptToBase64('{"a":', aesKey) },
      { ciphertext: aesEncryptToBase64('[1,2]', aesKey) },
      { ciphertext: aesEncryptToBase64('"text"', aesKey) },
      { ciphertext: aesEncryptToBase64('null', aesKey) },
      { ciphertext: aesEncryptToBase64('42', aesKey) },
      { ciphertext: aesEncryptToBase64(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]), aesKey) }, // invalid UTF-8
      { ciphertext: aesEncryptToBase64('{"__proto__":{"x":1}}', aesKey) },
      { ciphertext: aesEncryptToBase64('{"a":[{"constructor":1}]}', aesKey) },
    ];
    for (const failure of failures) {
      let caught: unknown;
      try {
        open(failure);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(EnvelopeError);
      expect((caught as Error).message).toBe(EnvelopeError.MESSAGE);
      expect((caught as Error).cause).toBeUndefined();
    }
  });
});

describe('openEnvelope misconfiguration', () => {
  it('is reported as such, not as EnvelopeError', () => {
    const options = { encryptKey: 'AAAA', ciphertext: 'AAAAAAAAAAAAAAAAAAAAAA==', privateKey: keys.gatewayKey };
    expect(() => openEnvelope({ ...options, rejectionSecret: Buffer.alloc(8) })).toThrow(InvalidArgumentError);
    expect(() => openEnvelope({ ...options, privateKey: keys.gatewayCert.publicKey, rejectionSecret })).toThrow(InvalidArgumentError);
  });
});

describe('generateAesKey', () => {
  it('makes 16 characters of [A-Za-z0-9], different each time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const key = generateAesKey().toString('latin1');
      expect(key).toMatch(/^[A-Za-z0-9]{16}$/);
      seen.add(key);
    }
    expect(seen.size).toBe(50);
  });
});

describe('headerValue', () => {
  it('ignores case in records, arrays and fetch Headers', () => {
    expect(headerValue({ encryptkey: 'a' }, 'encryptKey')).toBe('a');
    expect(headerValue({ EncryptKey: ['b', 'c'] }, 'encryptKey')).toBe('b');
    expect(headerValue({ 'content-length': 3 }, 'Content-Length')).toBe('3');
    expect(headerValue({ other: 'x' }, 'encryptKey')).toBeUndefined();
    expect(headerValue(new Headers({ encryptKey: 'd' }), 'ENCRYPTKEY')).toBe('d');
    expect(headerValue(new Headers(), 'encryptKey')).toBeUndefined();
  });
});
