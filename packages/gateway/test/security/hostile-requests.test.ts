import { readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayEaseClient, aesEncryptToBase64, loadCertificate, loadPfx, sealRequest, signPayload, wrapAesKey } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { postSigned } from '../global-json/support.js';
import { seedSign } from '../global-json/seed-merchant.js';
import { orderForm, signMd5 } from '../form-gateway/support.js';
import type { SeedShop } from '../form-gateway/seed-shop.js';
import { GLOBAL_JSON_WIRE_CODES } from '../../src/protocols/global-json/wire-codes.js';
import { FORM_WIRE_CODES } from '../../src/protocols/form-gateway/wire-codes.js';
import { REQUEST_BODY_BYTES_MAX } from '../../src/domain/limits.js';

/** True when anything put a `polluted` key on Object.prototype (the gateway runs in this process). */
const polluted = () => Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted') || ({} as Record<string, unknown>).polluted !== undefined;

/** A JSON object text with `key: {polluted: "yes"}` nested `depth` objects deep (and once inside a list). */
function pollutingJson(key: '__proto__' | 'constructor', depth: number): string {
  let inner = key === '__proto__' ? '{"__proto__":{"polluted":"yes"}}' : '{"constructor":{"prototype":{"polluted":"yes"}}}';
  for (let d = 0; d < depth; d++) inner = d % 2 === 0 ? `{"nested":${inner}}` : `{"list":[${inner}]}`;
  return inner;
}

/** Merges a polluting JSON text into a payload's fields, as top-level keys. */
function withPollution(fields: Record<string, unknown>, key: '__proto__' | 'constructor', depth: number): string {
  const extra = pollutingJson(key, depth);
  return `${JSON.stringify(fields).slice(0, -1)},${extra.slice(1)}`;
}

/** Sends raw bytes on a socket; resolves with what came back and how many body bytes went out before the server hung up. */
function rawExchange(port: number, head: string, body: { bytes: number; everyMs: number } | Buffer, waitMs: number): Promise<{ answer: string; sentBodyBytes: number; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ answer, sentBodyBytes: sent, closed });
    };
    const giveUp = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('connect', () => {
      socket.write(head);
      if (Buffer.isBuffer(body)) {
        socket.write(body);
        sent = body.length;
        return;
      }
      timer = setInterval(() => {
        if (sent >= body.bytes || socket.destroyed) return clearInterval(timer);
        socket.write('A');
        sent++;
      }, body.everyMs);
    });
  });
}

describe.each(testDatabases())('hostile requests (%s)', (_database, databaseEnv) => {
  describe('prototype pollution, oversized and slow bodies', () => {
    let t: TestGateway;
    let port: number;
    const statuses: number[] = [];
    const record = (status: number) => {
      statuses.push(status);
      return status;
    };

    beforeAll(async () => {
      t = await startTestGateway({ ...databaseEnv, OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0', OPENCASHIER_REQUEST_TIMEOUT_MS: '2000' }, { background: false });
      port = Number(new URL(t.baseUrl).port);
    });
    afterAll(async () => {
      await t?.close();
    });

    it('PayEase: __proto__ or constructor.prototype at any depth of the signed body answers ENVELOPE_INVALID', async () => {
      const pfx = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
      const gatewayCert = loadCertificate(readFileSync(t.merchant.gatewayCertPath)).publicKey;
      for (const key of ['__proto__', 'constructor'] as const) {
        for (let depth = 0; depth <= 4; depth++) {
          // The SDK refuses to seal such a payload, so it is sealed by hand: signed without the key, which is then spliced into the JSON.
          const clean = { merchantId: t.merchant.merchantId, requestId: `pp-${key}-${depth}`, orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' };
          const json = withPollution({ ...clean, hmac: signPayload(clean, pfx.privateKey, 'request') }, key, depth);
          const aesKey = Buffer.from('Pollute012345678');
          const headers = { 'content-type': 'application/vnd.5upay-v3.0+json', merchantId: t.merchant.merchantId, encryptKey: wrapAesKey(aesKey, gatewayCert) };
          const res = await fetch(`${t.baseUrl}/icc/order`, { method: 'POST', headers, body: aesEncryptToBase64(json, aesKey) });
          expect(record(res.status), `${key} at depth ${depth}`).toBe(400);
          expect(await res.json()).toMatchObject({ code: 'ENVELOPE_INVALID' });
          expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, `pp-${key}-${depth}`)).toBeUndefined();
        }
      }
      expect(polluted()).toBe(false);
    });

    it('flat JSON: a polluting key anywhere is refused as FIELD_INVALID in the dialect’s own shape', async () => {
      const app = t.merchant.globalJson!;
      for (const key of ['__proto__', 'constructor'] as const) {
        for (let depth = 0; depth <= 4; depth++) {
          const fields = { mchid: t.merchant.merchantId, appid: app.appid, mch_order_no: `gj-pp-${key}-${depth}`, amount: '1.00', currency: 'USD' };
          const res = await fetch(`${t.baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: withPollution({ ...fields, sign: seedSign(fields, app.secret) }, key, depth) });
          expect(record(res.status)).toBe(200);
          const answer = (await res.json()) as { code: string };
          expect([GLOBAL_JSON_WIRE_CODES.FIELD_INVALID, GLOBAL_JSON_WIRE_CODES.SIGNATURE_INVALID], `${key} at depth ${depth}`).toContain(answer.code);
        }
      }
      expect(polluted()).toBe(false);
    });

    it('form gateway, cashier form, simulator, admin API and back office: no polluting key gets through, none answers 500', async () => {
      const fg = t.merchant.formGateway!;
      const shop = { pageUrl: 'https://shop.example/p', bgUrl: 'https://shop.example/bg' } as SeedShop;
      const form = new URLSearchParams(signMd5(orderForm(shop, fg.merchantAcctId), fg.md5Key));
      for (const [k, v] of [['__proto__[polluted]', 'yes'], ['constructor[prototype][polluted]', 'yes'], ['__proto__.polluted', 'yes'], ['__proto__', 'yes']] as const) form.append(k, v);
      const formRes = await fetch(`${t.baseUrl}/form-gateway/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), redirect: 'manual' });
      expect(record(formRes.status)).toBeLessThan(500);

      const created = await t.client.createIccOrder({ requestId: 'pp-cashier', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' });
      const cashierForm = 'holder=A+B&number=4242424242424242&__proto__[polluted]=yes&constructor[prototype][polluted]=yes&__proto__.polluted=yes';
      const cashierRes = await fetch(`${created.redirectUrl}/pay`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: cashierForm, redirect: 'manual' });
      expect(record(cashierRes.status)).toBeLessThan(500);

      const simRes = await fetch(`${t.baseUrl}/simulator/pay/alin000000000000000000000000`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"decision":"approve","__proto__":{"polluted":"yes"}}' });
      expect(record(simRes.status)).toBe(400);

      const token = readFileSync(join(t.config.dataDir, 'admin-token'), 'utf8').trim();
      const adminRes = await fetch(`${t.baseUrl}/admin/v1/remittances`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: pollutingJson('constructor', 2) });
      expect(record(adminRes.status)).toBe(400);

      for (const key of ['__proto__', 'constructor'] as const) {
        for (let depth = 0; depth <= 3; depth++) {
          const res = await fetch(`${t.baseUrl}/portal/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: withPollution({ email: 'x@example.com', password: 'wrong password' }, key, depth) });
          expect(record(res.status), `${key} at depth ${depth}`).toBeLessThan(500);
          if (depth === 0) expect(await res.json()).toMatchObject({ code: 'FIELD_INVALID' });
        }
      }
      expect(polluted()).toBe(false);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
    });

    it('refuses a body over the limit with 413 on every surface', async () => {
      const big = 'A'.repeat(REQUEST_BODY_BYTES_MAX + 1);
      const cases: [string, string, string][] = [
        ['/icc/order', 'application/vnd.5upay-v3.0+json', big],
        ['/global/pay/credit', 'application/json', `{"x":"${big}"}`],
        ['/form-gateway/pay', 'application/x-www-form-urlencoded', `x=${big}`],
        ['/portal/api/login', 'application/json', `{"x":"${big}"}`],
        ['/simulator/pay/alin000000000000000000000000', 'application/json', `{"x":"${big}"}`],
      ];
      for (const [path, type, body] of cases) {
        const res = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': type, merchantId: t.merchant.merchantId, encryptKey: 'AAAA' }, body });
        expect(record(res.status), path).toBe(413);
        expect(await res.text(), path).toMatch(path.startsWith('/global') ? `"code":"${GLOBAL_JSON_WIRE_CODES.BODY_TOO_LARGE}"` : path.startsWith('/form') ? FORM_WIRE_CODES.BODY_TOO_LARGE : 'BODY_TOO_LARGE');
      }
    });

    it('answers 413 from the announced length alone, before the body is read', async () => {
      const announcedBytes = 50 * 1024 * 1024;
      const head = `POST /icc/order HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nmerchantId: ${t.merchant.merchantId}\r\nencryptKey: AAAA\r\nContent-Length: ${announcedBytes}\r\n\r\n`;
      const result = await rawExchange(port, head, Buffer.from('AAAAAAAAAA'), 20_000);
      expect(result.answer).toMatch(/^HTTP\/1\.1 413/);
      expect(result.answer).toContain('BODY_TOO_LARGE');
      expect(result.sentBodyBytes).toBe(10);
    });

    it('cuts off slow-drip bodies (408 or a closed connection) long before they finish, many at once', async () => {
      const bodyBytes = 2_000;
      const paths = ['/icc/order', '/global/pay/credit', '/portal/api/login', '/form-gateway/pay'];
      // At one byte per 50 ms each body would take 100 s; the gateway's request timeout is 2 s.
      const drips = await Promise.all(
        Array.from({ length: 24 }, (_, i) => {
          const path = paths[i % paths.length]!;
          const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${bodyBytes}\r\n\r\n`;
          return rawExchange(port, head, { bytes: bodyBytes, everyMs: 50 }, 60_000);
        }),
      );
      for (const drip of drips) {
        expect(drip.closed).toBe(true);
        expect(drip.sentBodyBytes).toBeLessThan(bodyBytes);
        if (drip.answer !== '') expect(drip.answer).toMatch(/^HTTP\/1\.1 408/);
      }
      // The gateway still serves.
      expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    });
  });

  describe('rate limits', () => {
    it('per merchant: counted after authentication, shared by the dialects, 429 with Retry-After; requests in its name that fail authentication do not spend it', async () => {
      const t = await startTestGateway({ ...databaseEnv, OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0', OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: '4' }, { background: false });
      try {
        // Forged requests naming the merchant: refused as envelopes, and they cost the merchant nothing.
        for (let i = 0; i < 10; i++) {
          const res = await fetch(`${t.baseUrl}/icc/query`, { method: 'POST', headers: { merchantId: t.merchant.merchantId, encryptKey: 'AAAA' }, body: 'AAAA' });
          expect(res.status).toBe(400);
        }
        const answers: string[] = [];
        for (let i = 0; i < 3; i++) answers.push(await t.client.createIccOrder({ requestId: `rl-${i}`, orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' }).then((a) => a.status, (e: { code?: string }) => e.code ?? 'error'));
        expect(answers).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
        // The fourth authenticated request, in another dialect, is still within the budget; the fifth is not.
        expect((await postSigned(t, '/global/order/query', { mch_order_no: 'none' })).code).not.toBe(GLOBAL_JSON_WIRE_CODES.RATE_LIMITED);
        const global = await fetch(`${t.baseUrl}/global/order/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signedGlobal(t, { mch_order_no: 'none' })) });
        expect(global.status).toBe(429);
        expect(Number(global.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await global.json()).toMatchObject({ code: GLOBAL_JSON_WIRE_CODES.RATE_LIMITED, success: false });
        const pfx = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
        const sealed = sealRequest({ payload: { requestId: 'rl-9', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' }, merchantId: t.merchant.merchantId, signingKey: pfx.privateKey, recipient: loadCertificate(readFileSync(t.merchant.gatewayCertPath)).publicKey });
        const payease = await fetch(`${t.baseUrl}/icc/order`, { method: 'POST', headers: sealed.headers, body: sealed.body });
        expect(payease.status).toBe(429);
        expect(Number(payease.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(await payease.json()).toMatchObject({ status: 'ERROR', code: 'RATE_LIMITED' });
        expect(await t.gateway.orders.findByRequest(t.merchant.merchantId, 'rl-9')).toBeUndefined();
        // Another merchant has its own budget.
        await t.gateway.merchants.create({ merchantId: '200000055', name: 'Other shop', sandbox: true, allowedHosts: ['*'] }, Date.now());
        await t.gateway.merchants.addCertificate('200000055', pfx.certificate, Date.now(), 0);
        const other = new PayEaseClient({ merchantId: '200000055', pfx: readFileSync(t.merchant.pfxPath), pfxPassword: t.merchant.pfxPassword, gatewayCertificate: readFileSync(t.merchant.gatewayCertPath), baseUrl: t.baseUrl });
        expect((await other.createIccOrder({ requestId: 'rl-other', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' })).status).toBe('SUCCESS');
      } finally {
        await t.close();
      }
    });

    it('per client address: 429 with Retry-After before any parsing, on every surface', async () => {
      const t = await startTestGateway({ ...databaseEnv, OPENCASHIER_RATE_LIMIT_PER_MINUTE: '5', OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: '0' }, { background: false });
      try {
        for (let i = 0; i < 5; i++) expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
        for (const [path, body] of [['/icc/order', 'x'], ['/global/pay/credit', '{}'], ['/portal/api/login', '{}'], ['/form-gateway/pay', 'a=b']] as const) {
          const res = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          expect(res.status, path).toBe(429);
          expect(Number(res.headers.get('retry-after')), path).toBeGreaterThan(0);
          const code = path.startsWith('/global') ? `"code":"${GLOBAL_JSON_WIRE_CODES.RATE_LIMITED}"` : path.startsWith('/form') ? FORM_WIRE_CODES.RATE_LIMITED : 'RATE_LIMITED';
          expect(await res.text(), path).toContain(code);
        }
      } finally {
        await t.close();
      }
    });
  });
});

function signedGlobal(t: TestGateway, fields: Record<string, unknown>): Record<string, unknown> {
  const body = { mchid: t.merchant.merchantId, appid: t.merchant.globalJson!.appid, ...fields };
  return { ...body, sign: seedSign(body, t.merchant.globalJson!.secret) };
}
