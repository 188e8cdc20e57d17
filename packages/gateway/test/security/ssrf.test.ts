import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PayEaseClient, loadPfx } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { postNotification } from '../../src/notify/http-post.js';
import type { ResolveAll } from '../../src/notify/address-guard.js';
import { postSigned } from '../global-json/support.js';
import { encodeForm, orderForm, postForm, signMd5 } from '../form-gateway/support.js';
import type { SeedShop } from '../form-gateway/seed-shop.js';
import { GLOBAL_JSON_WIRE_CODES } from '../../src/protocols/global-json/wire-codes.js';
import { formErrCode } from '../../src/protocols/form-gateway/wire-codes.js';

/**
 * Server-side request forgery: a merchant controls the notifyUrl (and the
 * callbackUrl the payer is sent to). Whatever internal address it names, in
 * whatever spelling, the gateway must never open a connection to it. A
 * listening socket on the loopback counts every connection it receives; the
 * figure that matters is that count staying 0.
 */

/** A TCP listener that counts connections (and closes them at once). */
async function countingListener(host: string, port = 0): Promise<{ port: number; connections: () => number; close: () => Promise<void> } | undefined> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
  } catch {
    return undefined; // e.g. no IPv6 loopback on this machine
  }
  return { port: (server.address() as AddressInfo).port, connections: () => count, close: () => new Promise((r) => server.close(() => r())) };
}

/** Every spelling of an internal address a URL parser may accept (P: the listener's port). */
function internalUrls(port: number): string[] {
  const hosts = [
    '127.0.0.1',
    '127.1',
    '127.0.0.1.',
    '2130706433', // decimal
    '017700000001', // octal
    '0x7f000001', // hex
    '0x7f.0.0.1',
    '0177.0.0.01',
    '[::1]',
    '[0:0:0:0:0:0:0:1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:7f00:1]',
    '[64:ff9b::7f00:1]',
    '0.0.0.0',
    '169.254.169.254',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '100.64.0.1',
    '[fc00::1]',
    '[fd00:ec2::254]',
    '[fe80::1]',
    'localhost',
    'LOCALHOST.',
    'api.localhost',
  ];
  return hosts.map((h) => `http://${h}:${port}/notify`);
}

describe.each(testDatabases())('SSRF and open redirect (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let live: PayEaseClient;
  let v4: NonNullable<Awaited<ReturnType<typeof countingListener>>>;
  let v6: Awaited<ReturnType<typeof countingListener>>;
  const LIVE = '200000077';
  const connections = () => v4.connections() + (v6?.connections() ?? 0);

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    v4 = (await countingListener('127.0.0.1'))!;
    v6 = await countingListener('::1', v4.port);
    // A live merchant that registered any host: only the address guard stands between it and the internal network.
    await t.gateway.merchants.create({ merchantId: LIVE, name: 'Live shop', sandbox: false, allowedHosts: ['*'] }, Date.now());
    await t.gateway.merchants.addCertificate(LIVE, loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword).certificate, Date.now(), 0);
    live = new PayEaseClient({ merchantId: LIVE, pfx: readFileSync(t.merchant.pfxPath), pfxPassword: t.merchant.pfxPassword, gatewayCertificate: readFileSync(t.merchant.gatewayCertPath), baseUrl: t.baseUrl });
  });
  afterAll(async () => {
    await v4?.close();
    await v6?.close();
    await t?.close();
  });

  it('refuses every internal notifyUrl and callbackUrl of a live merchant at order time with URL_NOT_ALLOWED', async () => {
    const urls = internalUrls(v4.port);
    let i = 0;
    for (const url of urls) {
      for (const field of ['notifyUrl', 'callbackUrl'] as const) {
        const order = { requestId: `ssrf-${i++}`, orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r', [field]: url };
        const refusal = await live.createIccOrder(order).catch((e: unknown) => e);
        expect(refusal, `${field} ${url}`).toMatchObject({ code: 'URL_NOT_ALLOWED' });
      }
    }
    expect(await t.gateway.orders.findByRequest(LIVE, 'ssrf-0')).toBeUndefined();
    expect(connections()).toBe(0);
  });

  it('never connects when a stored notification URL now leads inside (DNS changed, rows from before the check)', async () => {
    // Names outside the hosts file would go to a DNS server; this test stays on the machine.
    const urls = internalUrls(v4.port).filter((url) => !url.includes('api.localhost'));
    const ids: string[] = [];
    for (const [i, url] of urls.entries()) {
      const requestId = `rebind-${i}`;
      await live.createIccOrder({ requestId, orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r' });
      const order = await t.gateway.orders.cancel(LIVE, requestId);
      const [note] = await t.gateway.notifications.forOrder(order.orderId);
      await t.gateway.database.db.updateTable('notifications').set({ url }).where('notification_id', '=', note!.id).execute();
      ids.push(note!.id);
    }
    while ((await t.gateway.dispatcher.runOnce()) > 0) {
      // every due notification gets its attempt
    }
    for (const [i, id] of ids.entries()) {
      const attempts = await t.gateway.notifications.attempts(id);
      expect(attempts.length).toBeGreaterThan(0);
      expect(attempts[0]).toMatchObject({ delivered: false, httpStatus: null });
      // A name the system resolver does not know (api.localhost on some systems) fails its lookup: no connection either.
      const isName = /localhost/i.test(urls[i]!);
      expect(isName ? ['address not allowed', 'dns lookup failed'] : ['address not allowed'], urls[i]).toContain(attempts[0]!.error);
    }
    expect(connections()).toBe(0);
  });

  it('pins the address it vetted: a name a resolver maps inside is refused before any connection', async () => {
    const answers: Record<string, string> = { 'rebind.shop.example': '127.0.0.1', 'meta.shop.example': '169.254.169.254', 'lan.shop.example': '10.1.2.3', 'v6.shop.example': '::1', 'ula.shop.example': 'fd00::1' };
    const resolveAll: ResolveAll = (hostname, _options, callback) => {
      const address = answers[hostname];
      if (address === undefined) return callback(Object.assign(new Error('not found'), { code: 'ENOTFOUND' }), []);
      callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    };
    for (const host of Object.keys(answers)) {
      const result = await postNotification({ url: `http://${host}:${v4.port}/notify`, headers: {}, body: 'x', timeoutMs: 5_000, allowPrivate: false, responseBytesMax: 1024, resolveAll });
      expect(result.error, host).toBe('address not allowed');
    }
    expect(connections()).toBe(0);
  });

  it('does not follow a redirect into the internal network', async () => {
    const before = connections();
    // The first hop is allowed (a sandbox merchant may use the loopback); its redirect target is the counting listener.
    const redirector: Server = createServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${v4.port}/stolen` }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/notify`;
      const result = await postNotification({ url, headers: {}, body: 'x', timeoutMs: 5_000, allowPrivate: true, responseBytesMax: 1024 });
      expect(result.httpStatus).toBe(302);
      // Through the whole gateway: the sandbox merchant's notification is answered with a redirect and counts as not delivered.
      await t.client.createIccOrder({ requestId: 'redirect-1', orderAmount: '100', orderCurrency: 'USD', notifyUrl: url, callbackUrl: url });
      const order = await t.gateway.orders.cancel(t.merchant.merchantId, 'redirect-1');
      while ((await t.gateway.dispatcher.runOnce()) > 0) {
        // deliver what is due
      }
      const [note] = await t.gateway.notifications.forOrder(order.orderId);
      expect(await t.gateway.notifications.attempts(note!.id)).toEqual([expect.objectContaining({ httpStatus: 302, delivered: false })]);
    } finally {
      redirector.close();
    }
    expect(connections()).toBe(before);
  });

  describe('open redirect: a callbackUrl outside the allowed hosts is refused at order time', () => {
    const SHOP = '200000078';
    beforeAll(async () => {
      await t.gateway.merchants.create({ merchantId: SHOP, name: 'Hosted shop', sandbox: true, allowedHosts: ['shop.example', '*.cdn.shop.example'] }, Date.now());
      await t.gateway.merchants.addCertificate(SHOP, loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword).certificate, Date.now(), 0);
    });

    const outside = [
      'https://evil.example/return',
      'https://shop.example.evil.example/return',
      'https://evilshop.example/return',
      'https://cdn.shop.example/return', // the wildcard allows subdomains only
      'https://shop.example@evil.example/return',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '//evil.example/return',
      'https://evil.example\\@shop.example/',
    ];

    it('PayEase icc/order and onlinePay/order', async () => {
      const client = new PayEaseClient({ merchantId: SHOP, pfx: readFileSync(t.merchant.pfxPath), pfxPassword: t.merchant.pfxPassword, gatewayCertificate: readFileSync(t.merchant.gatewayCertPath), baseUrl: t.baseUrl });
      let i = 0;
      for (const callbackUrl of outside) {
        const icc = await client.createIccOrder({ requestId: `or-${i++}`, orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl }).catch((e: unknown) => e);
        expect(icc, callbackUrl).toMatchObject({ code: 'URL_NOT_ALLOWED' });
        const online = await client
          .call('onlinePay/order', { requestId: `or-${i++}`, orderAmount: '100', orderCurrency: 'CNY', notifyUrl: 'https://shop.example/n', callbackUrl, paymentModeCode: 'SCANCODE-ALI_PAY-P2P', clientIp: '203.0.113.9' })
          .catch((e: unknown) => e);
        expect(online, callbackUrl).toMatchObject({ code: 'URL_NOT_ALLOWED' });
      }
      // Allowed hosts still work.
      const ok = await client.createIccOrder({ requestId: 'or-ok', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://img.cdn.shop.example/r' });
      expect(ok.status).toBe('SUCCESS');
    });

    it('flat-JSON /global/pay/credit (callback_url) and the form gateway (pageUrl)', async () => {
      // The demo merchant holds the other dialects' secrets; it now registers the same hosts.
      await t.gateway.merchants.setAllowedHosts(t.merchant.merchantId, ['shop.example', '*.cdn.shop.example']);
      const shop = { pageUrl: 'https://shop.example/page', bgUrl: 'https://shop.example/bg' } as SeedShop;
      const fg = t.merchant.formGateway!;
      let i = 0;
      for (const callbackUrl of outside) {
        const answer = await postSigned(t, '/global/pay/credit', {
          amount: '2.00', subject: 'tea', body: 'tea', currency: 'USD', mch_order_no: `gj-or-${i++}`, notify_url: 'https://shop.example/n', callback_url: callbackUrl,
          user_id: 'u1', client_ip: '203.0.113.9', customer_name: 'A B', email: 'a@example.com', phone_number: '123456', region: 'USA',
        });
        expect(answer.code, callbackUrl).toBe(GLOBAL_JSON_WIRE_CODES.URL_NOT_ALLOWED);
        const res = await postForm(t.baseUrl, encodeForm(signMd5(orderForm(shop, fg.merchantAcctId, { pageUrl: callbackUrl }), fg.md5Key)));
        expect(res.status, callbackUrl).toBe(400);
        expect(await res.text(), callbackUrl).toContain(`errCode ${formErrCode('URL_NOT_ALLOWED', 'pageUrl')}`);
      }
      const okForm = await postForm(t.baseUrl, encodeForm(signMd5(orderForm(shop, fg.merchantAcctId), fg.md5Key)));
      expect(okForm.status).toBe(303);
    });
  });
});
