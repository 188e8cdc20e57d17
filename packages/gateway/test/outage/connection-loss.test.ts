/**
 * The database goes away under load and the node stays up. The built gateway
 * runs as a child process; workers create orders and pay them with sandbox
 * cards while a chaos loop takes the database away again and again:
 *
 * - PostgreSQL: every backend of the gateway's database is killed with
 *   `pg_terminate_backend` from a superuser connection (what a restart, a
 *   failover or an administrator does to the connections), idle and busy ones
 *   alike;
 * - SQLite: another connection holds the write lock, once past the busy
 *   timeout (writes fail with SQLITE_BUSY) and several times briefly.
 *
 * A call that meets the outage is answered 503 (or not at all) and is sent
 * again with the same requestId, as a merchant or proxy does. Then:
 * the process never exited; every acknowledged order exists unchanged; every
 * answered payment ends in its card's outcome; a payment the outage cut ends
 * as the acquirer's own book says (FAILED only when nothing was charged,
 * SUCCESS only when it was); every final state reached the merchant's
 * notify endpoint, verified. The time from the
 * database being usable again to the first acknowledged order is the
 * recovery time (docs/reliability.md, `npm run verify:outage`).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, ConnectionError, HttpError, PayEaseClient, type IccOrderRequest } from '@opencashier/sdk';
import { freePort } from '../harness.js';
import { startMerchantEndpoint, type MerchantEndpoint } from '../e2e/merchant-endpoint.js';
import { waitUntil } from '../e2e/wait-until.js';
import { GatewayProcess } from '../restart/gateway-process.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../../src/test-support/test-database.js';
import { reportFigure, VERIFY_LONG } from '../faults/reliability-doc.js';
import { readJournal } from '../../src/channels/sandbox-card/journal.js';
import { openDatabase } from '../../src/store/database.js';
import { OrderRepository } from '../../src/store/order-repository.js';

const kind = testDatabaseKind();
/** Orders in the stream and workers sending them; the long run (`npm run verify:outage`) sends ten times as many. */
const ORDER_COUNT = VERIFY_LONG ? 600 : 60;
const WORKER_COUNT = 6;
/** PostgreSQL: how many times every backend is killed, and the pause between kills. */
const BACKEND_KILLS = VERIFY_LONG ? 40 : 8;
const BACKEND_KILL_PAUSE_MS = 250;
/** SQLite: one hold past the 10 s busy timeout, then brief ones inside it. */
const SQLITE_LONG_HOLD_MS = 14_000;
const SQLITE_SHORT_HOLDS = VERIFY_LONG ? 20 : 4;
const SQLITE_SHORT_HOLD_MS = 400;
/** How long a worker keeps sending a call again that met the outage. */
const RETRY_WINDOW_MS_MAX = 60_000;
const RETRY_PAUSE_MS = 100;
/** Settling: payments left PROCESSING are asked about after 20 s (set below), notifications retried within seconds; the bound is generous because the suite shares two cores with this test. */
const SETTLE_WAIT_MS_MAX = 180_000;
const SETTLE_POLL_INTERVAL_MS = 250;

const APPROVE = '4242424242424242';
const DECLINE = '4000000000000002';
type Expected = 'SUCCESS' | 'FAILED' | 'INIT';

interface Tracked {
  request: IccOrderRequest;
  card: string | undefined;
  expected: Expected;
  paymentOrderId?: string;
  /** The payment met the outage and its repeat was refused (ORDER_NOT_PAYABLE): it had started, its outcome is the acquirer's. */
  payCut?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The outage answered (503) or cut the connection: send the same call again. */
function isNoAnswer(error: unknown): boolean {
  return error instanceof ConnectionError || (error instanceof HttpError && error.status === 503);
}

/** For a failure message: what the store says happened to the orders named in `reasons`. */
async function storedHistory(databaseUrl: string, reasons: readonly string[]): Promise<string> {
  const database = await openDatabase(databaseUrl, { migrate: false });
  try {
    const repository = new OrderRepository(database.db);
    const lines: string[] = [];
    for (const reason of reasons.slice(0, 10)) {
      const orderId = (await database.db.selectFrom('orders').select('order_id').where('request_id', '=', reason.slice(0, reason.indexOf(':'))).executeTakeFirst())?.order_id;
      const events = orderId ? await repository.events(orderId) : [];
      lines.push(`${reason}: ${events.map((e) => `${e.from ?? '∅'}→${e.to} (${e.reason})`).join(', ')}`);
    }
    return lines.join('\n');
  } catch (error) {
    return `could not read the store: ${String(error)}`;
  } finally {
    await database.close();
  }
}

describe(`the database lost under load, the node stays up (${kind})`, () => {
  let dataDir: string;
  let database: FreshDatabase | undefined;
  let gateway: GatewayProcess;
  let client: PayEaseClient;
  let merchant: MerchantEndpoint;
  let journalFile: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'opencashier-outage-'));
    database = await freshTestDatabase(dataDir);
    journalFile = join(dataDir, 'sandbox-journal.jsonl');
    const port = await freePort();
    gateway = new GatewayProcess(
      {
        OPENCASHIER_DATA_DIR: dataDir,
        OPENCASHIER_DATABASE_URL: database.url,
        OPENCASHIER_KEK: randomBytes(32).toString('base64'),
        OPENCASHIER_SANDBOX_JOURNAL_FILE: journalFile,
        PORT: String(port),
        HOST: '127.0.0.1',
        OPENCASHIER_PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        OPENCASHIER_LOG_LEVEL: 'warn',
        OPENCASHIER_RATE_LIMIT_PER_MINUTE: '0',
        OPENCASHIER_MERCHANT_RATE_LIMIT_PER_MINUTE: '0',
        OPENCASHIER_NOTIFY_POLL_INTERVAL_MS: '100',
        OPENCASHIER_NOTIFY_REQUEST_TIMEOUT_MS: '1000',
        OPENCASHIER_NOTIFY_LEASE_MARGIN_MS: '2000',
        // Longer than the 14 s SQLite hold, as the 2-minute default is longer than any outage here: a
        // payment still waiting for the database must not be judged interrupted. (A payment delayed past
        // the window is settled by asking the channel; reconciling a later approval is issue 16's work.)
        OPENCASHIER_STALE_PROCESSING_MS: '20000',
        OPENCASHIER_JOB_LEASE_MS: '2000',
      },
      dataDir,
    );
    await gateway.start();
    const info = JSON.parse(readFileSync(join(dataDir, 'demo-merchant', 'merchant.json'), 'utf8')) as Parameters<typeof PayEaseClient.fromFiles>[0];
    client = PayEaseClient.fromFiles(info, { timeoutMs: 30_000 });
    merchant = await startMerchantEndpoint(client);
  });

  afterAll(async () => {
    await gateway?.stop();
    await merchant?.close();
    await database?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Sends `call` until it is answered by something other than the outage. */
  async function untilAnswered<T>(call: () => Promise<T>, counts: { busy: number }): Promise<T> {
    const deadline = Date.now() + RETRY_WINDOW_MS_MAX;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!isNoAnswer(error) || Date.now() > deadline) throw error;
        counts.busy += 1;
        await sleep(RETRY_PAUSE_MS);
      }
    }
  }

  it('loses no acknowledged order, payment outcome or notification, and never exits', { timeout: 600_000 }, async () => {
    const runTag = randomBytes(3).toString('hex');
    const counts = { busy: 0 };
    const newOrder = (id: string): IccOrderRequest => ({
      requestId: id,
      orderAmount: String(100 + Math.floor(Math.random() * 99_900)),
      orderCurrency: 'USD',
      notifyUrl: merchant.notifyUrl,
      callbackUrl: merchant.callbackUrl,
      productDetails: [{ name: 'Item', quantity: '1', amount: '1' }],
    });
    const orders: Tracked[] = Array.from({ length: ORDER_COUNT }, (_, i) => {
      const card = i % 5 === 4 ? undefined : i % 3 === 2 ? DECLINE : APPROVE;
      return { request: newOrder(`ol-${runTag}-${i}`), card, expected: card === undefined ? 'INIT' : card === APPROVE ? 'SUCCESS' : 'FAILED' };
    });

    let streamDone = false;
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < orders.length; i = next++) {
        const o = orders[i]!;
        const created = await untilAnswered(() => client.createIccOrder(o.request), counts);
        expect(created.status).toBe('SUCCESS');
        o.paymentOrderId = created.paymentOrderId;
        if (!o.card) continue;
        try {
          await untilAnswered(() => client.call('sandbox/pay', { requestId: o.request.requestId, cardNumber: o.card }), counts);
        } catch (error) {
          // A payment whose first attempt started before the outage cut it: the gateway owes its outcome.
          if (!(error instanceof BusinessError && error.code === 'ORDER_NOT_PAYABLE')) throw error;
          o.payCut = true;
        }
      }
    };

    // --- Chaos while the stream runs; each outage ends with a probe order, timed. ---
    const recoveriesMs: number[] = [];
    const probes: Tracked[] = [];
    const probe = async (restoredAtMs: number) => {
      const o: Tracked = { request: newOrder(`ol-${runTag}-probe-${probes.length}`), card: undefined, expected: 'INIT' };
      probes.push(o);
      const created = await untilAnswered(() => client.createIccOrder(o.request), counts);
      o.paymentOrderId = created.paymentOrderId;
      recoveriesMs.push(Date.now() - restoredAtMs);
    };
    let outages = 0;
    const chaos = kind === 'postgres' ? postgresChaos : sqliteChaos;
    async function postgresChaos(): Promise<void> {
      const admin = new pg.Client({ connectionString: process.env.OPENCASHIER_TEST_POSTGRES_URL });
      await admin.connect();
      const name = new URL(database!.url).pathname.slice(1);
      try {
        for (let k = 0; k < BACKEND_KILLS && !streamDone; k++) {
          await sleep(BACKEND_KILL_PAUSE_MS);
          const { rows } = await admin.query<{ killed: boolean }>('select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
          if (rows.length > 0) outages += 1;
          // The server is usable again at once: what remains is the gateway's own recovery.
          await probe(Date.now());
        }
      } finally {
        await admin.end();
      }
    }
    async function sqliteChaos(): Promise<void> {
      const holder = new BetterSqlite3(database!.url);
      try {
        const hold = async (ms: number) => {
          holder.exec('begin immediate');
          outages += 1;
          await sleep(ms);
          holder.exec('rollback');
          await probe(Date.now());
        };
        await sleep(300);
        await hold(SQLITE_LONG_HOLD_MS);
        for (let k = 0; k < SQLITE_SHORT_HOLDS && !streamDone; k++) {
          await sleep(200);
          await hold(SQLITE_SHORT_HOLD_MS);
        }
      } finally {
        if (holder.inTransaction) holder.exec('rollback');
        holder.close();
      }
    }

    const startedAtMs = Date.now();
    await Promise.all([
      chaos(),
      Promise.all(Array.from({ length: WORKER_COUNT }, worker)).finally(() => {
        streamDone = true;
      }),
    ]);
    const streamMs = Date.now() - startedAtMs;
    expect(outages).toBeGreaterThan(0);
    // Which write meets the busy timeout first (a request or a background job) is up to timing, so the
    // count of refused calls is reported, not asserted; system-busy.test.ts pins the SQLITE_BUSY answer itself.
    expect(gateway.exitCode, `the gateway exited:\n${gateway.output}`).toBeNull();
    expect(gateway.output).not.toMatch(/exited code=/);

    // --- Every acknowledged order exists, unchanged; every payment reaches its card's outcome, notified. ---
    const all = [...orders, ...probes];
    const unsettled = new Set(all);
    let reasons: string[] = [];
    await waitUntil(
      async () => {
        reasons = [];
        for (const o of unsettled) {
          const state = await untilAnswered(() => client.queryIccOrder({ requestId: o.request.requestId }), counts);
          const id = o.request.requestId;
          if (state.serialNumber !== o.paymentOrderId || state.orderAmount !== o.request.orderAmount) {
            reasons.push(`${id}: stored as ${JSON.stringify(state)}`);
            continue;
          }
          if (o.payCut ? !['SUCCESS', 'FAILED'].includes(state.status) : state.status !== o.expected) {
            reasons.push(`${id}: ${state.status}, expected ${o.expected}`);
            continue;
          }
          if (o.expected !== 'INIT' && !merchant.notificationsFor(id).some((n) => n.notification.status === o.expected)) {
            reasons.push(`${id}: ${state.status} but not notified`);
            continue;
          }
          unsettled.delete(o);
        }
        return reasons.length === 0 ? true : undefined;
      },
      { timeoutMs: SETTLE_WAIT_MS_MAX, intervalMs: SETTLE_POLL_INTERVAL_MS, what: 'every order to reach its outcome and be notified', lastSeen: () => reasons },
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}\n--- stored history ---\n${await storedHistory(database!.url, reasons)}\n--- gateway output ---\n${gateway.output}`);
    });
    expect(merchant.rejected).toEqual([]);
    expect(gateway.exitCode).toBeNull();

    // --- The gateway's outcome agrees with the acquirer's book: nothing charged is FAILED, nothing FAILED was charged. ---
    const approvedAtAcquirer = new Set(readJournal(journalFile).filter((e) => e.kind === 'authorize' && e.outcome === 'approved').map((e) => (e as { orderId: string }).orderId));
    const finals = await Promise.all(orders.filter((o) => o.card).map(async (o) => ({ o, status: (await client.queryIccOrder({ requestId: o.request.requestId })).status })));
    const wronglyFailed = finals.filter(({ o, status }) => status === 'FAILED' && approvedAtAcquirer.has(o.paymentOrderId!));
    const paidWithoutCharge = finals.filter(({ o, status }) => status === 'SUCCESS' && !approvedAtAcquirer.has(o.paymentOrderId!));
    expect(wronglyFailed.map(({ o }) => o.request.requestId)).toEqual([]);
    expect(paidWithoutCharge.map(({ o }) => o.request.requestId)).toEqual([]);
    const cutBeforeTheChannel = finals.filter(({ o, status }) => o.payCut && status === 'FAILED').length;
    const approvedCards = orders.filter((o) => o.card === APPROVE).length;
    const sorted = [...recoveriesMs].sort((a, b) => a - b);
    reportFigure('outage', kind, [
      `${outages} outages (${kind === 'postgres' ? 'every backend killed with pg_terminate_backend' : `write lock held once for ${SQLITE_LONG_HOLD_MS} ms, past the busy timeout, then ${SQLITE_SHORT_HOLDS} times for ${SQLITE_SHORT_HOLD_MS} ms`}) across ${ORDER_COUNT} orders and ${orders.filter((o) => o.card).length} payments in ${streamMs} ms; ${counts.busy} calls answered 503 or cut and sent again`,
      `recovery (database usable again to the first acknowledged order): median ${sorted[Math.floor(sorted.length / 2)]} ms, longest ${sorted[sorted.length - 1]} ms`,
      'node exits: 0; acknowledged orders lost: 0',
      `payments wrongly FAILED (charged at the acquirer): 0 of ${approvedCards} approved cards; paid orders without a charge: 0; ${cutBeforeTheChannel} payments cut by the outage before reaching the acquirer ended FAILED, uncharged`,
      `final states never notified: 0 (${merchant.all().length} notifications received, duplicates included)`,
    ]);
  });
});
