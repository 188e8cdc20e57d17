import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeForm } from './charset.js';
import { parseFlatXml, renderFlatXml } from './flat-xml.js';

/** Bytes of `text` in `charset`, by glibc's iconv: an encoder independent of the decoder under test. */
function iconv(text: string, charset: string): Buffer {
  return execFileSync('iconv', ['-f', 'UTF-8', '-t', charset], { input: Buffer.from(text, 'utf8') });
}

function percent(bytes: Buffer): string {
  return [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
}

describe('form charsets', () => {
  it.each([
    ['1', 'UTF-8'],
    ['2', 'GBK'],
    ['3', 'GB2312'],
  ])('inputCharset %s decodes %s bytes', (inputCharset, charset) => {
    const body = `inputCharset=${inputCharset}&payerName=${percent(iconv('张三', charset))}&productName=${percent(iconv('手机 充值卡', charset))}`;
    const decoded = decodeForm(Buffer.from(body, 'ascii'));
    expect(decoded).toEqual({ ok: true, fields: expect.objectContaining({ payerName: '张三', productName: '手机 充值卡' }) });
  });

  it('refuses bytes that are not valid in the declared charset', () => {
    // GBK bytes declared as UTF-8.
    expect(decodeForm(Buffer.from(`inputCharset=1&payerName=${percent(iconv('张三', 'GBK'))}`, 'ascii'))).toEqual({ ok: false, problem: 'bytes-invalid' });
    // A lone GBK lead byte.
    expect(decodeForm(Buffer.from('inputCharset=2&payerName=%D5', 'ascii'))).toEqual({ ok: false, problem: 'bytes-invalid' });
  });

  it('refuses an unknown charset, broken percent escapes and repeated fields', () => {
    expect(decodeForm(Buffer.from('inputCharset=9&a=b', 'ascii'))).toEqual({ ok: false, problem: 'charset-unknown' });
    expect(decodeForm(Buffer.from('inputCharset=1&a=%G1', 'ascii'))).toEqual({ ok: false, problem: 'bytes-invalid' });
    expect(decodeForm(Buffer.from('orderId=1&orderId=2', 'ascii'))).toEqual({ ok: false, problem: 'field-repeated' });
  });

  it('reads + as a space and defaults to UTF-8', () => {
    expect(decodeForm(Buffer.from('productName=a+b%E4%B8%AD', 'ascii'))).toEqual({ ok: true, fields: expect.objectContaining({ productName: 'a b中' }) });
  });
});

describe('flat XML', () => {
  it('round-trips the seed remittance answer shape, empty elements included', () => {
    const xml = renderFlatXml('res', [['orderId', '5916980620031462'], ['orderAmount', ''], ['errCode', '20008'], ['note', 'a<b&c']]);
    expect(xml).toBe('<?xml version="1.0" encoding="utf-8" ?><res><orderId>5916980620031462</orderId><orderAmount /><errCode>20008</errCode><note>a&lt;b&amp;c</note></res>');
    expect(parseFlatXml(xml)).toEqual({ orderId: '5916980620031462', orderAmount: '', errCode: '20008', note: 'a<b&c' });
  });
  it('reads the seed example as printed (with its stray dash)', () => {
    const seed = '<?xml version="1.0" encoding="utf-8" ?>- <res><merchantAcctId>1001163778801</merchantAcctId><errCode /><signMsg>ADBDBB21FA3DA7939DEDCA534346E1DD</signMsg> </res>';
    expect(parseFlatXml(seed)).toEqual({ merchantAcctId: '1001163778801', errCode: '', signMsg: 'ADBDBB21FA3DA7939DEDCA534346E1DD' });
  });
});
