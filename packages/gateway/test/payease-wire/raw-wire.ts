import { readFileSync } from 'node:fs';
import net from 'node:net';
import type { KeyObject } from 'node:crypto';
import { PAYEASE_V3_CONTENT_TYPE, aesEncryptToBase64, extractCiphertext, generateAesKey, loadCertificate, loadPfx, openEnvelope, signPayload, verifyPayload, wrapAesKey } from '@opencashier/sdk';
import type { TestGateway } from '../harness.js';
import type { SandboxMerchantInfo } from '../../src/provisioning.js';

/** The demo merchant's keys, as a merchant's own client holds them. */
export interface MerchantWireKeys {
  merchantId: string;
  signingKey: KeyObject;
  gatewayPublicKey: KeyObject;
}

export function merchantWireKeys(t: Pick<TestGateway, 'merchant'> | { merchant: SandboxMerchantInfo }): MerchantWireKeys {
  const pfx = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
  return {
    merchantId: t.merchant.merchantId,
    signingKey: pfx.privateKey,
    gatewayPublicKey: loadCertificate(readFileSync(t.merchant.gatewayCertPath)).publicKey,
  };
}

/**
 * A sealed request whose JSON text is given exactly (so JSON numbers can be
 * sent as a client writes them). `signedAs` is the payload as the client's
 * canonical string sees it: PHP turns a JSON integer 10000 into "10000", so
 * signing the string "10000" signs the same bytes.
 */
export function sealJsonText(keys: MerchantWireKeys, json: string, signedAs: Record<string, unknown>): { encryptKey: string; body: string } {
  const hmac = signPayload(signedAs, keys.signingKey, 'request');
  const withHmac = `${json.trimEnd().slice(0, -1)},"hmac":${JSON.stringify(hmac)}}`;
  const aesKey = generateAesKey();
  return { encryptKey: wrapAesKey(aesKey, keys.gatewayPublicKey), body: aesEncryptToBase64(withHmac, aesKey) };
}

/** An HTTP/1.1 keep-alive request head and body, headers named exactly as PayEase clients name them. */
export function rawRequest(path: string, headers: Record<string, string>, body: string, method = 'POST'): string {
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: keep-alive', `Content-Type: ${PAYEASE_V3_CONTENT_TYPE}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

export interface RawAnswer {
  statusLine: string;
  /** The header block as it came, names in their wire case. */
  headerBlock: string;
  /** Header name (wire case) → value. */
  headers: [string, string][];
  body: string;
}

/** Sends `requests` one after another on ONE connection (each after the previous answer) and returns the raw answers. */
export function exchangeOnOneConnection(port: number, requests: readonly string[]): Promise<RawAnswer[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const answers: RawAnswer[] = [];
    let buffer = Buffer.alloc(0);
    const sendNext = () => {
      if (answers.length === requests.length) {
        socket.end();
        resolve(answers);
        return;
      }
      socket.write(requests[answers.length]!);
    };
    socket.on('error', reject);
    socket.on('close', () => {
      if (answers.length < requests.length) reject(new Error(`connection closed after ${answers.length} of ${requests.length} answers`));
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const [statusLine, ...headerLines] = head.split('\r\n');
        const headers = headerLines.map((line): [string, string] => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]);
        const length = Number(headers.find(([n]) => n.toLowerCase() === 'content-length')?.[1] ?? '0');
        if (buffer.length < end + 4 + length) return;
        const body = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        buffer = buffer.subarray(end + 4 + length);
        answers.push({ statusLine: statusLine!, headerBlock: head, headers, body });
        sendNext();
      }
    });
    socket.on('connect', sendNext);
  });
}

/** The value of the header named exactly `name` (case-sensitive, as field clients match it). */
export function exactHeader(answer: RawAnswer, name: string): string | undefined {
  return answer.headers.find(([n]) => n === name)?.[1];
}

/** Opens a sealed answer with the merchant key, checking the gateway signature. */
export function openAnswer(keys: MerchantWireKeys, answer: RawAnswer): Record<string, unknown> {
  const encryptKey = exactHeader(answer, 'encryptKey');
  if (encryptKey === undefined) throw new Error(`no encryptKey header in:\n${answer.headerBlock}`);
  const { payload } = openEnvelope({ encryptKey, ciphertext: extractCiphertext(answer.body), privateKey: keys.signingKey, rejectionSecret: Buffer.alloc(32, 7) });
  if (!verifyPayload(payload, [keys.gatewayPublicKey])) throw new Error(`answer signature does not verify for ${keys.merchantId}`);
  return payload;
}
