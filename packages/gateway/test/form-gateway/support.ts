import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startTestGateway, type TestGateway } from '../harness.js';
import { SEED_ORDER_FIELDS, seedContent, seedMd5, startSeedShop, type SeedShop } from './seed-shop.js';

let seq = 0;

/** A gateway on the run's database and a 快钱-style shop of its form-gateway merchant, verifying with the gateway's key. */
export async function startFormGatewayRig(env: Record<string, string>): Promise<{ t: TestGateway; shop: SeedShop; acct: string; key: string }> {
  const t = await startTestGateway(env);
  const acct = t.merchant.formGateway!.merchantAcctId;
  const key = t.merchant.formGateway!.md5Key;
  const shop = await startSeedShop({ md5Key: () => key, gatewayPublicKey: new X509Certificate(readFileSync(t.merchant.gatewayCertPath)).publicKey });
  return { t, shop, acct, key };
}

/** The order id in the cashier link a submitted order form is redirected to. */
export const cashierOrderId = (response: Response): string | undefined => /\/cashier\/([0-9a-f]{32})\./.exec(response.headers.get('location') ?? '')?.[1];

/** `yyyyMMddHHmmss` in Beijing time, written out independently of the gateway's helper. */
export function beijingStamp(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace(/[-T:]/g, '').slice(0, 14);
}

/** An order form as a 快钱 shop fills it (the seed's remittance example's values where it has them). */
export function orderForm(shop: SeedShop, merchantAcctId: string, extra: Record<string, string> = {}): Record<string, string> {
  seq += 1;
  return {
    inputCharset: '1',
    pageUrl: shop.pageUrl,
    bgUrl: shop.bgUrl,
    version: 'v2.0',
    language: '1',
    signType: '1',
    merchantAcctId,
    payerName: '张三',
    orderId: `fg${Date.now().toString(36)}${seq}`,
    orderAmount: '200',
    orderTime: beijingStamp(Date.now()),
    orderTimestamp: beijingStamp(Date.now()),
    productName: '手机充值卡',
    productNum: '1',
    ext1: 'memo-1',
    payType: '00',
    redoFlag: '0',
    ...extra,
  };
}

export function signMd5(form: Record<string, string>, key: string): Record<string, string> {
  return { ...form, signMsg: seedMd5(seedContent(form, SEED_ORDER_FIELDS), key) };
}

/** RSA-SHA1 by the openssl command line, from the merchant's private key: a signer independent of node:crypto. */
export function signRsaWithOpenssl(form: Record<string, string>, privateKey: KeyObject): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-openssl-'));
  try {
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(dir, 'content'), seedContent(form, SEED_ORDER_FIELDS), 'utf8');
    const signature = execFileSync('openssl', ['dgst', '-sha1', '-sign', join(dir, 'key.pem'), join(dir, 'content')]);
    return { ...form, signMsg: signature.toString('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The form urlencoded in `charset` (bytes by glibc iconv), as a browser on a page in that charset sends it. */
export function encodeForm(form: Record<string, string>, charset = 'UTF-8'): Buffer {
  const bytes = (text: string) => (charset === 'UTF-8' || /^[\x20-\x7e]*$/.test(text) ? Buffer.from(text, 'utf8') : execFileSync('iconv', ['-f', 'UTF-8', '-t', charset], { input: Buffer.from(text, 'utf8') }));
  const part = (text: string) =>
    [...bytes(text)]
      .map((b) => (/[A-Za-z0-9*._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
      .join('');
  return Buffer.from(Object.entries(form).map(([k, v]) => `${k}=${part(v)}`).join('&'), 'ascii');
}

export async function postForm(baseUrl: string, body: Buffer, path = '/form-gateway/pay'): Promise<Response> {
  return fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, redirect: 'manual' });
}
