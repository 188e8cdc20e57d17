import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmountMinor } from '../domain/money.js';
import type { Order } from '../domain/order.js';
import { openDatabase, type OpenedDatabase } from './database.js';
import { MerchantRepository } from './merchant-repository.js';
import { NotificationRepository } from './notification-repository.js';
import { OrderRepository } from './order-repository.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../test-support/test-database.js';

const NOTIFICATION_COUNT = 120;
const CLAIMER_COUNT = 5;
const BATCH_SIZE = 7;
const LEASE_MS = 60_000;
const T0 = 1_800_000_000_000;

/**
 * The outbox claim as several processes make it at once. On PostgreSQL each
 * claimer has a pool of its own, as a separate node would, and FOR UPDATE
 * SKIP LOCKED lets them pass each other. On SQLite the claimers share one
 * handle: better-sqlite3 waits for a lock synchronously, so two handles in
 * one event loop would wait on each other for ever; separate processes on
 * one SQLite file are covered by the three-node test. Every due
 * notification must go to exactly one claimer until its lease runs out.
 */
describe(`notification claims by concurrent processes (${testDatabaseKind()})`, () => {
  let dir: string;
  let fresh: FreshDatabase;
  let opened: OpenedDatabase[];
  let claimers: OpenedDatabase[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencashier-claims-'));
    fresh = await freshTestDatabase(dir);
    const first = await openDatabase(fresh.url);
    const others = first.dialect === 'postgres' ? await Promise.all(Array.from({ length: CLAIMER_COUNT - 1 }, () => openDatabase(fresh.url, { migrate: false }))) : [];
    opened = [first, ...others];
    claimers = first.dialect === 'postgres' ? opened : Array.from({ length: CLAIMER_COUNT }, () => first);
    await new MerchantRepository(first.db).create({ merchantId: '100000009', name: 'Claims', sandbox: true, allowedHosts: ['*'] }, T0);
    const order: Order = {
      orderId: 'o-claims',
      merchantId: '100000009',
      requestId: 'r-claims',
      requestDigest: 'd',
      amountMinor: 100n as AmountMinor,
      currency: 'USD',
      state: 'SUCCESS',
      language: 'en',
      notifyUrl: 'http://127.0.0.1:9/n',
      callbackUrl: 'http://127.0.0.1:9/r',
      terminalNo: null,
      remark: null,
      orderType: 'STANDARD',
      details: { products: [] },
      clientIp: null,
      expiresAtMs: T0,
      createdAtMs: T0,
      updatedAtMs: T0,
      completedAtMs: T0,
      card: null,
      channel: null,
      channelReference: null,
      declineCode: null,
      challengeAttempts: 0,
      feeMinor: 0n,
      version: 1,
      refundReservedMinor: 0n,
      refundedMinor: 0n,
      refundCount: 0,
      disputedMinor: 0n,
      deliveryStatus: null,
    };
    await new OrderRepository(first.db).insert(order);
    await first.db
      .insertInto('notifications')
      .values(
        Array.from({ length: NOTIFICATION_COUNT }, (_, i) => ({
          notification_id: `n-${String(i).padStart(4, '0')}`,
          merchant_id: '100000009',
          order_id: 'o-claims',
          url: 'http://127.0.0.1:9/n',
          sandbox: 1n,
          payload_json: '{}',
          state: 'pending' as const,
          attempt_count: 0n,
          next_attempt_at_ms: BigInt(T0 + (i % 3)),
          lease_until_ms: 0n,
          created_at_ms: BigInt(T0),
          delivered_at_ms: null,
        })),
      )
      .execute();
  });

  afterEach(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every claimer claims batches until none is left; returns each notification id with how often it was claimed. */
  async function drain(nowMs: number): Promise<Map<string, number>> {
    const claims = new Map<string, number>();
    await Promise.all(
      claimers.map(async (c) => {
        const outbox = new NotificationRepository(c.db, c.dialect);
        for (;;) {
          const batch = await outbox.claimDue(nowMs, BATCH_SIZE, LEASE_MS);
          if (batch.length === 0) return;
          for (const n of batch) claims.set(n.id, (claims.get(n.id) ?? 0) + 1);
        }
      }),
    );
    return claims;
  }

  it('hands each due notification to exactly one claimer', async () => {
    const claims = await drain(T0 + 10);
    expect(claims.size).toBe(NOTIFICATION_COUNT);
    expect([...claims.values()].every((n) => n === 1)).toBe(true);
  });

  it('claims nothing under a running lease, and everything again once the leases ran out', async () => {
    await drain(T0 + 10);
    expect((await drain(T0 + 10 + LEASE_MS - 1)).size).toBe(0);
    const again = await drain(T0 + 10 + LEASE_MS);
    expect(again.size).toBe(NOTIFICATION_COUNT);
    expect([...again.values()].every((n) => n === 1)).toBe(true);
  });
});
