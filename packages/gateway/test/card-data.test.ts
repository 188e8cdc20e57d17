import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness.js';

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
