import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMerchant, type FakeMerchant } from '../../src/test-support/fake-merchant.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { disputeNotifications, expectLedgerBalanced, paidOrder, parsedEvents } from './dispute-support.js';

const DELAY_MS = 60_000;

describe.each(testDatabases())('sandbox magic cards open their cases after a delay (%s)', (_database, databaseEnv) => {
  let shop: FakeMerchant;
  beforeAll(async () => {
    shop = await startFakeMerchant();
  });
  afterAll(async () => shop?.close());

  it('opens a chargeback and a retrieval request once each, only after the configured delay, and nothing for other cards', async () => {
    let now = Date.now();
    const t: TestGateway = await startTestGateway({ ...databaseEnv, OPENCASHIER_SANDBOX_DISPUTE_DELAY_MS: String(DELAY_MS) }, { background: false, clock: () => now });
    try {
      const cbOrder = await paidOrder(t, 'sbx-cb', { amount: '7000', card: '4000000000000259' });
      const rrOrder = await paidOrder(t, 'sbx-rr', { amount: '7000', card: '4000000000002024' });
      const plainOrder = await paidOrder(t, 'sbx-plain', { amount: '7000' });
      expect(await t.gateway.disputes.openDueSandboxDisputes(100)).toBe(0);
      now += DELAY_MS - 1_000;
      expect(await t.gateway.disputes.openDueSandboxDisputes(100)).toBe(0);
      now += 2_000;
      expect(await t.gateway.disputes.openDueSandboxDisputes(100)).toBe(2);
      expect(await t.gateway.disputes.openDueSandboxDisputes(100)).toBe(0);
      expect((await t.gateway.disputes.forOrder(cbOrder)).map((d) => [d.stage, d.status, d.amountMinor, d.heldMinor])).toEqual([['CHARGEBACK', 'OPEN', 7000n, 7000n]]);
      expect((await t.gateway.disputes.forOrder(rrOrder)).map((d) => [d.stage, d.status, d.heldMinor])).toEqual([['RETRIEVAL', 'OPEN', 0n]]);
      expect(await t.gateway.disputes.forOrder(plainOrder)).toEqual([]);
      expect((await t.gateway.disputes.history((await t.gateway.disputes.forOrder(cbOrder))[0]!.disputeId)).map((h) => [h.actor.kind, h.actor.name])).toEqual([['CHANNEL', 'sandbox-card']]);
      await expectLedgerBalanced(t);
    } finally {
      await t.close();
    }
  });

  it('leaves alone an order refunded in full before the delay ran out, and charges back what a partial refund left', async () => {
    let now = Date.now();
    const t: TestGateway = await startTestGateway({ ...databaseEnv, OPENCASHIER_SANDBOX_DISPUTE_DELAY_MS: String(DELAY_MS) }, { background: false, clock: () => now });
    try {
      const orderId = await paidOrder(t, 'sbx-refunded', { amount: '500', card: '4000000000000259' });
      await t.client.refund({ requestId: 'sbx-refunded-r', orderId });
      const partly = await paidOrder(t, 'sbx-partly', { amount: '500', card: '4000000000000259' });
      await t.client.refund({ requestId: 'sbx-partly-r', orderId: partly, amount: '120' });
      now += DELAY_MS + 1;
      // Only the partly refunded order is a candidate: the fully refunded one never fills a page of the scan.
      expect(await t.gateway.disputes.openDueSandboxDisputes(1)).toBe(1);
      expect(await t.gateway.disputes.openDueSandboxDisputes(100)).toBe(0);
      expect(await t.gateway.disputes.forOrder(orderId)).toEqual([]);
      expect((await t.gateway.disputes.forOrder(partly)).map((d) => [d.stage, d.amountMinor, d.heldMinor])).toEqual([['CHARGEBACK', 380n, 380n]]);
      await expectLedgerBalanced(t);
    } finally {
      await t.close();
    }
  });

  it('opens the case by itself in the background and notifies the merchant', async () => {
    const t = await startTestGateway({ ...databaseEnv, OPENCASHIER_SANDBOX_DISPUTE_DELAY_MS: '0' });
    try {
      const orderId = await paidOrder(t, 'sbx-bg', { amount: '1999', card: '4000000000000259', notifyUrl: shop.urlFor('/success') });
      const [dispute] = await waitUntil(async () => {
        const found = await t.gateway.disputes.forOrder(orderId);
        return found.length > 0 ? found : undefined;
      }, { timeoutMs: 30_000, what: 'the sandbox chargeback' });
      const [note] = await disputeNotifications(t, shop, dispute!.disputeId, 1);
      expect(note).toMatchObject({ type: 'CHARGEBACK', dispute: { requestId: 'sbx-bg', serialNumber: orderId, disputeEvent: 'OPENED', disputeAmount: '1999', acquirerReference: `sandbox-${orderId}` } });
      expect(parsedEvents(t, shop).some((e) => e.type === 'ORDER' && e.order.requestId === 'sbx-bg')).toBe(true);
    } finally {
      await t.close();
    }
  });
});
