import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { runCardDataScan } from '../src/verify/card-data-run.js';
import { CardDataScanner, sentinelCvv, sentinelPan } from '../src/verify/card-data-scanner.js';
import { freshPostgresDatabase } from '../src/test-support/test-database.js';

/** Enough payments for every path several times over, on both databases, in well under a minute. */
const CARD_DATA_PAYMENTS = 200;
/** Typically 15–35 s; generous, so a machine busy with other suites never fails it on time. */
const CARD_DATA_TIMEOUT_MS = 240_000;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** After card payments, neither the PAN nor the CVV is anywhere in the data directory or the database. */
describe('card data at rest', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { background: false });
  });
  afterAll(async () => t?.close());

  it('keeps BIN, last 4 and brand only; a vault token where the PAN must be kept', async () => {
    const pan = '378282246310005';
    const cvv = '7391';
    for (const [requestId, keepCard] of [
      ['card-1', false],
      ['card-2', true],
    ] as const) {
      await t.client.createIccOrder({ requestId, orderAmount: '4200', orderCurrency: 'AUD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      const order = (await t.gateway.orders.findByRequest(t.merchant.merchantId, requestId))!;
      const paid = await t.gateway.orders.pay(order.orderId, { holder: 'Card Holder', pan, expiryMonth: 4, expiryYear: 2039, cvv, brand: 'American Express' }, { keepCard });
      expect(paid.card).toMatchObject({ brand: 'American Express', bin: '378282', last4: '0005' });
      expect(paid.card!.vaultToken === null).toBe(!keepCard);
    }
    // SQLite: checkpoint the WAL so every byte written is in files we can read.
    if (t.gateway.database.dialect === 'sqlite') await sql`pragma wal_checkpoint(TRUNCATE)`.execute(t.gateway.database.db);
    for (const file of filesUnder(t.config.dataDir)) {
      const bytes = readFileSync(file).toString('latin1');
      expect(bytes.includes(pan), file).toBe(false);
      expect(bytes.includes(`"${cvv}"`), file).toBe(false);
      // A field named cvv, in any JSON or form the gateway might write. (A bare "cvv" would also
      // match random base64 — vault tokens, keys — about once in every few hundred KB.)
      expect(/["']cvv["']|\bcvv=/i.test(bytes), file).toBe(false);
    }
    const columns = await t.gateway.database.db.introspection.getTables();
    for (const table of columns) for (const col of table.columns) expect(col.name).not.toMatch(/cvv|cvc|pan$/i);
    // Every row of every table, as text: on PostgreSQL the data lives outside the data directory.
    for (const table of columns) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(t.gateway.database.db);
      const text = JSON.stringify(rows.rows, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
      expect(text.includes(pan), table.name).toBe(false);
      expect(text.includes(`"${cvv}"`), table.name).toBe(false);
    }
  });
});

/**
 * The short, seeded version of `npm run verify:card-data`: payments with
 * sentinel card numbers and CVVs through the cashier form, the flat-JSON
 * API (direct and recurring), express-pay binding and refused cards, then a
 * scan of the data directory's raw bytes (SQLite WAL and free pages
 * included), every table, the trace-level log, a backup and the exports.
 */
describe.each(testDatabases())('card data after a run of payments (%s)', (database) => {
  it('finds 0 clear card numbers and 0 CVVs in files, tables, logs, backups and exports', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'opencashier-card-data-'));
    const fresh = database === 'postgres' ? await freshPostgresDatabase(process.env.OPENCASHIER_TEST_POSTGRES_URL!) : undefined;
    try {
      const result = await runCardDataScan({ payments: CARD_DATA_PAYMENTS, dataDir, port: await freePort(), adminToken: 'card-data-admin-token-0123456789', ...(fresh ? { databaseUrl: fresh.url } : {}) });
      expect(result.hits).toEqual([]);
      expect(result.payments).toBe(CARD_DATA_PAYMENTS);
      // Every path but the refused one pays (recurring charges add more); cards were vaulted for binding and recurring.
      expect(result.paidOrders, JSON.stringify(result.orderStates)).toBeGreaterThanOrEqual(CARD_DATA_PAYMENTS * 0.8);
      expect(result.vaultedCards).toBeGreaterThanOrEqual(CARD_DATA_PAYMENTS / 8);
      expect(Object.keys(result.byPath).sort()).toEqual(['bind-express', 'cashier', 'flat-json', 'flat-json-recurring', 'refused']);
      // The scan read the database, the log, the backup and the exports.
      expect(result.sources).toBeGreaterThan(20);
      expect(result.bytesScanned).toBeGreaterThan(100_000);
      const files = filesUnder(dataDir).map((f) => f.slice(dataDir.length));
      expect(files).toEqual(expect.arrayContaining(['/logs/gateway.log', '/exports/orders.csv', '/exports/reconciliation.csv', '/exports/statement.csv']));
      if (database === 'sqlite') expect(files).toContain('/exports/backup.sqlite');
      // The log really holds the run (trace level): a scan of an empty log would prove nothing.
      expect(readFileSync(join(dataDir, 'logs', 'gateway.log'), 'utf8').split('\n').length).toBeGreaterThan(CARD_DATA_PAYMENTS);
      // The exports hold the run's orders.
      expect(readFileSync(join(dataDir, 'exports', 'orders.csv'), 'utf8').split('\n').length).toBeGreaterThan(CARD_DATA_PAYMENTS / 2);
    } finally {
      await fresh?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, CARD_DATA_TIMEOUT_MS);

  it('the scanner finds a planted card number and CVV, spaced or not (it is not blind)', () => {
    const scanner = new CardDataScanner([sentinelPan(7)], [sentinelCvv(7)]);
    scanner.scan('plain', Buffer.from(`x${sentinelPan(7)}y`));
    scanner.scan('spaced', Buffer.from(sentinelPan(7).replace(/(\d{4})(?=\d)/g, '$1 ')));
    scanner.scan('utf-16', Buffer.from(sentinelPan(7), 'utf16le'));
    scanner.scan('json', Buffer.from(`{"cvc":"${sentinelCvv(7)}"}`));
    scanner.scan('form', Buffer.from(`number=1&cvv=${sentinelCvv(7)}&x=1`));
    scanner.scan('clean', Buffer.from(`{"amount":"1500","last4":"${sentinelPan(7).slice(-4)}","bin":"${sentinelPan(7).slice(0, 6)}"}`));
    expect([...new Set(scanner.result.hits.map((h) => `${h.source}:${h.kind}`))].sort()).toEqual(['form:cvv', 'json:cvv', 'plain:pan', 'spaced:pan', 'utf-16 (utf-16):pan']);
  });
});
