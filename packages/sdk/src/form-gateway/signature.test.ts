import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORM_REQUEST_FIELDS, FORM_RESULT_FIELDS } from './field-order.js';
import { formSign, formSignContent, verifyFormSign } from './signature.js';
import { signFormRequest, verifyFormResult } from './merchant.js';

const dir = mkdtempSync(join(tmpdir(), 'form-sign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function md5sumUpper(text: string): string {
  return execFileSync('md5sum', { input: Buffer.from(text, 'utf8') }).toString('ascii').split(' ')[0]!.toUpperCase();
}

// The seed's remittance example fields, plus a page return, as a merchant's form would carry them.
const ORDER = {
  inputCharset: '1',
  pageUrl: 'https://shop.example/return',
  bgUrl: 'https://shop.example/notify',
  version: 'v2.0',
  language: '1',
  signType: '1',
  merchantAcctId: '100000001' + '01',
  payerName: '张三',
  orderId: '601682487980635',
  orderAmount: '2',
  orderTime: '20121101111456',
  productName: '',
  payType: '00',
  redoFlag: '1',
};
const KEY = 'MERCHANTKEY0123456789';

describe('form gateway signMsg', () => {
  it('follows the fixed field order over non-empty fields (not alphabetical)', () => {
    expect(formSignContent(ORDER, FORM_REQUEST_FIELDS)).toBe(
      'inputCharset=1&pageUrl=https://shop.example/return&bgUrl=https://shop.example/notify&version=v2.0&language=1&signType=1' +
        '&merchantAcctId=10000000101&payerName=张三&orderId=601682487980635&orderAmount=2&orderTime=20121101111456&payType=00&redoFlag=1',
    );
  });

  it('signType 1 is md5sum of the content plus &key=, upper-case', () => {
    const content = formSignContent(ORDER, FORM_REQUEST_FIELDS);
    expect(formSign(ORDER, FORM_REQUEST_FIELDS, { signType: '1', key: KEY })).toBe(md5sumUpper(`${content}&key=${KEY}`));
    const signed = signFormRequest(ORDER, { signType: '1', key: KEY });
    expect(verifyFormSign(signed, FORM_REQUEST_FIELDS, signed.signMsg, { signType: '1', keys: ['old', KEY] })).toBe(true);
    expect(verifyFormSign({ ...signed, orderAmount: '3' }, FORM_REQUEST_FIELDS, signed.signMsg, { signType: '1', keys: [KEY] })).toBe(false);
  });

  it('signType 4 is RSA-SHA1 in base64, interchangeable with openssl dgst in both directions', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyPath = join(dir, 'merchant.key');
    const pubPath = join(dir, 'merchant.pub');
    const contentPath = join(dir, 'content.txt');
    const sigPath = join(dir, 'sig.bin');
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubPath, publicKey.export({ type: 'spki', format: 'pem' }));
    const fields = { ...ORDER, signType: '4' };
    writeFileSync(contentPath, formSignContent(fields, FORM_REQUEST_FIELDS), 'utf8');

    // openssl signs; we verify.
    execFileSync('openssl', ['dgst', '-sha1', '-sign', keyPath, '-out', sigPath, contentPath]);
    const byOpenssl = readFileSync(sigPath).toString('base64');
    expect(verifyFormSign(fields, FORM_REQUEST_FIELDS, byOpenssl, { signType: '4', publicKeys: [publicKey] })).toBe(true);

    // We sign; openssl verifies.
    const ours = formSign(fields, FORM_REQUEST_FIELDS, { signType: '4', privateKey });
    expect(ours).toBe(byOpenssl); // PKCS#1 v1.5 is deterministic
    writeFileSync(sigPath, Buffer.from(ours, 'base64'));
    expect(execFileSync('openssl', ['dgst', '-sha1', '-verify', pubPath, '-signature', sigPath, contentPath]).toString()).toContain('Verified OK');

    expect(verifyFormSign({ ...fields, orderAmount: '3' }, FORM_REQUEST_FIELDS, ours, { signType: '4', publicKeys: [publicKey] })).toBe(false);
  });

  it('results use the second field order and verify from a query string', () => {
    const result = { merchantAcctId: '10000000101', version: 'v2.0', language: '1', signType: '1', payType: '00', orderId: 'A1', orderTime: '20121101111456', orderAmount: '2', dealId: 'D1', dealTime: '20121101111500', payAmount: '2', fee: '0', payResult: '10' };
    const signMsg = formSign(result, FORM_RESULT_FIELDS, { signType: '1', key: KEY });
    expect(formSignContent(result, FORM_RESULT_FIELDS)).toBe(
      'merchantAcctId=10000000101&version=v2.0&language=1&signType=1&payType=00&orderId=A1&orderTime=20121101111456&orderAmount=2&dealId=D1&dealTime=20121101111500&payAmount=2&fee=0&payResult=10',
    );
    const query = new URLSearchParams({ ...result, signMsg });
    expect(verifyFormResult(query, { signType: '1', keys: [KEY] }).payResult).toBe('10');
    query.set('payResult', '11');
    expect(() => verifyFormResult(query, { signType: '1', keys: [KEY] })).toThrow(/does not verify/);
  });
});
