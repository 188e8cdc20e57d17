import { SCHEDULED_DISPUTE_PREFIXES } from '../channels/sandbox-card/scheduled-disputes.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompiledQuery, sql, type Kysely, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrderSearch } from '../portal/order-search.js';
import { openDatabase, type OpenedDatabase } from './database.js';
import { DisputeRepository, SANDBOX_DISPUTE_INDEX } from './dispute-repository.js';
import { LedgerRepository } from './ledger-repository.js';
import { MerchantRepository } from './merchant-repository.js';
import { NotificationRepository } from './notification-repository.js';
import { OrderRepository } from './order-repository.js';
import type { Database } from './schema.js';
import { SettlementRepository } from './settlement-repository.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../test-support/test-database.js';

const MERCHANTS = Array.from({ length: 10 }, (_, i) => `10000002${i}`);
const ORDERS = 3000;
const INSERT_BATCH = 250;

/** Enough rows, spread like real ones (many merchants, card endings, orders), for the planners' statistics to mean something. */
async function seed(db: Kysely<Database>): Promise<void> {
  for (const [i, merchantId] of MERCHANTS.entries()) {
    await new MerchantRepository(db).create({ merchantId, name: `Plans ${i}`, sandbox: i === 0, allowedHosts: ['*'] }, 0);
  }
  for (let first = 0; first < ORDERS; first += INSERT_BATCH) {
    const orders = [];
    const notifications = [];
    for (let i = first; i < Math.min(ORDERS, first + INSERT_BATCH); i += 1) {
      const orderId = `plan-${String(i).padStart(6, '0')}`;
      const at = BigInt(1_700_000_000_000 + i * 60_000);
      orders.push({
        order_id: orderId, merchant_id: MERCHANTS[i % MERCHANTS.length]!, request_id: `plan-${i}`, request_digest: 'x', product: 'icc', amount_minor: BigInt(100 + i), currency: 'USD',
        state: i % 3 === 0 ? 'FAILED' : 'SUCCESS', language: 'en', notify_url: 'http://127.0.0.1/n', callback_url: 'http://127.0.0.1/r', terminal_no: null, remark: null, order_type: 'STANDARD', details_json: '{"products":[]}',
        client_ip: null, expires_at_ms: at, created_at_ms: at, updated_at_ms: at, completed_at_ms: at, card_brand: 'VISA', card_bin: '424242', card_last4: String(i % 997).padStart(4, '0'), vault_token: null,
        channel: 'sandbox-card', channel_reference: i % 50 === 0 ? `sbx_cb_${i}` : `ref_${i}`, decline_code: null, challenge_attempts: 0n, fee_minor: 0n, version: 1n, delivery_status: null,
        dialect: 'payease-v3', dialect_context_json: '{}',
      });
      notifications.push({
        notification_id: `pn-${i}`, merchant_id: MERCHANTS[i % MERCHANTS.length]!, order_id: orderId, url: 'http://127.0.0.1/n', host: '127.0.0.1', sandbox: 1n, payload_json: '{}',
        state: i % 10 === 0 ? ('pending' as const) : ('delivered' as const), attempt_count: 1n, next_attempt_at_ms: at, lease_until_ms: 0n, created_at_ms: at, delivered_at_ms: null, order_seq: 1n,
      });
    }
    await db.insertInto('orders').values(orders).execute();
    await db.insertInto('notifications').values(notifications).execute();
  }
  await sql`analyze`.execute(db);
}

/** Keeps the last query a Kysely instance ran, so its plan can be asked for with the same text and parameters. */
class LastQuery implements KyselyPlugin {
  node: RootOperationNode | undefined;
  transformQuery(args: { node: RootOperationNode }): RootOperationNode {
    this.node = args.node;
    return args.node;
  }
  async transformResult<R>(args: { result: R }): Promise<R> {
    return args.result;
  }
}

/**
 * The background jobs and back-office searches that must stay flat as the
 * database grows read through the indexes made for them — checked on the
 * plans of the very statements the repositories run, on both databases,
 * over a few thousand analysed rows. PostgreSQL would still rather read
 * tables this small whole, so sequential scans are turned off for its
 * EXPLAIN: the plan then shows the index it picks among the others.
 */
describe(`query plans of the growth-sensitive queries (${testDatabaseKind()})`, () => {
  let dir: string;
  let fresh: FreshDatabase;
  let opened: OpenedDatabase;
  let recorded: Kysely<Database>;
  const last = new LastQuery();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencashier-plans-'));
    fresh = await freshTestDatabase(dir);
    opened = await openDatabase(fresh.url);
    recorded = opened.db.withPlugin(last);
    await seed(opened.db);
  });
  afterAll(async () => {
    await opened.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The plan of the last recorded query, one line per step. */
  async function planOfLast(): Promise<string> {
    const compiled = recorded.getExecutor().compileQuery(last.node!, { queryId: 'plan' });
    if (opened.dialect === 'sqlite') {
      const r = await opened.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
      return r.rows.map((row) => row.detail).join('\n');
    }
    return opened.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      const r = await tx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
      return r.rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  }

  /** No full pass over a table: SQLite says SCAN for one, PostgreSQL Seq Scan. */
  const expectNoFullScan = (plan: string, table: string) => {
    expect(plan).not.toMatch(new RegExp(`(^|\\n)\\s*SCAN ${table}\\b`));
    expect(plan).not.toMatch(new RegExp(`Seq Scan on ${table}\\b`));
  };

  it('the sandbox-disputes job reads its partial index and nothing else of orders', async () => {
    const orders = new OrderRepository(recorded);
    await new DisputeRepository(recorded, orders, new LedgerRepository(recorded)).findSandboxDisputeCandidates(Date.now(), 100, 'sandbox-card', SCHEDULED_DISPUTE_PREFIXES);
    const plan = await planOfLast();
    expect(plan).toContain(SANDBOX_DISPUTE_INDEX);
    expectNoFullScan(plan, 'orders');
    expectNoFullScan(plan, 'o');
  });

  it('the settlement job finds the day’s merchants by payable account and time, not by scanning postings', async () => {
    await new SettlementRepository(recorded).merchantsWithMovements(0, 86_400_000);
    const plan = await planOfLast();
    expect(plan).toContain('ledger_postings_by_account_time');
    expectNoFullScan(plan, 'ledger_postings');
    expectNoFullScan(plan, 'p');
  });

  it.each([
    ['merchant-scoped', { merchantId: '100000023', cardLast4: '4242' }, 'orders_by_merchant_card_last4'],
    ['operator-wide', { cardLast4: '4242' }, 'orders_by_card_last4'],
  ])('the back office’s %s card-last-4 search reads its index', async (_label, filter, index) => {
    await new OrderSearch(recorded).page(filter, { limit: 50 });
    const plan = await planOfLast();
    expect(plan).toContain(index);
    expectNoFullScan(plan, 'orders');
  });

  it('the notification claim reads due rows and each order’s earlier rows by index', async () => {
    await new NotificationRepository(recorded, opened.dialect).claimDue(Date.now(), 50, 60_000);
    const plan = await planOfLast();
    expect(plan).toContain('notifications_due');
    expect(plan).toContain('notifications_by_order_seq');
  });
});
