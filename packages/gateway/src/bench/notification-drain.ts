/**
 * The notifications phase of the bench: a backlog of due notifications in a
 * fresh SQLite outbox, drained by the gateway's own dispatcher (claims,
 * keep-alive pool, per-host bounds, attempt records) to keep-alive HTTP
 * receivers on loopback, each on its own port (its own "merchant host").
 *
 * Run 1: every receiver answers `SUCCESS` at once — deliveries/s.
 * Run 2: the same beside one receiver that answers after 1 s — the healthy
 * receivers' deliveries/s, whose ratio to run 1 says whether a slow host
 * starves the others.
 *
 * The encoder is a fixed body: the figure is the delivery machinery's. The
 * real PayEase encoding (an RSA signature and key wrap per notification) is
 * the envelope crypto measured by the icc/order phases.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NotificationDispatcher } from '../notify/dispatcher.js';
import { leaseMsMin, NOTIFY_CONCURRENCY_DEFAULT, NOTIFY_BATCH_SIZE_DEFAULT } from '../notify/limits.js';
import { notificationHost } from '../notify/outbox.js';
import { openDatabase } from '../store/database.js';
import { MerchantRepository } from '../store/merchant-repository.js';
import { NotificationRepository } from '../store/notification-repository.js';
import type { NotificationTable, OrderTable } from '../store/schema.js';
import type { Insertable } from 'kysely';

const MERCHANT = '100000099';
const HEALTHY_HOSTS = 4;
const SLOW_ANSWER_MS = 1000;
/** Share of the second run's backlog that goes to the slow host. */
const SLOW_SHARE = 0.2;
const INSERT_BATCH = 500;
const REQUEST_TIMEOUT_MS = 10_000;
const DRAIN_TIMEOUT_MS = 120_000;

export interface DrainFigures {
  notifications: number;
  seconds: number;
  /** Deliveries to the healthy receivers per second. */
  healthyPerSecond: number;
  slowDelivered: number;
  /** Notifications not delivered (any attempt failed) by the end. */
  errors: number;
}

export interface NotificationBenchReport {
  backlog: DrainFigures;
  withSlowHost: DrainFigures;
  /** withSlowHost.healthyPerSecond ÷ backlog.healthyPerSecond. */
  slowHostHealthyRatio: number;
}

interface Receiver {
  url: string;
  received: () => number;
  close: () => Promise<void>;
}

async function startReceiver(delayMs: number): Promise<Receiver> {
  let count = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      count += 1;
      const answer = () => res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '7' }).end('SUCCESS');
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    received: () => count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function drain(total: number, withSlowHost: boolean): Promise<DrainFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'opencashier-bench-notify-'));
  const healthy = await Promise.all(Array.from({ length: HEALTHY_HOSTS }, () => startReceiver(0)));
  const slow = withSlowHost ? await startReceiver(SLOW_ANSWER_MS) : undefined;
  const database = await openDatabase(join(dir, 'outbox.sqlite'));
  try {
    const db = database.db;
    await new MerchantRepository(db).create({ merchantId: MERCHANT, name: 'Bench', sandbox: true, allowedHosts: ['*'] }, 0);
    const slowCount = slow ? Math.round(total * SLOW_SHARE) : 0;
    const nowMs = Date.now();
    for (let first = 0; first < total; first += INSERT_BATCH) {
      const orders: Insertable<OrderTable>[] = [];
      const rows: Insertable<NotificationTable>[] = [];
      for (let i = first; i < Math.min(total, first + INSERT_BATCH); i += 1) {
        const orderId = `bench-notify-${i}`;
        const url = i < slowCount ? slow!.url : healthy[i % HEALTHY_HOSTS]!.url;
        const at = BigInt(nowMs - total + i);
        orders.push({
          order_id: orderId, merchant_id: MERCHANT, request_id: orderId, request_digest: 'x', product: 'icc', amount_minor: 100n, currency: 'USD',
          state: 'SUCCESS', language: 'en', notify_url: url, callback_url: url, terminal_no: null, remark: null, order_type: 'STANDARD', details_json: '{"products":[]}',
          client_ip: null, expires_at_ms: at, created_at_ms: at, updated_at_ms: at, completed_at_ms: at, card_brand: null, card_bin: null, card_last4: null, vault_token: null,
          channel: 'sandbox-card', channel_reference: null, decline_code: null, challenge_attempts: 0n, fee_minor: 0n, version: 1n, delivery_status: null,
          dialect: 'payease-v3', dialect_context_json: '{}',
        });
        rows.push({
          notification_id: `n-${i}`, merchant_id: MERCHANT, order_id: orderId, url, host: notificationHost(url), sandbox: 1n, payload_json: '{}',
          state: 'pending' as const, attempt_count: 0n, next_attempt_at_ms: at, lease_until_ms: 0n, created_at_ms: at, delivered_at_ms: null, order_seq: 1n,
        });
      }
      await db.transaction().execute(async (tx) => {
        await tx.insertInto('orders').values(orders).execute();
        await tx.insertInto('notifications').values(rows).execute();
      });
    }
    const outbox = new NotificationRepository(db, database.dialect);
    const quiet = () => undefined;
    const dispatcher = new NotificationDispatcher({
      outbox,
      encode: async (n) => ({ headers: { 'content-type': 'application/json', merchantId: n.merchantId, requestId: n.orderId }, body: '{"data":"YmVuY2g="}' }),
      clock: Date.now,
      logger: { info: quiet, warn: quiet, error: quiet },
      batchSize: NOTIFY_BATCH_SIZE_DEFAULT,
      concurrency: NOTIFY_CONCURRENCY_DEFAULT,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      leaseMs: leaseMsMin({ batchSize: NOTIFY_BATCH_SIZE_DEFAULT, concurrency: NOTIFY_CONCURRENCY_DEFAULT, requestTimeoutMs: REQUEST_TIMEOUT_MS }),
      pollIntervalMs: 50,
    });
    const healthyTotal = total - slowCount;
    const healthyReceived = () => healthy.reduce((n, r) => n + r.received(), 0);
    const startMs = performance.now();
    dispatcher.start();
    const deadline = startMs + DRAIN_TIMEOUT_MS;
    while (healthyReceived() < healthyTotal && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = (performance.now() - startMs) / 1000;
    await dispatcher.stop();
    const delivered = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<number | bigint>().as('n')).where('state', '=', 'delivered').executeTakeFirstOrThrow();
    const healthyDelivered = healthyReceived();
    return {
      notifications: total,
      seconds,
      healthyPerSecond: healthyDelivered / seconds,
      slowDelivered: slow?.received() ?? 0,
      // Every healthy notification must have been delivered once; the slow host's are still being answered.
      errors: Math.max(0, healthyTotal - healthyDelivered) + Math.max(0, healthyDelivered - Number(delivered.n)),
    };
  } finally {
    await database.close();
    await Promise.all([...healthy, ...(slow ? [slow] : [])].map((r) => r.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Notifications drained once, unmeasured, before the two runs: JIT, first connections and SQLite's first pages. */
const WARMUP_NOTIFICATIONS = 300;

export async function measureNotificationDrain(total: number): Promise<NotificationBenchReport> {
  await drain(WARMUP_NOTIFICATIONS, false);
  const backlog = await drain(total, false);
  const withSlowHost = await drain(total, true);
  return { backlog, withSlowHost, slowHostHealthyRatio: withSlowHost.healthyPerSecond / backlog.healthyPerSecond };
}

export function notificationBenchReport(r: NotificationBenchReport): string {
  const line = (label: string, d: DrainFigures) =>
    `  ${label}: ${d.notifications} notifications, healthy hosts ${Math.round(d.healthyPerSecond).toLocaleString('en-US')}/s over ${d.seconds.toFixed(2)} s, slow host answered ${d.slowDelivered}, errors ${d.errors}`;
  return [
    `Notifications (dispatcher → ${HEALTHY_HOSTS} keep-alive receivers on loopback, fixed body, SQLite outbox):`,
    line('backlog drained', r.backlog),
    line(`with one host answering after ${SLOW_ANSWER_MS} ms (${SLOW_SHARE * 100} % of the backlog)`, r.withSlowHost),
    `  healthy deliveries beside the slow host: ${(r.slowHostHealthyRatio * 100).toFixed(0)} % of the backlog rate (target ≥ 80 %)`,
  ].join('\n');
}
