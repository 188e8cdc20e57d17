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
import { writeOutbox } from './outbox-writer.js';
import { freshTestDatabase, testDatabaseKind, type FreshDatabase } from '../test-support/test-database.js';

const T0 = 1_800_000_000_000;
const LEASE_MS = 60_000;
const MERCHANT = '100000019';

function order(orderId: string): Order {
  return {
    orderId, merchantId: MERCHANT, requestId: `r-${orderId}`, requestDigest: 'd', amountMinor: 100n as AmountMinor, currency: 'USD',
    state: 'SUCCESS', language: 'en', notifyUrl: 'http://127.0.0.1:9/n', callbackUrl: 'http://127.0.0.1:9/r', terminalNo: null, remark: null,
    orderType: 'STANDARD', details: { products: [] }, clientIp: null, expiresAtMs: T0, createdAtMs: T0, updatedAtMs: T0, completedAtMs: T0,
    card: null, channel: null, channelReference: null, declineCode: null, challengeAttempts: 0, feeMinor: 0n, version: 1,
    refundReservedMinor: 0n, refundedMinor: 0n, refundCount: 0, disputedMinor: 0n, deliveryStatus: null, dialect: 'payease-v3', dialectContext: {},
  };
}

/**
 * The outbox hands out an order's notifications one at a time, in the order
 * they were written (their order_seq), each claimed row whole in one read.
 * All are written in the same millisecond: only the sequence orders them.
 */
describe(`notification order per order (${testDatabaseKind()})`, () => {
  let dir: string;
  let fresh: FreshDatabase;
  let opened: OpenedDatabase;
  let outbox: NotificationRepository;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opencashier-order-seq-'));
    fresh = await freshTestDatabase(dir);
    opened = await openDatabase(fresh.url);
    outbox = new NotificationRepository(opened.db, opened.dialect);
    await new MerchantRepository(opened.db).create({ merchantId: MERCHANT, name: 'Sequence', sandbox: true, allowedHosts: ['*'] }, T0);
    for (const id of ['o-a', 'o-b']) await new OrderRepository(opened.db).insert(order(id));
  });

  afterEach(async () => {
    await opened.close();
    await fresh.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (orderId: string, notificationId: string, url = 'http://merchant-a.example:8080/n') =>
    opened.db.transaction().execute((tx) =>
      writeOutbox(tx, { notificationId, url, sandbox: true, payloadJson: JSON.stringify({ n: notificationId }) }, { merchantId: MERCHANT, orderId, nowMs: T0 }),
    );
  const claimIds = async (nowMs: number, excluded: string[] = []) => (await outbox.claimDue(nowMs, 10, LEASE_MS, excluded)).map((n) => n.id).sort();
  const attempt = (notificationId: string, delivered: boolean, startedAtMs: number) =>
    ({ notificationId, attemptNo: 1, startedAtMs, latencyMs: 1, httpStatus: 200, responseExcerpt: delivered ? 'SUCCESS' : 'FAIL', error: null, delivered });

  it('numbers an order’s notifications 1, 2, 3 and delivers one at a time, in that order', async () => {
    for (const id of ['a1', 'a2', 'a3']) await write('o-a', id);
    await write('o-b', 'b1');
    expect((await outbox.forOrder('o-a')).map((n) => [n.id, n.orderSeq])).toEqual([['a1', 1], ['a2', 2], ['a3', 3]]);

    // Only each order's head is due; the claimed row carries everything needed to send it.
    const first = await outbox.claimDue(T0, 10, LEASE_MS);
    expect(first.map((n) => n.id).sort()).toEqual(['a1', 'b1']);
    expect(first.find((n) => n.id === 'a1')).toMatchObject({ payloadJson: '{"n":"a1"}', dialect: 'payease-v3', url: 'http://merchant-a.example:8080/n' });

    // Under its lease the head still blocks the order; delivered, it lets the next one through.
    expect(await claimIds(T0 + 1)).toEqual([]);
    await outbox.recordAttempt(attempt('a1', true, T0 + 2), null);
    expect(await claimIds(T0 + 3)).toEqual(['a2']);

    // A failed attempt with a retry ahead keeps the order waiting; a notification given up on does not.
    await outbox.recordAttempt(attempt('a2', false, T0 + 4), T0 + 10_000);
    expect(await claimIds(T0 + 5)).toEqual([]);
    await outbox.recordAttempt({ ...attempt('a2', false, T0 + 10_000), attemptNo: 2 }, null);
    expect(await claimIds(T0 + 10_001)).toEqual(['a3']);
  });

  it('leaves out the hosts it is told to, and claims them again once they are not', async () => {
    await write('o-a', 'a1', 'http://Slow.Example:9000/n');
    await write('o-b', 'b1', 'https://fast.example/n');
    expect(await claimIds(T0, ['slow.example:9000'])).toEqual(['b1']);
    expect(await claimIds(T0 + 1)).toEqual(['a1']);
  });
});
