/**
 * The manual review queue end to end: payments held by risk control wait
 * in REVIEW (the merchant sees INIT and hears nothing), an operator
 * approves (captured, SUCCESS notified) or rejects (voided, CANCEL notified)
 * through the admin API, and the merchant's endpoint receives the signed
 * notification.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { startMerchantEndpoint, type MerchantEndpoint } from '../e2e/merchant-endpoint.js';
import { waitUntil } from '../e2e/wait-until.js';
import { ADMIN_TOKEN, admin, createAndPay, loadRules, luhnCard, order } from './risk-support.js';
import { RISK_REVIEW_HOLD_MS_MAX } from '../../src/risk/limits.js';

const NOTIFY_WAIT_MS_MAX = 15_000;

describe.each(testDatabases())('review queue (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let merchant: MerchantEndpoint;
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN });
    merchant = await startMerchantEndpoint(t.client);
    // Above 100.00 USD an operator looks first.
    await loadRules(t, { amountLimits: { USD: { perTransactionMaxMinor: '10000', action: 'REVIEW' } }, autoBlock: { onFraud: ['card', 'email'] } });
  });
  afterAll(async () => {
    await t?.close();
    await merchant?.close();
  });

  const held = (extra = {}) => order({ orderAmount: '25000', orderType: 'RISK_BILL', billInfo: { email: 'held@example.com', country: 'US' }, ...extra }, merchant.notifyUrl);
  const orderIdOf = async (requestId: string) => (await t.gateway.orders.findByRequest(t.merchant.merchantId, requestId))!.orderId;
  const notified = (requestId: string) => waitUntil(() => merchant.latest(requestId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: `notification of ${requestId}` });

  it('holds the payment: authorised, not final, listed for review, no notification yet', async () => {
    const request = held();
    expect((await createAndPay(t, request, '4242424242424242')).status).toBe('INIT');
    const orderId = await orderIdOf(request.requestId);
    const stored = (await t.gateway.orders.find(orderId))!;
    expect(stored.state).toBe('REVIEW');
    expect(stored.channelReference).toMatch(/^sbx_/);
    expect((await t.client.queryIccOrder({ requestId: request.requestId })).status).toBe('INIT');
    const { json } = await admin(t, 'GET', '/risk/reviews');
    expect(json.reviews.find((r: any) => r.order.orderId === orderId)).toMatchObject({
      order: { state: 'REVIEW', amountMinor: '25000', currency: 'USD', card: { bin: '424242', last4: '4242' } },
      attempt: { action: 'REVIEW', reviewStatus: 'PENDING', fired: [{ rule: 'amount.perTransaction' }] },
    });
    expect(await t.gateway.notifications.forOrder(orderId)).toEqual([]);
    // The payer is told the payment is being checked, not that it failed.
    expect(await (await fetch(t.gateway.links.url(orderId))).text()).toContain('The payment is being checked before it completes');
    const metricsToken = readFileSync(join(t.config.dataDir, 'metrics-token'), 'utf8').trim();
    expect(await (await fetch(`${t.baseUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).text()).toMatch(/opencashier_risk_decisions_total\{action="REVIEW"\} [1-9]/);
    // A payment under the limit goes straight through.
    expect((await createAndPay(t, order({ orderAmount: '10000' }, merchant.notifyUrl), '4242424242424242')).status).toBe('SUCCESS');
  });

  it('approve captures: SUCCESS, and the merchant is notified once', async () => {
    const request = held();
    await createAndPay(t, request, '5555555555554444');
    const orderId = await orderIdOf(request.requestId);
    const approved = await admin(t, 'POST', `/risk/reviews/${orderId}/approve`, { note: 'customer called' });
    expect(approved).toMatchObject({ status: 200, json: { order: { state: 'SUCCESS' } } });
    expect(await notified(request.requestId)).toMatchObject({ status: 'SUCCESS', orderAmount: '25000' });
    expect((await t.client.queryIccOrder({ requestId: request.requestId })).status).toBe('SUCCESS');
    // Decided once: a second decision is refused and changes nothing.
    expect(await admin(t, 'POST', `/risk/reviews/${orderId}/reject`, {})).toMatchObject({ status: 409, json: { code: 'ORDER_NOT_IN_REVIEW' } });
    expect((await admin(t, 'GET', `/risk/attempts?orderId=${orderId}`)).json.attempts[0]).toMatchObject({ reviewStatus: 'APPROVED', reviewNote: 'customer called' });
    expect((await admin(t, 'GET', '/risk/reviews')).json.reviews.some((r: any) => r.order.orderId === orderId)).toBe(false);
    expect(merchant.notificationsFor(request.requestId)).toHaveLength(1);
  });

  it('reject voids: CANCEL notified, the payer sees the payment was not approved', async () => {
    const request = held();
    await createAndPay(t, request, '378282246310005');
    const orderId = await orderIdOf(request.requestId);
    expect(await admin(t, 'POST', `/risk/reviews/${orderId}/reject`, { note: 'mismatched details' })).toMatchObject({ status: 200, json: { order: { state: 'CANCEL', declineCode: 'RISK_REVIEW_REJECTED' } } });
    expect(await notified(request.requestId)).toMatchObject({ status: 'CANCEL' });
    const page = await (await fetch(t.gateway.links.url(orderId))).text();
    expect(page).toContain('The payment could not be approved.');
  });

  it('reject as fraud also blocks the payer everywhere; the next attempt is denied', async () => {
    // Not a published sandbox card: those are never auto-blocked, since every sandbox user pays with them.
    const card = luhnCard('353011', 41);
    const request = held({ billInfo: { email: 'thief@example.com' } });
    await createAndPay(t, request, card);
    const orderId = await orderIdOf(request.requestId);
    await admin(t, 'POST', `/risk/reviews/${orderId}/reject`, { fraud: true });
    const entries = (await admin(t, 'GET', '/risk/lists?scope=*&list=BLOCK')).json.entries as any[];
    expect(entries.filter((e) => e.source === 'fraud').map((e) => e.kind).sort()).toEqual(['card', 'email']);
    expect(await createAndPay(t, order({ orderAmount: '100' }, merchant.notifyUrl), card)).toMatchObject({ status: 'FAILED', code: 'RISK_DECLINED' });
  });

  it('a held payment that needs 3-D Secure is held after the challenge passes', async () => {
    const request = held();
    expect((await createAndPay(t, request, '4000000000003220', '123456')).status).toBe('INIT');
    const orderId = await orderIdOf(request.requestId);
    expect((await t.gateway.orders.find(orderId))!.state).toBe('REVIEW');
    expect((await admin(t, 'POST', `/risk/reviews/${orderId}/approve`)).json.order.state).toBe('SUCCESS');
    expect(await notified(request.requestId)).toMatchObject({ status: 'SUCCESS' });
  });

  it('a held payment the channel declines never reaches the queue', async () => {
    const request = held();
    expect(await createAndPay(t, request, '4000000000000002')).toMatchObject({ status: 'FAILED', code: 'DO_NOT_HONOR' });
    const orderId = await orderIdOf(request.requestId);
    expect((await admin(t, 'GET', `/risk/attempts?orderId=${orderId}`)).json.attempts[0].reviewStatus).toBe('LAPSED');
    expect(await admin(t, 'POST', `/risk/reviews/${orderId}/approve`)).toMatchObject({ status: 409, json: { code: 'ORDER_NOT_IN_REVIEW' } });
    expect(await admin(t, 'POST', '/risk/reviews/nope/approve')).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_FOUND' } });
  });

  it('the merchant may cancel a held payment: the authorisation is voided, CANCEL notified, the review lapses', async () => {
    const request = held();
    await createAndPay(t, request, '6212345678901232');
    const orderId = await orderIdOf(request.requestId);
    expect((await t.client.cancelOrder({ requestId: request.requestId })).status).toBe('CANCEL');
    expect(await notified(request.requestId)).toMatchObject({ status: 'CANCEL' });
    expect((await t.gateway.orders.find(orderId))!.declineCode).toBe('CANCELLED_BY_MERCHANT');
    expect((await admin(t, 'GET', `/risk/attempts?orderId=${orderId}`)).json.attempts[0].reviewStatus).toBe('LAPSED');
    expect(await admin(t, 'POST', `/risk/reviews/${orderId}/approve`)).toMatchObject({ status: 409, json: { code: 'ORDER_NOT_IN_REVIEW' } });
  });

  it('every notification verified at the merchant', () => {
    expect(merchant.rejected).toEqual([]);
  });
});

describe.each(testDatabases())('held payments nobody reviews (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let nowMs = Date.UTC(2032, 2, 1);
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN }, { background: false, clock: () => nowMs });
    await loadRules(t, { amountLimits: { USD: { perTransactionMaxMinor: '10000', action: 'REVIEW' } } });
  });
  afterAll(async () => t?.close());

  it('are rejected and voided once the hold limit passes, not a moment before', async () => {
    const request = order({ orderAmount: '20000' });
    await createAndPay(t, request, '4242424242424242');
    const orderId = (await t.gateway.orders.findByRequest(t.merchant.merchantId, request.requestId))!.orderId;
    nowMs += RISK_REVIEW_HOLD_MS_MAX;
    expect(await t.gateway.reviews.expireStale(10)).toBe(0);
    expect((await t.gateway.orders.find(orderId))!.state).toBe('REVIEW');
    nowMs += 1;
    expect(await t.gateway.reviews.expireStale(10)).toBe(1);
    expect(await t.gateway.orders.find(orderId)).toMatchObject({ state: 'CANCEL', declineCode: 'RISK_REVIEW_REJECTED' });
    expect((await t.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson).status)).toEqual(['CANCEL']);
    expect((await admin(t, 'GET', `/risk/attempts?orderId=${orderId}`)).json.attempts[0]).toMatchObject({ reviewStatus: 'REJECTED', reviewNote: 'not reviewed within 5 days' });
    expect(await t.gateway.reviews.expireStale(10)).toBe(0);
  });
});
