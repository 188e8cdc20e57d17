/**
 * `npm run verify:attacks`: the attack suites at scale, each printing its
 * figure and writing its section of docs/reliability.md — SSRF, open
 * redirect, tampered channel callbacks, prototype pollution and hostile
 * bodies, rate limits. The seeded short versions are in
 * packages/gateway/test/security/.
 *
 *   node packages/gateway/dist/verify/attacks.js [--scale 1] [--seed 2026] [--only ssrf,redirect,tamper,bodies,limits] [--no-write]
 */
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { PayEaseClient, loadPfx, signGlobalJson } from '@opencashier/sdk';
import { postNotification } from '../notify/http-post.js';
import type { ResolveAll } from '../notify/address-guard.js';
import { seededRandom } from './seeded-random.js';
import { internalUrls } from './internal-addresses.js';
import { measuredOn, thousands, writeReliabilitySection } from './reliability-doc.js';
import { startVerifyGateway, type VerifyGateway } from './verify-gateway.js';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '2026' },
    only: { type: 'string', default: 'ssrf,redirect,tamper,bodies,limits' },
    'no-write': { type: 'boolean', default: false },
  },
});
const SCALE = Number(args.scale);
const SEED = Number(args.seed);
const ONLY = new Set(args.only.split(','));
const sections: [string, string][] = [];
const failures: string[] = [];

function report(title: string, pass: boolean, body: string): void {
  if (!pass) failures.push(title);
  const text = `Command: \`npm run verify:attacks\` (short seeded versions in \`packages/gateway/test/security/\`). ${measuredOn()}, seed ${SEED}. ${pass ? 'Pass.' : '**FAIL.**'}\n\n${body.trim()}\n`;
  console.log(`\n## ${title}\n\n${text}`);
  sections.push([title, text]);
}

async function countingListener(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, connections: () => count, close: () => new Promise((r) => server.close(() => r())) };
}

function clientFor(v: VerifyGateway, merchantId: string): PayEaseClient {
  return new PayEaseClient({ merchantId, pfx: readFileSync(v.merchant.pfxPath), pfxPassword: v.merchant.pfxPassword, gatewayCertificate: readFileSync(v.merchant.gatewayCertPath), baseUrl: v.baseUrl });
}

async function addMerchant(v: VerifyGateway, merchantId: string, sandbox: boolean, allowedHosts: string[]): Promise<PayEaseClient> {
  await v.gateway.merchants.create({ merchantId, name: `verify ${merchantId}`, sandbox, allowedHosts }, Date.now());
  await v.gateway.merchants.addCertificate(merchantId, loadPfx(readFileSync(v.merchant.pfxPath), v.merchant.pfxPassword).certificate, Date.now(), 0);
  return clientFor(v, merchantId);
}

/** The refusal's code; the SDK raises a plain answer with HTTP 429 (RATE_LIMITED) as an HttpError with that status. */
const refusedCode = (e: unknown) => {
  if (typeof e !== 'object' || e === null) return 'error';
  if ('code' in e) return String((e as { code: unknown }).code);
  return (e as { status?: unknown }).status === 429 ? 'RATE_LIMITED' : 'error';
};

async function ssrf(v: VerifyGateway): Promise<void> {
  const random = seededRandom(SEED);
  const listener = await countingListener();
  const live = await addMerchant(v, '200000091', false, ['*']);
  const urls = internalUrls(Math.round(1_000 * SCALE), listener.port, random);
  let refusedAtOrder = 0;
  const otherAnswers = new Map<string, number>();
  for (const [i, url] of urls.entries()) {
    const code = await live
      .createIccOrder({ requestId: `ssrf-${i}`, orderAmount: '100', orderCurrency: 'USD', notifyUrl: url, callbackUrl: 'https://shop.example/r' })
      .then(() => 'ACCEPTED', refusedCode);
    if (code === 'URL_NOT_ALLOWED') refusedAtOrder++;
    else otherAnswers.set(code, (otherAnswers.get(code) ?? 0) + 1);
  }
  // Delivery time: the same URLs posted by the dispatcher's own HTTP client, as rows stored before the check or after a DNS change would be.
  const deliveryErrors = new Map<string, number>();
  for (const url of urls) {
    const result = await postNotification({ url, headers: {}, body: 'x', timeoutMs: 5_000, allowPrivate: false, responseBytesMax: 1024 });
    const key = result.error ?? `HTTP ${result.httpStatus}`;
    deliveryErrors.set(key, (deliveryErrors.get(key) ?? 0) + 1);
  }
  // Names a resolver maps inside (rebinding), pinned: the vetted address is the one connected to.
  const rebinding = Math.round(500 * SCALE);
  const resolveAll: ResolveAll = (hostname, _options, callback) => {
    const n = Number(hostname.split('.')[0]!.slice(1));
    const address = ['127.0.0.1', '10.0.0.7', '169.254.169.254', '192.168.0.1', '::1', 'fd00::1', '::ffff:127.0.0.1'][n % 7]!;
    callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
  };
  let rebindRefused = 0;
  for (let i = 0; i < rebinding; i++) {
    const result = await postNotification({ url: `http://h${i}.rebind.example:${listener.port}/n`, headers: {}, body: 'x', timeoutMs: 5_000, allowPrivate: false, responseBytesMax: 1024, resolveAll });
    if (result.error === 'address not allowed') rebindRefused++;
  }
  // Redirects into the listener, from an allowed first hop: never followed.
  const redirects = Math.round(200 * SCALE);
  const redirector = createServer((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${listener.port}/x` }).end());
  await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
  let redirectNotFollowed = 0;
  for (let i = 0; i < redirects; i++) {
    const result = await postNotification({ url: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/n`, headers: {}, body: 'x', timeoutMs: 5_000, allowPrivate: true, responseBytesMax: 1024 });
    if (result.httpStatus === 302) redirectNotFollowed++;
  }
  redirector.close();
  const connections = listener.connections();
  await listener.close();
  const deliveryLine = [...deliveryErrors.entries()].map(([k, n]) => `${thousands(n)} × \`${k}\``).join(', ');
  const pass = connections === 0 && refusedAtOrder === urls.length && rebindRefused === rebinding && redirectNotFollowed === redirects;
  report(
    'SSRF',
    pass,
    `**${thousands(urls.length + rebinding + redirects)} attempts to reach internal addresses: ${connections} connections made** (a listener on the loopback counted them).

- ${thousands(urls.length)} notifyUrls naming internal addresses (127/8, 10/8, 172.16/12, 192.168/16, 169.254/16 incl. 169.254.169.254, 100.64/10, 0/8 in dotted, short, decimal, octal, hex and mixed spellings, IPv4-mapped and NAT64 IPv6, \`::1\`, \`fc00::/7\`, \`fe80::/10\`, multicast, \`localhost\` names), sent by a live merchant that registered every host: ${thousands(refusedAtOrder)} refused at order time with \`URL_NOT_ALLOWED\`${otherAnswers.size ? `, other answers: ${[...otherAnswers.entries()].map(([k, n]) => `${n} × ${k}`).join(', ')}` : ''}.
- The same URLs handed straight to the notification client (as a row stored before the check would be): ${deliveryLine}.
- ${thousands(rebinding)} names a resolver maps to internal addresses: ${thousands(rebindRefused)} refused with \`address not allowed\` before connecting (the socket connects to the address that was vetted).
- ${thousands(redirects)} notifications answered with a redirect into the listener: ${thousands(redirectNotFollowed)} recorded as HTTP 302, never followed.
`,
  );
}

async function openRedirect(v: VerifyGateway): Promise<void> {
  const random = seededRandom(SEED + 1);
  const shop = await addMerchant(v, '200000092', true, ['shop.example', '*.cdn.shop.example']);
  await v.gateway.merchants.setAllowedHosts(v.merchant.merchantId, ['shop.example', '*.cdn.shop.example']);
  const evil = ['evil.example', 'shop.example.evil.example', 'evilshop.example', 'cdn.shop.example', 'shop-example.com', 'xn--shop-example.com', 'shop.example.', '127.0.0.1', 'shop.examp1e'];
  const shapes = [
    (h: string) => `https://${h}/r`,
    (h: string) => `http://${h}:8080/r?u=https://shop.example/`,
    (h: string) => `https://shop.example@${h}/r`,
    (h: string) => `//${h}/r`,
    (h: string) => `javascript://${h}/%0aalert(1)`,
    (h: string) => `data:text/html,<a href=//${h}>`,
    (h: string) => `https://${h}\\@shop.example/`,
  ];
  const count = Math.round(300 * SCALE);
  const payEaseClient = shop;
  const app = v.merchant.globalJson!;
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const url = shapes[Math.floor(random() * shapes.length)]!(evil[Math.floor(random() * evil.length)]!);
    const icc = await payEaseClient.createIccOrder({ requestId: `or-${i}`, orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'https://shop.example/n', callbackUrl: url }).then(() => 'ACCEPTED', refusedCode);
    const online = await payEaseClient
      .call('onlinePay/order', { requestId: `or-op-${i}`, orderAmount: '100', orderCurrency: 'CNY', notifyUrl: 'https://shop.example/n', callbackUrl: url, paymentModeCode: 'SCANCODE-ALI_PAY-P2P', clientIp: '203.0.113.9' })
      .then(() => 'ACCEPTED', refusedCode);
    const body = signGlobalJson(
      { mchid: v.merchant.merchantId, appid: app.appid, amount: '2.00', subject: 'tea', body: 'tea', currency: 'USD', mch_order_no: `gj-or-${i}`, notify_url: 'https://shop.example/n', callback_url: url, user_id: 'u1', client_ip: '203.0.113.9', customer_name: 'A B', email: 'a@example.com', phone_number: '123456', region: 'USA' },
      app.secret,
    );
    const res = await fetch(`${v.baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const global = ((await res.json()) as { code: string }).code === '1010' ? 'URL_NOT_ALLOWED' : 'ACCEPTED';
    for (const code of [icc, online, global]) {
      if (code === 'URL_NOT_ALLOWED') refused++;
      else accepted++;
    }
  }
  report(
    'Open redirect',
    accepted === 0,
    `**${thousands(count * 3)} orders with a callback URL outside the merchant's hosts (PayEase icc/order, onlinePay/order, flat-JSON pay/credit): ${thousands(accepted)} accepted, ${thousands(refused)} refused with \`URL_NOT_ALLOWED\`.** Shapes: look-alike and suffix hosts, user-info, protocol-relative, \`javascript:\`, \`data:\`, backslash tricks, a bare IP. The form gateway's \`pageUrl\` is covered by the short suite.`,
  );
}

async function tampering(v: VerifyGateway): Promise<void> {
  const random = seededRandom(SEED + 2);
  const client = clientFor(v, v.merchant.merchantId);
  await v.gateway.merchants.setAllowedHosts(v.merchant.merchantId, ['*']);
  const count = Math.round(300 * SCALE);
  let paid = 0;
  let refused = 0;
  const currencies = ['USD', 'EUR', 'JPY', 'HKD', 'CNY'];
  for (let i = 0; i < count; i++) {
    const mode = ['SCANCODE-ALI_PAY-P2P', 'SCANCODE-WEIXIN_PAY-P2P'][i % 2]!;
    const amount = String(100 + Math.floor(random() * 100_000));
    const answer = (await client.createOnlinePayOrder({ requestId: `tm-${i}`, orderAmount: amount, orderCurrency: 'CNY', notifyUrl: 'https://shop.example/n', callbackUrl: 'https://shop.example/r', paymentModeCode: mode, productDetails: [{ name: 'Tea', quantity: '1', amount }] })) as { scanCodeUrl?: string };
    const reference = new URL(answer.scanCodeUrl!).pathname.split('/').pop()!;
    const wrongAmount = String(BigInt(amount) + BigInt(1 + Math.floor(random() * 1000)) * (random() < 0.5 ? -1n : 1n));
    const tampered = random() < 0.5 ? { amount: wrongAmount, currency: 'CNY' } : { amount, currency: currencies[Math.floor(random() * 4)] };
    const res = await fetch(`${v.baseUrl}/simulator/pay/${reference}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'approve', ...tampered }) });
    if (res.status === 400) refused++;
    await res.arrayBuffer();
    const order = await v.gateway.orders.findByRequest(v.merchant.merchantId, `tm-${i}`);
    if (order?.state !== 'INIT') paid++;
  }
  report(
    'Tampering',
    paid === 0 && refused === count,
    `**${thousands(count)} wallet callbacks (Alipay, WeChat) reporting another amount or currency than their order: ${thousands(paid)} orders marked paid, ${thousands(refused)} callbacks refused with \`FIELD_INVALID\`.** The order service refuses such an approval from any channel, bank transfers for another amount or currency are held, and notifications altered in any dialect fail the SDKs' verification (short suite: \`tampering.test.ts\`).`,
  );
}

/** A JSON object text with a polluting key at a random depth and position. */
function pollutingDocument(random: () => number): string {
  const key = ['__proto__', 'constructor', 'prototype'][Math.floor(random() * 3)]!;
  let inner = key === 'constructor' ? '{"constructor":{"prototype":{"polluted":"yes"}}}' : `{"${key}":{"polluted":"yes"}}`;
  const depth = Math.floor(random() * 8);
  for (let d = 0; d < depth; d++) inner = random() < 0.5 ? `{"a${d}":"x","n":${inner}}` : `{"l":["x",${inner}]}`;
  return random() < 0.5 ? `{"email":"a@example.com","password":"p","x":${inner}}` : `{${inner.slice(1, -1)},"email":"a@example.com"}`;
}

async function hostileBodies(v: VerifyGateway): Promise<void> {
  const random = seededRandom(SEED + 3);
  const token = readFileSync(`${v.gateway.config.dataDir}/admin-token`, 'utf8').trim();
  const targets: [string, Record<string, string>][] = [
    ['/global/pay/credit', {}],
    ['/global/order/query', {}],
    ['/portal/api/login', {}],
    ['/simulator/pay/alin000000000000000000000000', {}],
    ['/admin/v1/remittances', { authorization: `Bearer ${token}` }],
  ];
  const count = Math.round(2_000 * SCALE);
  const statuses = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const [path, headers] = targets[i % targets.length]!;
    const res = await fetch(`${v.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: pollutingDocument(random) });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  const polluted = Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted');
  const errors500 = [...statuses.entries()].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);

  // Slow drip: many connections dripping a byte every 200 ms into a 100 KB body; the request timeout cuts them.
  const port = Number(new URL(v.baseUrl).port);
  const drips = Math.round(200 * SCALE);
  global.gc?.();
  const heapBeforeMb = process.memoryUsage().heapUsed / 2 ** 20;
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  let peakRssMb = rssBeforeMb;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, process.memoryUsage().rss / 2 ** 20)), 100);
  const startedMs = Date.now();
  const results = await Promise.all(
    Array.from({ length: drips }, (_, i) =>
      new Promise<{ cut: boolean; status: string }>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        let answer = '';
        let sent = 0;
        const timer = setInterval(() => {
          if (sent >= 100_000) return;
          socket.write('A'.repeat(64));
          sent += 64;
        }, 200);
        socket.on('data', (c) => (answer += c.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(timer);
          resolve({ cut: sent < 100_000, status: answer.slice(9, 12) || 'closed' });
        });
        socket.write(`POST ${['/icc/order', '/global/pay/credit', '/portal/api/login'][i % 3]} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`);
      }),
    ),
  );
  clearInterval(sampler);
  const cutAfterS = (Date.now() - startedMs) / 1000;
  const heapAfterMb = process.memoryUsage().heapUsed / 2 ** 20;
  const cut = results.filter((r) => r.cut).length;
  const byStatus = new Map<string, number>();
  for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  report(
    'Hostile requests',
    !polluted && errors500 === 0 && cut === drips,
    `**${thousands(count)} JSON bodies with \`__proto__\`, \`constructor.prototype\` or \`prototype\` at depths 0–7 (flat JSON, back office, simulator, admin API): prototype polluted: ${polluted ? '**yes**' : 'no'}; answers ${[...statuses.entries()].sort().map(([s, n]) => `${thousands(n)} × ${s}`).join(', ')}; ${errors500} answered 500.** Inside the PayEase envelope the same keys answer \`ENVELOPE_INVALID\` (short suite).

**${thousands(drips)} slow-drip bodies at once (64 bytes every 200 ms toward 100 KB): ${thousands(cut)} cut off by the ${v.gateway.config.requestTimeoutMs / 1000} s request timeout** (${[...byStatus.entries()].map(([s, n]) => `${thousands(n)} × ${s}`).join(', ')}) after ${cutAfterS.toFixed(1)} s in all; the gateway process's heap went from ${heapBeforeMb.toFixed(0)} MB to ${heapAfterMb.toFixed(0)} MB, peak RSS ${peakRssMb.toFixed(0)} MB (from ${rssBeforeMb.toFixed(0)} MB). Oversized bodies are refused with 413 from the announced length before they are read (short suite).`,
  );
}

async function rateLimits(): Promise<void> {
  const ipLimit = 100;
  const burst = Math.max(ipLimit * 3, Math.round(1_000 * SCALE));
  const a = await startVerifyGateway({ OPENCASHIER_RATE_LIMIT_PER_MINUTE: String(ipLimit) });
  let passed = 0;
  let limited = 0;
  let withRetryAfter = 0;
  try {
    for (let i = 0; i < burst; i++) {
      const res = await fetch(`${a.baseUrl}/${['healthz', 'icc/order', 'global/pay/credit', 'portal/api/login'][i % 4]}`, { method: i % 4 === 0 ? 'GET' : 'POST', body: i % 4 === 0 ? undefined : '{}', headers: i % 4 === 0 ? {} : { 'content-type': 'application/json' } });
      await res.arrayBuffer();
      if (res.status === 429) {
        limited++;
        if (Number(res.headers.get('retry-after')) > 0) withRetryAfter++;
      } else passed++;
    }
  } finally {
    await a.close();
  }
  const merchantLimit = 50;
  const b = await startVerifyGateway({ OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: String(merchantLimit) });
  let mPassed = 0;
  let mLimited = 0;
  let forged = 0;
  try {
    for (let i = 0; i < 200; i++) {
      const res = await fetch(`${b.baseUrl}/icc/query`, { method: 'POST', headers: { merchantId: b.merchant.merchantId, encryptKey: 'AAAA' }, body: 'AAAA' });
      await res.arrayBuffer();
      if (res.status === 400) forged++;
    }
    const client = clientFor(b, b.merchant.merchantId);
    for (let i = 0; i < merchantLimit * 2; i++) {
      const code = await client.queryIccOrder({ requestId: `none-${i}` }).then(() => 'ok', refusedCode);
      if (code === 'RATE_LIMITED') mLimited++;
      else mPassed++;
    }
  } finally {
    await b.close();
  }
  report(
    'Rate limits',
    passed === ipLimit && limited === burst - ipLimit && withRetryAfter === limited && mPassed === merchantLimit && mLimited === merchantLimit,
    `**Per address (limit ${ipLimit}/min): a burst of ${thousands(burst)} requests across the API, the flat-JSON dialect and the back office — ${thousands(passed)} served, ${thousands(limited)} answered 429, ${thousands(withRetryAfter)} of them with \`Retry-After\`.**

**Per merchant (limit ${merchantLimit}/min): after ${forged} forged requests in the merchant's name (refused, not counted), ${merchantLimit * 2} authenticated requests — ${mPassed} served, ${mLimited} answered 429 \`RATE_LIMITED\`.**`,
  );
}

async function main(): Promise<void> {
  const v = await startVerifyGateway();
  try {
    if (ONLY.has('ssrf')) await ssrf(v);
    if (ONLY.has('redirect')) await openRedirect(v);
    if (ONLY.has('tamper')) await tampering(v);
    if (ONLY.has('bodies')) await hostileBodies(v);
  } finally {
    await v.close();
  }
  if (ONLY.has('limits')) await rateLimits();
  if (!args['no-write']) for (const [title, text] of sections) writeReliabilitySection(title, text);
  if (failures.length > 0) {
    console.error(`FAILED: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
