import { expect } from 'vitest';
import type { PayEaseNotificationEvent } from '@opencashier/sdk';
import type { FakeMerchant } from '../../src/test-support/fake-merchant.js';
import type { TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';

export const ADMIN_TOKEN = 'operator-token-for-dispute-tests-0123';

/** A paid order through the API; notifications go to `notifyUrl`. Answers the order's serialNumber. */
export async function paidOrder(t: TestGateway, requestId: string, options: { amount?: string; currency?: string; card?: string; notifyUrl?: string } = {}): Promise<string> {
  const created = await t.client.createIccOrder({
    requestId,
    orderAmount: options.amount ?? '10000',
    orderCurrency: options.currency ?? 'USD',
    notifyUrl: options.notifyUrl ?? 'http://127.0.0.1:9999/n',
    callbackUrl: 'http://127.0.0.1:9999/r',
  });
  const paid = await t.client.call('sandbox/pay', { requestId, cardNumber: options.card ?? '4242424242424242' });
  expect(paid.status).toBe('SUCCESS');
  return created.paymentOrderId!;
}

/** Calls the operator admin API with the test token. */
export async function admin(t: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${t.baseUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** Debits equal credits in every currency, over the whole ledger. */
export async function expectLedgerBalanced(t: TestGateway): Promise<void> {
  for (const [currency, net] of await t.gateway.ledger.imbalanceByCurrency()) expect(net, `ledger imbalance in ${currency}`).toBe(0n);
}

/** What the dispute hold of the demo merchant holds in `currency` now. */
export async function disputeHold(t: TestGateway, currency: string): Promise<bigint> {
  return (await t.gateway.ledger.balances(`dispute_hold:${t.merchant.merchantId}`)).get(`dispute_hold:${t.merchant.merchantId} ${currency}`) ?? 0n;
}

export async function merchantPayable(t: TestGateway, currency: string): Promise<bigint> {
  return (await t.gateway.ledger.balances(`merchant_payable:${t.merchant.merchantId}`)).get(`merchant_payable:${t.merchant.merchantId} ${currency}`) ?? 0n;
}

/** Every notification the merchant endpoint received, opened and verified by the SDK. */
export function parsedEvents(t: TestGateway, merchant: FakeMerchant, path = '/success'): PayEaseNotificationEvent[] {
  return merchant.received.filter((r) => r.path === path).map((r) => t.client.parseNotificationEvent(r.headers as Record<string, string>, r.body));
}

type DisputeEvent = Extract<PayEaseNotificationEvent, { type: 'CHARGEBACK' | 'RETRIEVAL' }>;

/**
 * Waits until `count` notifications of a case have arrived. They are
 * delivered concurrently, so arrival order is not the order of events:
 * compare them with `eventWords`, which sorts.
 */
export async function disputeNotifications(t: TestGateway, merchant: FakeMerchant, disputeId: string, count: number, path = '/success'): Promise<DisputeEvent[]> {
  return waitUntil(
    () => {
      const events = parsedEvents(t, merchant, path).filter((e): e is DisputeEvent => (e.type === 'CHARGEBACK' || e.type === 'RETRIEVAL') && e.dispute.disputeId === disputeId);
      return events.length >= count ? events : undefined;
    },
    { timeoutMs: 20_000, what: `${count} notifications of dispute ${disputeId}`, lastSeen: () => merchant.received.length },
  );
}

/** `STAGE:EVENT:STATUS` of each notification, sorted. */
export function eventWords(events: readonly DisputeEvent[]): string[] {
  return events.map((e) => `${e.dispute.disputeStage}:${e.dispute.disputeEvent}:${e.dispute.disputeStatus}`).sort();
}
