/**
 * The card-data run behind `npm run verify:card-data` and its short version
 * in the test suite: a gateway with trace logging to a file takes payments
 * with sentinel card numbers and CVVs through every way card data enters
 * (the hosted cashier's form, the flat-JSON API's direct card fields,
 * express-pay card binding, vaulted recurring cards, refused and declined
 * cards), then every place data rests is scanned: the data directory's raw
 * bytes (SQLite main file, WAL and free pages included, before and after a
 * checkpoint), every table's rows (the PostgreSQL data), the log file, a
 * backup made the documented way, and the exports (back-office CSV,
 * reconciliation file, settlement statement).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import pino from 'pino';
import { globalJsonSign, PayEaseClient } from '@opencashier/sdk';
import { createGateway, type Gateway } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../ops/logger.js';
import { ensureDemoMerchant, type SandboxMerchantInfo } from '../provisioning.js';
import { businessDate } from '../domain/business-day.js';
import { CardDataScanner, sentinelCvv, sentinelPan, type ScanResult } from './card-data-scanner.js';

const ANY = 'http://127.0.0.1:9999';
const DAY_MS = 86_400_000;
/** Concurrent payers: enough to overlap database writes, few enough for a 2-core machine. */
const CONCURRENCY = 6;

export interface CardDataRunOptions {
  payments: number;
  dataDir: string;
  /** PostgreSQL server URL with a fresh database; SQLite in dataDir otherwise. */
  databaseUrl?: string;
  port: number;
  adminToken: string;
}

export interface CardDataRunResult extends ScanResult {
  payments: number;
  /** Orders the run left paid, and cards it left vaulted: proof the card data really went through. */
  paidOrders: number;
  vaultedCards: number;
  /** Orders by protocol, product and state (and decline code): what the run did. */
  orderStates: Record<string, number>;
  byPath: Record<string, number>;
  database: 'sqlite' | 'postgres';
}

type Path = 'cashier' | 'flat-json' | 'flat-json-recurring' | 'bind-express' | 'refused';
/** The share of payments each path takes, in a fixed rotation (deterministic for a given count). */
const ROTATION: readonly Path[] = ['cashier', 'cashier', 'flat-json', 'flat-json-recurring', 'bind-express', 'cashier', 'flat-json', 'refused'];

export async function runCardDataScan(options: CardDataRunOptions): Promise<CardDataRunResult> {
  mkdirSync(join(options.dataDir, 'logs'), { recursive: true });
  const logPath = join(options.dataDir, 'logs', 'gateway.log');
  let offsetMs = 0;
  const clock = () => Date.now() + offsetMs;
  const config = loadConfig({
    OPENCASHIER_DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { OPENCASHIER_DATABASE_URL: options.databaseUrl } : {}),
    OPENCASHIER_LOG_LEVEL: 'trace',
    OPENCASHIER_ADMIN_TOKEN: options.adminToken,
    OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0',
    PORT: String(options.port),
    OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${options.port}`,
  } as NodeJS.ProcessEnv);
  const gateway = await createGateway(config, { clock, logger: createLogger('trace', pino.destination({ dest: logPath, sync: true })) });
  await gateway.app.listen({ port: options.port, host: '127.0.0.1' });
  gateway.startBackground();
  const baseUrl = config.publicBaseUrl;
  const pans: string[] = [];
  const cvvs: string[] = [];
  const byPath: Record<string, number> = {};
  try {
    const { info } = await ensureDemoMerchant(config, gateway.merchants, Date.now(), gateway.secrets);
    const client = PayEaseClient.fromFiles(info);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < options.payments; i = next++) {
        const pan = sentinelPan(i);
        const cvv = sentinelCvv(i);
        pans.push(pan);
        cvvs.push(cvv);
        const path = ROTATION[i % ROTATION.length]!;
        byPath[path] = (byPath[path] ?? 0) + 1;
        await pay(path, i, pan, cvv, { gateway, client, info, baseUrl });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    // Recurring charges on the vaulted cards: the vault is read back without any CVV.
    for (let i = 3; i < Math.min(options.payments, 400); i += ROTATION.length) await flatJson(info, baseUrl, { i, recurring: 'charge' });

    // The exports, two days on so the day's reconciliation file is ready.
    offsetMs = 2 * DAY_MS;
    const exportsDir = join(options.dataDir, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    await writeExports(gateway, info, baseUrl, options.adminToken, exportsDir, businessDate(Date.now(), config.timeZone));

    const db = gateway.database.db;
    const paidOrders = Number((await db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('n')).where('state', '=', 'SUCCESS').executeTakeFirstOrThrow()).n);
    const vaultedCards =
      Number((await db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('n')).where('vault_token', 'is not', null).executeTakeFirstOrThrow()).n) +
      Number((await db.selectFrom('card_bindings').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const orderStates: Record<string, number> = {};
    for (const r of await db.selectFrom('orders').select(['dialect', 'product', 'state', 'decline_code']).execute()) {
      const key = `${r.dialect}/${r.product}/${r.state}${r.decline_code ? `/${r.decline_code}` : ''}`;
      orderStates[key] = (orderStates[key] ?? 0) + 1;
    }
    const scanner = new CardDataScanner(pans, cvvs);
    const database = gateway.database.dialect === 'sqlite' ? 'sqlite' : 'postgres';
    // Raw files first, WAL and all, as the gateway left them; then after a checkpoint and a backup.
    for (const file of filesUnder(options.dataDir)) scanner.scan(`${file} (before checkpoint)`, readFileSync(file));
    if (database === 'sqlite') {
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(gateway.database.db);
      // The documented backup (docs/deploy.md): VACUUM INTO a copy.
      await sql`vacuum into ${join(options.dataDir, 'exports', 'backup.sqlite')}`.execute(gateway.database.db);
    }
    for (const file of filesUnder(options.dataDir)) scanner.scan(file, readFileSync(file));
    // Every row of every table, as text: on PostgreSQL this is the data (a dump), on SQLite a second look.
    for (const table of await gateway.database.db.introspection.getTables()) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(gateway.database.db);
      scanner.scan(`table ${table.name}`, Buffer.from(JSON.stringify(rows.rows, dumpValue)));
    }
    return { ...scanner.result, payments: options.payments, paidOrders, vaultedCards, orderStates, byPath, database };
  } finally {
    await gateway.close();
  }
}

interface Ctx {
  gateway: Gateway;
  client: PayEaseClient;
  info: SandboxMerchantInfo;
  baseUrl: string;
}

async function pay(path: Path, i: number, pan: string, cvv: string, ctx: Ctx): Promise<void> {
  switch (path) {
    case 'cashier':
      return cashierPayment(ctx, i, pan, cvv);
    case 'flat-json':
      return flatJson(ctx.info, ctx.baseUrl, { i, pan, cvv });
    case 'flat-json-recurring':
      return flatJson(ctx.info, ctx.baseUrl, { i, pan, cvv, recurring: 'first' });
    case 'bind-express': {
      const bound = await ctx.client.bindCard({ requestId: `cd-bind-${i}`, merchantUserId: `cd-user-${i}`, cardType: 'DEBIT', bankCard: { number: pan, holderName: 'CARD HOLDER' } });
      await ctx.client.createOnlinePayOrder({ requestId: `cd-express-${i}`, orderAmount: '1500', orderCurrency: 'CNY', notifyUrl: `${ANY}/n`, callbackUrl: `${ANY}/r`, paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT', merchantUserId: `cd-user-${i}`, bindCardId: bound.bindCardId });
      return;
    }
    case 'refused':
      // A card number that fails its check digit, with its CVV: the refusal must not echo or log either.
      await flatJson(ctx.info, ctx.baseUrl, { i, pan: `${pan.slice(0, -1)}${(Number(pan.at(-1)) + 1) % 10}`, cvv, expectRefusal: true });
      await cashierPayment(ctx, i, pan, cvv, { expiredCard: true });
      return;
  }
}

/** The payer's way: open the cashier link, then post the card form with the page's CSRF token and cookie. */
async function cashierPayment(ctx: Ctx, i: number, pan: string, cvv: string, options: { expiredCard?: boolean } = {}): Promise<void> {
  const created = await ctx.client.createIccOrder({ requestId: `cd-cashier-${i}${options.expiredCard ? '-x' : ''}`, orderAmount: '1500', orderCurrency: 'USD', notifyUrl: `${ANY}/n`, callbackUrl: `${ANY}/r` });
  const page = await fetch(created.redirectUrl!);
  const cookie = (page.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  // Spaces between the groups, as payers type them.
  const typed = pan.replace(/(\d{4})(?=\d)/g, '$1 ');
  const form = new URLSearchParams({ _csrf: csrf, holder: 'CARD HOLDER', number: typed, expiryMonth: '12', expiryYear: options.expiredCard ? '2001' : String(new Date().getUTCFullYear() + 4), cvv });
  const answer = await fetch(`${created.redirectUrl!}/pay`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
  await answer.arrayBuffer();
}

async function flatJson(info: SandboxMerchantInfo, baseUrl: string, p: { i: number; pan?: string; cvv?: string; recurring?: 'first' | 'charge'; expectRefusal?: boolean }): Promise<void> {
  const fields: Record<string, unknown> = {
    mchid: info.merchantId, appid: info.globalJson!.appid, amount: '15.00', subject: 'Card data run', body: 'sentinel', callback_url: `${ANY}/r`, notify_url: `${ANY}/n`,
    user_id: `cd-subscriber-${p.i}`, client_ip: '10.0.0.1', phone_number: '18801552245', currency: 'USD', customer_name: 'Card Holder', region: 'USA', email: 'holder@example.test',
    mch_order_no: `cd-gj-${p.i}${p.recurring === 'charge' ? '-again' : ''}${p.expectRefusal ? '-x' : ''}`,
    ...(p.recurring ? { trigger_mode: 'RECURRING' } : {}),
    ...(p.pan ? { card_no: p.pan, cvc: p.cvv, expiry_month: '12', expiry_year: String(new Date().getUTCFullYear() + 4) } : {}),
  };
  const response = await fetch(`${baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...fields, sign: globalJsonSign(fields as never, info.globalJson!.secret) }) });
  await response.arrayBuffer();
}

async function writeExports(gateway: Gateway, info: SandboxMerchantInfo, baseUrl: string, adminToken: string, dir: string, today: string): Promise<void> {
  const admin = (path: string) => fetch(`${baseUrl}/admin/v1${path}`, { headers: { authorization: `Bearer ${adminToken}` } }).then(async (r) => Buffer.from(await r.arrayBuffer()));
  writeFileSync(join(dir, 'reconciliation.csv'), await admin(`/merchants/${info.merchantId}/reconciliation/${today}.csv`));
  writeFileSync(join(dir, 'settlement.json'), await admin(`/merchants/${info.merchantId}/settlements/${today}`));
  writeFileSync(join(dir, 'statement.csv'), await admin(`/merchants/${info.merchantId}/settlements/${today}/statement.csv`));
  // The back office's CSV export, as a merchant user downloads it.
  const email = 'card-data-export@example.test';
  const password = 'a long enough password for the export';
  await gateway.accounts.createUser({ email, password, kind: 'merchant', merchantId: info.merchantId, role: 'admin', mustChangePassword: false }, { userId: null, email: 'verify', clientIp: null });
  const login = await fetch(`${baseUrl}/portal/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csv = await fetch(`${baseUrl}/portal/api/m/orders.csv`, { headers: { cookie } });
  writeFileSync(join(dir, 'orders.csv'), Buffer.from(await csv.arrayBuffer()));
}

/**
 * A row value as a dump writes it: integers as bare numbers (a quoted
 * "9101" would read like a quoted CVV; they are ids and counts), bytes as
 * their raw characters.
 */
function dumpValue(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('latin1');
  return v;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
