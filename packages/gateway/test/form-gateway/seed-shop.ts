/**
 * A shop's server written only from seed 004 (not from the SDK or the
 * gateway): it builds and signs order forms by the seed's first field list,
 * receives results on its bgUrl and pageUrl and checks their signMsg by the
 * seed's second list (MD5 with `&key=`, upper-case; or RSA-SHA1 with the
 * gateway's certificate), and answers `<result>1</result><redirecturl>…`.
 */
import { createHash, createSign, createVerify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** 快钱 人民币网关 §2.4.1, first string (merchant → gateway). */
export const SEED_ORDER_FIELDS = 'inputCharset,pageUrl,bgUrl,version,language,signType,merchantAcctId,payerName,payerContactType,payerContact,payerIdType,payerId,payerIP,orderId,orderAmount,orderTime,orderTimestamp,productName,productNum,productId,productDesc,ext1,ext2,payType,bankId,cardIssuer,cardNum,remitType,remitCode,redoFlag,pid,submitType,orderTimeOut,extDataType,extDataContent'.split(',');
/** Second string (gateway → merchant). */
export const SEED_RESULT_FIELDS = 'merchantAcctId,version,language,signType,payType,bankId,orderId,orderTime,orderAmount,bindCard,bindMobile,dealId,bankDealId,dealTime,payAmount,fee,ext1,ext2,payResult,errCode'.split(',');
/** The remittance answer's elements, in the order of the seed's example. */
export const SEED_REMIT_FIELDS = 'merchantAcctId,version,language,signType,orderId,orderTime,orderAmount,dealId,remitType,remitCode,requestResult,errCode'.split(',');

export function seedContent(fields: Record<string, string | undefined>, order: readonly string[]): string {
  return order.filter((k) => fields[k] !== undefined && fields[k] !== '').map((k) => `${k}=${fields[k]}`).join('&');
}

export function seedMd5(content: string, key: string): string {
  return createHash('md5').update(`${content}&key=${key}`, 'utf8').digest('hex').toUpperCase();
}

export function seedRsa(content: string, privateKey: KeyObject): string {
  return createSign('RSA-SHA1').update(content, 'utf8').sign(privateKey, 'base64');
}

export interface SeedKeys {
  md5Key: () => string;
  gatewayPublicKey: KeyObject;
}

export function seedVerify(fields: Record<string, string>, order: readonly string[], keys: SeedKeys): boolean {
  const content = seedContent(fields, order);
  if (fields.signType === '4') return createVerify('RSA-SHA1').update(content, 'utf8').verify(keys.gatewayPublicKey, Buffer.from(fields.signMsg ?? '', 'base64'));
  return fields.signMsg === seedMd5(content, keys.md5Key());
}

export interface SeedResult {
  fields: Record<string, string>;
  /** The bytes as they came: the bgUrl body, or the pageUrl query string. */
  raw: string;
  signValid: boolean;
}

export interface SeedShop {
  origin: string;
  bgUrl: string;
  pageUrl: string;
  /** Where the shop's bgUrl answer sends the payer (its redirecturl), unless `redirect` is off. */
  thanksUrl: string;
  notifications: SeedResult[];
  pageReturns: SeedResult[];
  thanks: string[];
  /** Answer bgUrl with a redirecturl (default) or with `<result>1</result>` alone. */
  redirect: boolean;
  /** Pages the browser test loads from the shop, by path. */
  pages: Map<string, { contentType: string; body: Buffer }>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSeedShop(keys: SeedKeys): Promise<SeedShop> {
  const notifications: SeedResult[] = [];
  const pageReturns: SeedResult[] = [];
  const thanks: string[] = [];
  const pages = new Map<string, { contentType: string; body: Buffer }>();
  const state = { redirect: true, origin: '' };
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const url = new URL(request.url ?? '/', state.origin);
      if (url.pathname === '/bg') {
        const fields = Object.fromEntries(new URLSearchParams(body));
        notifications.push({ fields, raw: body, signValid: seedVerify(fields, SEED_RESULT_FIELDS, keys) });
        const answer = state.redirect ? `<result>1</result><redirecturl>${state.origin}/thanks?orderId=${fields.orderId}</redirecturl>` : '<result>1</result>';
        response.writeHead(200, { 'content-type': 'text/html' }).end(answer);
        return;
      }
      if (url.pathname === '/page') {
        const fields = Object.fromEntries(url.searchParams);
        pageReturns.push({ fields, raw: url.search.slice(1), signValid: seedVerify(fields, SEED_RESULT_FIELDS, keys) });
      }
      if (url.pathname === '/thanks') thanks.push(url.searchParams.get('orderId') ?? '');
      const stored = pages.get(url.pathname);
      if (stored) return void response.writeHead(200, { 'content-type': stored.contentType }).end(stored.body);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<p id="shop">${url.pathname}</p>`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.origin = `http://127.0.0.1:${port}`;
  return {
    origin: state.origin,
    bgUrl: `${state.origin}/bg`,
    pageUrl: `${state.origin}/page`,
    thanksUrl: `${state.origin}/thanks`,
    notifications,
    pageReturns,
    thanks,
    pages,
    get redirect() {
      return state.redirect;
    },
    set redirect(v: boolean) {
      state.redirect = v;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
