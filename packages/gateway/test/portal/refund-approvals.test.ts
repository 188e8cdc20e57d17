/**
 * Maker / checker: with the policy on, a portal refund above the threshold
 * waits for a second user (finance or admin, not the requester); only the
 * approval makes the refund, through the refund service. Batch rows obey
 * the same policy. Every step is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, type PortalClient } from './portal-client.js';

describe.each(testDatabases())('refund approval, maker / checker (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let admin: PortalClient;
  let maker: PortalClient;
  let checker: PortalClient;
  let support: PortalClient;
  let otherFinance: PortalClient;
  const paid: string[] = [];

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    admin = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', t.merchant.merchantId)).client;
    maker = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', t.merchant.merchantId)).client;
    checker = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', t.merchant.merchantId)).client;
    support = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId)).client;
    await t.gateway.merchants.create({ merchantId: 'approval-other', name: 'Other', sandbox: true, allowedHosts: ['*'] }, Date.now());
    otherFinance = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', 'approval-other')).client;
    for (const requestId of ['mc-1', 'mc-2', 'mc-3', 'mc-4']) {
      const created = await t.client.createIccOrder({ requestId, orderAmount: '5000', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
      paid.push(created.paymentOrderId!);
    }
  });
  afterAll(async () => t?.close());

  it('is off by default, and only an admin sets the policy, with field errors for bad input', async () => {
    expect((await maker.get('/m/refund-policy')).json.policy).toEqual({ mode: 'off', thresholdMinor: null, thresholdCurrency: null });
    expect((await maker.post('/m/refund-policy', { mode: 'all' })).status).toBe(403);
    const bad = await admin.post('/m/refund-policy', { mode: 'above', thresholdMinor: '12.5', thresholdCurrency: 'USD' });
    expect([bad.status, bad.json.code]).toEqual([400, 'AMOUNT_INVALID']);
    const badMode = await admin.post('/m/refund-policy', { mode: 'sometimes' });
    expect([badMode.status, badMode.json.code, badMode.text.includes('mode')]).toEqual([400, 'FIELD_INVALID', true]);
    const set = await admin.post('/m/refund-policy', { mode: 'above', thresholdMinor: '2000', thresholdCurrency: 'usd' });
    expect(set.json.policy).toEqual({ mode: 'above', thresholdMinor: '2000', thresholdCurrency: 'USD' });
    expect((await support.get('/m/refund-policy')).status).toBe(403);
  });

  it('refunds at or below the threshold at once, and holds one above it until a second user approves', async () => {
    const small = await maker.post(`/m/orders/${paid[0]}/refunds`, { requestId: 'mc-small', amountMinor: '2000' });
    expect([small.status, small.json.kind, small.json.refund?.state]).toEqual([200, 'created', 'SUCCESS']);

    const big = await maker.post(`/m/orders/${paid[1]}/refunds`, { requestId: 'mc-big', amountMinor: '2001', remark: 'broken' });
    expect(big.status).toBe(200);
    expect(big.json).toMatchObject({ kind: 'pending', approval: { state: 'PENDING', estimatedMinor: '2001', currency: 'USD', remark: 'broken' } });
    expect(await t.gateway.refunds.forOrder(paid[1]!)).toEqual([]);
    const approvalId: string = big.json.approval.approvalId;
    // The same form again answers the same waiting refund; other content under its number conflicts.
    const again = await maker.post(`/m/orders/${paid[1]}/refunds`, { requestId: 'mc-big', amountMinor: '2001', remark: 'broken' });
    expect([again.json.kind, again.json.approval.approvalId]).toEqual(['pending', approvalId]);
    expect((await maker.post(`/m/orders/${paid[1]}/refunds`, { requestId: 'mc-big', amountMinor: '2002' })).json.code).toBe('REQUEST_ID_CONFLICT');

    const list = await checker.get('/m/refund-approvals?state=PENDING');
    expect(list.json.approvals.map((a: { approvalId: string }) => a.approvalId)).toEqual([approvalId]);
    // Not the requester, not support staff, not another merchant.
    const self = await maker.post(`/m/refund-approvals/${approvalId}/decision`, { decision: 'approve' });
    expect([self.status, self.json.code]).toEqual([403, 'PORTAL_APPROVAL_SELF']);
    expect((await support.post(`/m/refund-approvals/${approvalId}/decision`, { decision: 'approve' })).status).toBe(403);
    const foreign = await otherFinance.post(`/m/refund-approvals/${approvalId}/decision`, { decision: 'approve' });
    expect([foreign.status, foreign.json.code]).toEqual([404, 'PORTAL_APPROVAL_NOT_FOUND']);
    expect((await otherFinance.get('/m/refund-approvals')).json.approvals).toEqual([]);
    expect(await t.gateway.refunds.forOrder(paid[1]!)).toEqual([]);

    const approved = await checker.post(`/m/refund-approvals/${approvalId}/decision`, { decision: 'approve', note: 'checked the return' });
    expect(approved.status).toBe(200);
    expect(approved.json.approval).toMatchObject({ state: 'APPROVED', refundState: 'SUCCESS', failureCode: null, decisionNote: 'checked the return' });
    expect((await t.gateway.refunds.forOrder(paid[1]!)).map((r) => [r.requestId, r.amountMinor, r.state])).toEqual([['mc-big', 2001n, 'SUCCESS']]);
    const twice = await admin.post(`/m/refund-approvals/${approvalId}/decision`, { decision: 'reject' });
    expect([twice.status, twice.json.code]).toEqual([409, 'PORTAL_APPROVAL_CLOSED']);
    // The maker's form sent once more now finds the approval, and the refund exists once.
    expect((await maker.post(`/m/orders/${paid[1]}/refunds`, { requestId: 'mc-big', amountMinor: '2001', remark: 'broken' })).json.kind).toBe('pending');
    expect(await t.gateway.refunds.forOrder(paid[1]!)).toHaveLength(1);

    const audit = await t.gateway.accounts.audit.list({ merchantId: t.merchant.merchantId, limit: 50 });
    expect(audit.filter((e) => e.target === paid[1]).map((e) => e.action)).toEqual(['refund.approve', 'refund.approval_request']);
  });

  it('rejects without refunding, and keeps the refund invariant when the room went meanwhile', async () => {
    const asked = await maker.post(`/m/orders/${paid[2]}/refunds`, { requestId: 'mc-reject', amountMinor: '3000' });
    const rejected = await checker.post(`/m/refund-approvals/${asked.json.approval.approvalId}/decision`, { decision: 'reject', note: 'no return received' });
    expect(rejected.json.approval).toMatchObject({ state: 'REJECTED', refundId: null });
    expect(await t.gateway.refunds.forOrder(paid[2]!)).toEqual([]);

    // Two waiting refunds that together exceed the order: the second approval is refused by the refund core.
    await admin.post('/m/refund-policy', { mode: 'all' });
    const a = await maker.post(`/m/orders/${paid[3]}/refunds`, { requestId: 'mc-room-a', amountMinor: '4000' });
    const b = await maker.post(`/m/orders/${paid[3]}/refunds`, { requestId: 'mc-room-b', amountMinor: '4000' });
    expect([a.json.kind, b.json.kind]).toEqual(['pending', 'pending']);
    expect((await checker.post(`/m/refund-approvals/${a.json.approval.approvalId}/decision`, { decision: 'approve' })).json.approval.refundState).toBe('SUCCESS');
    const late = await checker.post(`/m/refund-approvals/${b.json.approval.approvalId}/decision`, { decision: 'approve' });
    expect(late.json.approval).toMatchObject({ state: 'APPROVED', refundState: 'REFUSED', failureCode: 'REFUND_AMOUNT_EXCEEDED', refundId: null });
    expect((await t.gateway.refunds.forOrder(paid[3]!)).map((r) => r.amountMinor)).toEqual([4000n]);
    // Asking for more than is refundable is refused at once, not queued.
    const tooMuch = await maker.post(`/m/orders/${paid[3]}/refunds`, { requestId: 'mc-room-c', amountMinor: '1001' });
    expect(tooMuch.json.code).toBe('REFUND_AMOUNT_EXCEEDED');
  });

  it('holds batch rows under the same policy', async () => {
    const csv = ['serialNumber,requestId,amountMinor,remark', `${paid[0]},mc-batch-1,100,`, `no-such-order,mc-batch-2,100,`].join('\n');
    const batch = await maker.post('/m/refunds/batch', { csv });
    expect(batch.json.rows.map((r: { outcome: string; code: string | null }) => [r.outcome, r.code])).toEqual([
      ['pending', null],
      ['refused', 'ORDER_NOT_FOUND'],
    ]);
    expect((await t.gateway.refunds.forOrder(paid[0]!)).map((r) => r.requestId)).toEqual(['mc-small']);
    const waiting = (await checker.get('/m/refund-approvals?state=PENDING')).json.approvals;
    expect(waiting.map((a: { requestId: string }) => a.requestId)).toEqual(['mc-batch-1']);
    await admin.post(`/m/refund-approvals/${waiting[0].approvalId}/decision`, { decision: 'approve' });
    expect((await t.gateway.refunds.forOrder(paid[0]!)).map((r) => r.requestId).sort()).toEqual(['mc-batch-1', 'mc-small']);
    await admin.post('/m/refund-policy', { mode: 'off' });
  });

  it('lets one of two checkers deciding at once win, and finishes an approval the gateway stopped in the middle of', async () => {
    await admin.post('/m/refund-policy', { mode: 'all' });
    const created = await t.client.createIccOrder({ requestId: 'mc-race', orderAmount: '5000', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId: 'mc-race', cardNumber: '4242424242424242' });
    const orderId = created.paymentOrderId!;
    const asked = await maker.post(`/m/orders/${orderId}/refunds`, { requestId: 'mc-race-r', amountMinor: '1000' });
    const approvalId: string = asked.json.approval.approvalId;
    const answers = await Promise.all([checker.post(`/m/refund-approvals/${approvalId}/decision`, { decision: 'approve' }), admin.post(`/m/refund-approvals/${approvalId}/decision`, { decision: 'reject' })]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.json.approval.state as string;
    expect((await t.gateway.refunds.forOrder(orderId)).length).toBe(winner === 'APPROVED' ? 1 : 0);

    // Approved, but stopped before the refund service answered: approving again sends it, once.
    const second = await maker.post(`/m/orders/${orderId}/refunds`, { requestId: 'mc-resume', amountMinor: '500' });
    const resumeId: string = second.json.approval.approvalId;
    await t.gateway.database.db.updateTable('portal_refund_approvals').set({ state: 'APPROVED', decided_by_email: 'x', decided_at_ms: BigInt(Date.now()) }).where('approval_id', '=', resumeId).execute();
    const resumed = await checker.post(`/m/refund-approvals/${resumeId}/decision`, { decision: 'approve' });
    expect(resumed.json.approval).toMatchObject({ state: 'APPROVED', refundState: 'SUCCESS' });
    const again = await checker.post(`/m/refund-approvals/${resumeId}/decision`, { decision: 'approve' });
    expect(again.json.code).toBe('PORTAL_APPROVAL_CLOSED');
    expect((await t.gateway.refunds.forOrder(orderId)).filter((r) => r.requestId === 'mc-resume')).toHaveLength(1);
    await admin.post('/m/refund-policy', { mode: 'off' });
  });
});
