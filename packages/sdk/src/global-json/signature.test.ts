import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globalJsonSign, globalJsonSignContent, signGlobalJson, verifyGlobalJsonSign } from './signature.js';

/** MD5 as the coreutils tool computes it: an implementation independent of node:crypto. */
function md5sum(text: string): string {
  return execFileSync('md5sum', { input: Buffer.from(text, 'utf8') }).toString('ascii').split(' ')[0]!;
}

// The seed's request example, with a secret of our own (the provider's is not public).
const SEED_REQUEST = {
  amount: '2',
  mchid: '2002340435',
  subject: 'test',
  notify_url: 'https://www.baidu.com',
  body: 'test',
  callback_url: 'https://www.baidu.com',
  user_id: 'sdfsdfsg',
  appid: '4110',
  client_ip: '10.99.34.122',
  phone_number: '18801552245',
  currency: 'USD',
  customer_name: 'jeak musk',
  region: 'USA',
  mch_order_no: '1749700733673',
  email: '1SDFSDF@qq.com',
  sign: '9020db3f78bf1dd9b3e96fe064631240',
};
const SECRET = 'k3y-0f-app-4110';

describe('flat-JSON sign', () => {
  it('is md5sum of the key-sorted k=v string of non-empty fields plus &key=secret, lower-case', () => {
    const written =
      'amount=2&appid=4110&body=test&callback_url=https://www.baidu.com&client_ip=10.99.34.122&currency=USD&customer_name=jeak musk' +
      '&email=1SDFSDF@qq.com&mch_order_no=1749700733673&mchid=2002340435&notify_url=https://www.baidu.com&phone_number=18801552245' +
      '&region=USA&subject=test&user_id=sdfsdfsg';
    expect(globalJsonSignContent(SEED_REQUEST)).toBe(written);
    const expected = md5sum(`${written}&key=${SECRET}`);
    expect(expected).toMatch(/^[0-9a-f]{32}$/);
    expect(globalJsonSign(SEED_REQUEST, SECRET)).toBe(expected);
  });

  it('leaves out empty and null fields and sign itself, and writes numbers and booleans as text', () => {
    const fields = { b: '', a: null, c: 'x', d: 2, e: true, sign: 'whatever' };
    expect(globalJsonSignContent(fields)).toBe('c=x&d=2&e=true');
    expect(globalJsonSign(fields, SECRET)).toBe(md5sum(`c=x&d=2&e=true&key=${SECRET}`));
  });

  it('hashes UTF-8 bytes (names of people and products are not ASCII)', () => {
    const fields = { customer_name: '张三', subject: 'Café' };
    expect(globalJsonSign(fields, SECRET)).toBe(md5sum(`customer_name=张三&subject=Café&key=${SECRET}`));
  });

  it('verifies its own signature whatever the key order, and accepts upper-case hex', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), fc.string({ maxLength: 20 })), fc.string({ minLength: 1, maxLength: 40 }), (fields, secret) => {
        const signed = signGlobalJson(fields, secret);
        const reversed = Object.fromEntries(Object.entries(signed).reverse());
        expect(verifyGlobalJsonSign(reversed, [secret])).toBe(true);
        expect(verifyGlobalJsonSign({ ...signed, sign: signed.sign.toUpperCase() }, [secret])).toBe(true);
      }),
    );
  });

  it('refuses a changed field, a wrong secret, a malformed sign and nested values', () => {
    const signed = signGlobalJson({ amount: '2.00', currency: 'USD' }, SECRET);
    expect(verifyGlobalJsonSign({ ...signed, amount: '2.01' }, [SECRET])).toBe(false);
    expect(verifyGlobalJsonSign(signed, ['other'])).toBe(false);
    expect(verifyGlobalJsonSign({ ...signed, sign: 'zz' }, [SECRET])).toBe(false);
    expect(verifyGlobalJsonSign({ ...signed, extra: { a: 1 } }, [SECRET])).toBe(false);
  });

  it('verifies against any secret of a rotation', () => {
    const signed = signGlobalJson({ amount: '2.00' }, 'old');
    expect(verifyGlobalJsonSign(signed, ['new', 'old'])).toBe(true);
  });
});
