/**
 * The merchant's disputes page API: its cases with deadlines, the backfill
 * answer with an attachment (the same service as the API's backfill),
 * accepting a chargeback, and delivery confirmation per order and by CSV.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, type PortalClient } from './portal-client.js';
import { paidOrder } from '../disputes/dispute-support.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(600, 0x20), Buffer.from('\n%%EOF\n')]);
const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100, 1)]);
const answer = {
  customerName: 'Han Meimei',
  customerEmail: 'han.meimei@example.com',
  productDescription: 'Silk scarf, red',
  statement: 'Delivered and signed for.',
  logisticsCompany: 'China Post EMS',
  trackingNumbers: ['EE123456789CN'],
};

describe.each(testDatabases())('merchant disputes and deliveries in the back office (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let finance: PortalClient;
  let support: PortalClient;
  let other: PortalClient;

  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
    finance = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'finance', t.merchant.merchantId)).client;
    support = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'support', t.merchant.merchantId)).client;
    await t.gateway.merchants.create({ merchantId: 'disputes-other', name: 'Other', sandbox: true, allowedHosts: ['*'] }, Date.now());
    other = (await loggedIn(t.gateway, t.baseUrl, 'merchant', 'admin', 'disputes-other')).client;
  });
  afterAll(async () => t?.close());

  it('lists the cases with their deadlines and answers a retrieval request with an attachment', async () => {
    await paidOrder(t, 'pd-retrieval', { amount: '3000' });
    const opened = await t.client.call('sandbox/retrieval', { requestId: 'pd-retrieval' });
    const disputeId = opened.disputeId as string;
    const list = await support.get('/m/disputes');
    expect(list.status).toBe(200);
    const row = list.json.disputes.find((d: { disputeId: string }) => d.disputeId === disputeId);
    expect(row).toMatchObject({ stage: 'RETRIEVAL', status: 'OPEN', orderRequestId: 'pd-retrieval', amountMinor: '3000', currency: 'USD' });
    expect(row.respondByMs).toBeGreaterThan(list.json.nowMs);
    expect((await other.get('/m/disputes')).json.disputes).toEqual([]);
    expect((await other.get(`/m/disputes/${disputeId}`)).json.code).toBe('DISPUTE_NOT_FOUND');

    // Support staff read only; a wrong file type is refused next to its field and changes nothing.
    expect((await support.post(`/m/disputes/${disputeId}/evidence`, { ...answer })).status).toBe(403);
    const gif = await finance.post(`/m/disputes/${disputeId}/evidence`, { ...answer, requestId: 'pd-ans-0', attachments: [{ name: 'a.gif', contentType: 'image/gif', contentBase64: GIF.toString('base64') }] });
    expect([gif.status, gif.json.code]).toEqual([400, 'ATTACHMENT_TYPE_NOT_ALLOWED']);
    const noEmail = await finance.post(`/m/disputes/${disputeId}/evidence`, { ...answer, customerEmail: 'nope' });
    expect([noEmail.json.code, noEmail.json.message.includes('customerEmail')]).toEqual(['FIELD_INVALID', true]);
    expect((await t.gateway.disputes.find(disputeId))!.status).toBe('OPEN');

    const body = { ...answer, requestId: 'pd-ans-1', attachments: [{ name: 'receipt.pdf', contentType: 'application/pdf', contentBase64: PDF.toString('base64') }] };
    const sent = await finance.post(`/m/disputes/${disputeId}/evidence`, body);
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ kind: 'submitted', dispute: { status: 'EVIDENCE_SUBMITTED' } });
    const sha256 = createHash('sha256').update(PDF).digest('hex');
    expect(sent.json.evidence.attachments).toEqual([{ name: 'receipt.pdf', contentType: 'application/pdf', sizeBytes: PDF.length, sha256 }]);
    expect(JSON.stringify(sent.json)).not.toContain('storagePath');
    expect((await finance.post(`/m/disputes/${disputeId}/evidence`, body)).json.kind).toBe('replayed');
    // Another merchant cannot answer it, nor fetch its files.
    expect((await other.post(`/m/disputes/${disputeId}/evidence`, { ...answer, requestId: 'x' })).json.code).toBe('DISPUTE_NOT_FOUND');
    expect((await other.get(`/m/disputes/${disputeId}/attachments/${sha256}`)).status).toBe(404);

    const detail = await support.get(`/m/disputes/${disputeId}`);
    expect(detail.json.history.map((h: { toStatus: string }) => h.toStatus)).toEqual(['OPEN', 'EVIDENCE_SUBMITTED']);
    const file = await fetch(`${t.baseUrl}/portal/api/m/disputes/${disputeId}/attachments/${sha256}`, { headers: { cookie: support.cookie } });
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
    const audit = await t.gateway.accounts.audit.list({ merchantId: t.merchant.merchantId, limit: 20 });
    expect(audit.filter((e) => e.action === 'dispute.evidence').map((e) => e.target)).toEqual([disputeId]);
  });

  it('accepts a chargeback with a reason, and refuses accepting a retrieval request', async () => {
    const orderId = await paidOrder(t, 'pd-chargeback', { amount: '2500' });
    const cb = await t.gateway.disputes.open({ orderId, stage: 'CHARGEBACK' }, { kind: 'OPERATOR', name: 'test' });
    expect((await finance.post(`/m/disputes/${cb.disputeId}/accept`, {})).json.code).toBe('FIELD_MISSING');
    expect((await other.post(`/m/disputes/${cb.disputeId}/accept`, { note: 'x' })).json.code).toBe('DISPUTE_NOT_FOUND');
    const accepted = await finance.post(`/m/disputes/${cb.disputeId}/accept`, { note: 'goods not shipped' });
    expect(accepted.json.dispute).toMatchObject({ status: 'ACCEPTED', stage: 'CHARGEBACK' });
    const history = await t.gateway.disputes.history(cb.disputeId);
    expect(history.at(-1)).toMatchObject({ actor: { kind: 'MERCHANT' }, toStatus: 'ACCEPTED', note: 'goods not shipped' });
    const again = await finance.post(`/m/disputes/${cb.disputeId}/accept`, { note: 'twice' });
    expect(again.json.code).toBe('DISPUTE_TRANSITION_INVALID');
  });

  it('confirms delivery for one order and from a CSV, a result per row', async () => {
    const a = await paidOrder(t, 'pd-ship-a');
    const b = await paidOrder(t, 'pd-ship-b');
    const when = new Date(Date.now() - 60_000).toISOString();
    const one = await finance.post(`/m/orders/${a}/delivery`, { status: 'SHIPPED', logisticsCompany: 'SF Express', trackingNumbers: 'SF100 SF101', time: String(Date.parse(when)) });
    expect(one.json).toMatchObject({ kind: 'recorded', deliveryStatus: 'SHIPPED', trackingNumbers: ['SF100', 'SF101'] });
    const bad = await finance.post(`/m/orders/${a}/delivery`, { status: 'LOST', logisticsCompany: 'SF Express', trackingNumbers: 'SF100', time: when });
    expect([bad.json.code, bad.json.message.includes('status')]).toEqual(['FIELD_INVALID', true]);
    expect((await other.post(`/m/orders/${a}/delivery`, { status: 'DELIVERED', logisticsCompany: 'SF', trackingNumbers: 'SF100', time: when })).json.code).toBe('ORDER_NOT_FOUND');

    const csv = [
      'serialNumber,status,logisticsCompany,trackingNumbers,time',
      `${a},DELIVERED,SF Express,SF100;SF101,${when}`,
      `${b},shipped,China Post,EE1,${when}`,
      `${b},DELIVERED,China Post,EE1,yesterday`,
      `missing,DELIVERED,China Post,EE1,${when}`,
    ].join('\n');
    const batch = await finance.post('/m/deliveries/batch', { csv });
    expect(batch.json.rows.map((r: { line: number; outcome: string; code: string | null }) => [r.line, r.outcome, r.code])).toEqual([
      [2, 'recorded', null],
      [3, 'recorded', null],
      [4, 'refused', 'FIELD_INVALID'],
      [5, 'refused', 'ORDER_NOT_FOUND'],
    ]);
    expect((await t.gateway.deliveries.forOrder(a)).map((d) => d.status).sort()).toEqual(['DELIVERED', 'SHIPPED']);
    expect((await support.post('/m/deliveries/batch', { csv })).status).toBe(403);
  });
});
