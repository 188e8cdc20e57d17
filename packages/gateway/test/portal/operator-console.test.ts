/**
 * The operator console's API on every database: onboarding with a key
 * bundle that really signs requests, suspension refused with
 * MERCHANT_SUSPENDED, merchant settings, the FX review queue with the proof
 * file, disputes opened and decided, a settlement run, a reconciliation
 * mismatch report, matching an unmatched remittance, and channel health.
 * Every state change leaves an audit entry; bad input changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayEaseClient } from '@opencashier/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { loggedIn, type PortalClient } from './portal-client.js';
import { MERCHANT_CACHE_TTL_MS } from '../../src/protocols/payease/gateway-envelope.js';
import { FX_STUDY } from '../fx-fixtures.js';

describe.each(testDatabases())('operator console API (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let admin: PortalClient;
  let finance: PortalClient;
  let risk: PortalClient;
  let readOnly: PortalClient;
  // 10:00 in Beijing; moved forward by the tests that need a closed day.
  let now = Date.parse('2026-11-21T02:00:00Z');
  const scratch = mkdtempSync(join(tmpdir(), 'opencashier-operator-'));

  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_FX_REVIEW_RULES: '{"STUDYABROAD":"0","*":"100000000"}' }, { background: false, clock: () => now });
    admin = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'super_admin', null)).client;
    finance = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'finance', null)).client;
    risk = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'risk', null)).client;
    readOnly = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'read_only', null)).client;
  });
  afterAll(async () => {
    await t?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const audit = async (action: string) => (await t.gateway.accounts.audit.list({ limit: 500 })).filter((e) => e.action === action);

  it('onboards a merchant with a key bundle that signs requests; suspension refuses its API calls with MERCHANT_SUSPENDED', async () => {
    const form = { merchantId: '200000001', name: 'Blue Shop', mode: 'sandbox', allowedHosts: 'shop.example.com, 127.0.0.1', methods: ['CARD', 'ALIPAY_SCAN'], plans: [{ method: 'CARD', currency: 'USD', percentBps: 290, fixedMinor: '30' }] };
    // Refused input names the field and creates nothing.
    const badHost = await admin.post('/o/merchants', { ...form, allowedHosts: 'shop.example.com, bad_host!' });
    expect(badHost.status).toBe(400);
    expect(badHost.json).toMatchObject({ code: 'FIELD_INVALID' });
    expect(badHost.json.message).toContain('allowedHosts');
    expect((await admin.post('/o/merchants', { ...form, merchantId: '12345' })).json.message).toContain('merchantId');
    expect((await admin.post('/o/merchants', { ...form, mode: 'staging' })).json.message).toContain('mode');
    expect((await admin.post('/o/merchants', { ...form, plans: [{ method: 'CARD', currency: 'USD', fixedMinor: '1.5' }] })).json).toMatchObject({ code: 'AMOUNT_INVALID', field: 'plans[0].fixedMinor' });
    expect(await t.gateway.merchants.find('200000001')).toBeUndefined();
    // Only a super admin onboards.
    expect((await finance.post('/o/merchants', form)).status).toBe(403);

    const created = await admin.post('/o/merchants', form);
    expect(created.status).toBe(200);
    expect(created.json.merchant).toMatchObject({ merchantId: '200000001', name: 'Blue Shop', status: 'active', sandbox: true, allowedHosts: ['shop.example.com', '127.0.0.1'] });
    expect(created.json.methods).toEqual(['CARD', 'ALIPAY_SCAN']);
    expect(await t.gateway.crossBorder.pricing.feePlans('200000001')).toEqual([{ method: 'CARD', currency: 'USD', percentBps: 290, fixedMinor: 30n, minimumMinor: 0n }]);
    const bundle = created.json.bundle;
    expect(bundle.pfxPassword.length).toBeGreaterThan(8);
    expect(bundle.globalJson.appid).toBe('200000001001');
    expect((await admin.post('/o/merchants', form)).json.message).toContain('exists');

    // The bundle is what the merchant's developers install: the pfx signs, the gateway certificate opens the answers.
    const pfxPath = join(scratch, 'blue.pfx');
    const gatewayCertPath = join(scratch, 'gateway.cer');
    writeFileSync(pfxPath, Buffer.from(bundle.pfxBase64, 'base64'));
    writeFileSync(gatewayCertPath, Buffer.from(bundle.gatewayCertificateBase64, 'base64'));
    const client = PayEaseClient.fromFiles({ merchantId: '200000001', pfxPath, pfxPassword: bundle.pfxPassword, gatewayCertPath, baseUrl: t.baseUrl });
    const order = { orderAmount: '1500', orderCurrency: 'USD', notifyUrl: 'http://shop.example.com/n', callbackUrl: 'http://shop.example.com/r' };
    expect((await client.createIccOrder({ requestId: 'blue-1', ...order })).paymentOrderId).toBeTruthy();
    // Saved as downloaded, the bundle itself loads: the SDK reads it as it was handed out.
    const bundleFile = join(scratch, 'blue-bundle.json');
    writeFileSync(bundleFile, JSON.stringify(bundle));
    const fromBundle = PayEaseClient.fromFiles(bundleFile);
    expect(fromBundle.merchantCertificate?.fingerprint256).toBe(client.merchantCertificate?.fingerprint256);
    expect((await fromBundle.createIccOrder({ requestId: 'blue-bundle', ...order })).paymentOrderId).toBeTruthy();

    expect((await admin.post('/o/merchants/200000001/status', { status: 'suspended' })).json.message).toContain('reason');
    const suspended = await admin.post('/o/merchants/200000001/status', { status: 'suspended', reason: 'KYC documents expired' });
    expect(suspended.json.merchant.status).toBe('suspended');
    // Each node reads a merchant again within seconds (the envelope's cache).
    now += MERCHANT_CACHE_TTL_MS + 1;
    await expect(client.createIccOrder({ requestId: 'blue-2', ...order })).rejects.toMatchObject({ code: 'MERCHANT_SUSPENDED' });
    expect((await admin.post('/o/merchants/200000001/status', { status: 'active' })).status).toBe(200);
    now += MERCHANT_CACHE_TTL_MS + 1;
    expect((await client.createIccOrder({ requestId: 'blue-3', ...order })).paymentOrderId).toBeTruthy();

    expect((await audit('merchant.onboard')).map((e) => e.target)).toEqual(['200000001']);
    expect((await audit('merchant.suspend'))[0]).toMatchObject({ target: '200000001', before: { status: 'active' }, after: { status: 'suspended', reason: 'KYC documents expired' } });
    expect((await audit('merchant.reactivate')).length).toBe(1);
    // The bundle's secrets never reach the audit log.
    expect(JSON.stringify(await t.gateway.accounts.audit.list({ limit: 500 }))).not.toContain(bundle.pfxPassword);
  });

  it("changes a merchant's mode, hosts, methods, pricing and fee plans, each audited; a refused field changes nothing", async () => {
    const id = t.merchant.merchantId;
    const before = await admin.get(`/o/merchants/${id}`);
    expect(before.json.merchant.sandbox).toBe(true);
    expect(before.json.availableMethods.map((m: { method: string }) => m.method)).toContain('CARD');
    const refused = await admin.post(`/o/merchants/${id}/settings`, { mode: 'live', allowedHosts: 'shop.example.com', methods: ['CARD', 'TELEPATHY'] });
    expect(refused.json.message).toContain('TELEPATHY');
    expect((await t.gateway.merchants.find(id))!.sandbox).toBe(true);

    // Public hosts: a live merchant's URLs may not name an internal address (URL_NOT_ALLOWED).
    const order = { orderAmount: '700', notifyUrl: 'https://shop.example.com/n', callbackUrl: 'https://shop.example.com/r' };
    const earlier = await t.client.createIccOrder({ requestId: 'op-usd-before', orderCurrency: 'USD', ...order });
    expect((await admin.post(`/o/merchants/${id}/settings`, { mode: 'live', allowedHosts: '*', currencies: 'CNY, XYZ' })).json).toMatchObject({ code: 'FIELD_INVALID', field: 'currencies' });
    const saved = await admin.post(`/o/merchants/${id}/settings`, { mode: 'live', allowedHosts: '*', methods: ['CARD', 'OFFLINE'], currencies: 'cny, JPY', fxMarkupBps: '25', settlementDelayDays: '2' });
    expect(saved.status).toBe(200);
    expect(saved.json.merchant.currencies).toEqual(['CNY', 'JPY']);
    now += MERCHANT_CACHE_TTL_MS + 1;
    // A currency left out is refused; an order made before in it still answers its replay.
    await expect(t.client.createIccOrder({ requestId: 'op-usd-after', orderCurrency: 'USD', ...order })).rejects.toMatchObject({ code: 'CURRENCY_UNSUPPORTED' });
    expect((await t.client.createIccOrder({ requestId: 'op-usd-before', orderCurrency: 'USD', ...order })).paymentOrderId).toBe(earlier.paymentOrderId);
    expect((await t.client.createIccOrder({ requestId: 'op-jpy-after', orderCurrency: 'JPY', ...order })).paymentOrderId).toBeTruthy();
    expect(saved.json).toMatchObject({ methods: ['CARD', 'OFFLINE'], fxMarkupBps: 25, settlementDelayDays: 2 });
    expect((await t.gateway.merchants.find(id))!.sandbox).toBe(false);
    const plans = await admin.post(`/o/merchants/${id}/fee-plans`, { plans: [{ method: 'CARD', currency: 'USD', percentBps: 290, fixedMinor: '30' }] });
    expect(plans.json.feePlans).toEqual([{ method: 'CARD', currency: 'USD', percentBps: 290, fixedMinor: '30', minimumMinor: '0' }]);
    expect((await admin.post(`/o/merchants/${id}/fee-plans`, { plans: [{ method: 'CARD', currency: '*', fixedMinor: '30' }] })).status).toBe(400);
    const [settings] = await audit('merchant.settings');
    expect(settings).toMatchObject({ before: { sandbox: true }, after: { sandbox: false, methods: ['CARD', 'OFFLINE'], fxMarkupBps: 25 } });
    expect((await audit('merchant.fee_plans')).length).toBe(1);
    // Back to sandbox and every method for the tests that follow.
    await admin.post(`/o/merchants/${id}/settings`, { mode: 'sandbox', allowedHosts: '*', methods: [], currencies: '', fxMarkupBps: '0' });
    now += MERCHANT_CACHE_TTL_MS + 1;
    expect((await t.gateway.merchants.find(id))!.currencies).toBeNull();
  });

  it('reviews an FX purchase order: the queue, the proof file, a refusal needs a remark, approval buys', async () => {
    const call = (path: string, payload: Record<string, unknown>) => t.client.call(path, { merchantId: t.merchant.merchantId, ...payload });
    const created = await call('foreignExchange/order', { ...FX_STUDY, requestId: 'op-fx-1', orderAmount: '10000', fileName: 'offer.pdf' });
    const serialNumber = created.serialNumber as string;
    await call('sandbox/pay', { requestId: 'op-fx-1', cardNumber: '4242424242424242' });
    const lock = await call('foreignExchange/listpriceLock', { requestId: 'op-lock-1', orderCurrency: 'USD' });

    const waiting = await readOnly.get('/o/fx/orders?review=INIT');
    expect(waiting.json.orders.map((o: { serialNumber: string }) => o.serialNumber)).toContain(serialNumber);
    expect((await readOnly.get(`/o/fx/orders/${serialNumber}/proof`)).json.code).toBe('PROOF_FILE_NOT_FOUND');
    const grant = await call('foreignExchange/proofUpload', { fileName: 'offer.pdf' });
    await fetch(grant.uploadUrl as string, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.7 offer letter') });

    const queue = await finance.get('/o/fx/orders');
    const row = queue.json.orders.find((o: { serialNumber: string }) => o.serialNumber === serialNumber);
    expect(row).toMatchObject({ reviewStatus: 'UPLOADED', proofPresent: true, fileName: 'offer.pdf', forUse: 'STUDYABROAD', orderAmountMinor: '10000' });
    const proof = await finance.request('GET', `/o/fx/orders/${serialNumber}/proof`);
    expect(proof.status).toBe(200);
    expect(proof.headers.get('content-type')).toBe('application/pdf');
    expect(proof.text).toBe('%PDF-1.7 offer letter');

    expect((await readOnly.post(`/o/fx/orders/${serialNumber}/review`, { decision: 'SUCCESS' })).status).toBe(403);
    expect((await finance.post(`/o/fx/orders/${serialNumber}/review`, { decision: 'REFUSE' })).json).toMatchObject({ code: 'FIELD_MISSING' });
    const approved = await finance.post(`/o/fx/orders/${serialNumber}/review`, { decision: 'SUCCESS', remark: 'offer letter checked' });
    expect(approved.json.order).toMatchObject({ reviewStatus: 'SUCCESS', reviewRemark: 'offer letter checked', purchaseStatus: 'SUCCESS' });
    expect((await call('foreignExchange/query', { requestId: 'op-fx-1' })).reviewStatus).toBe('SUCCESS');
    expect((await finance.post(`/o/fx/orders/${serialNumber}/review`, { decision: 'REFUSE', remark: 'again' })).json.code).toBe('REVIEW_NOT_ALLOWED');
    expect((await audit('fx_order.review'))[0]).toMatchObject({ target: serialNumber, before: { reviewStatus: 'UPLOADED' }, after: { reviewStatus: 'SUCCESS', purchaseStatus: 'SUCCESS' } });

    const rates = await readOnly.get('/o/fx/rates');
    expect(rates.json.rates.some((r: { pair: string }) => r.pair === 'USD/CNY')).toBe(true);
    expect(rates.json.history.some((h: { pair: string; uses: number }) => h.pair === 'USD/CNY' && h.uses >= 1)).toBe(true);
    const locks = await readOnly.get('/o/fx/locks');
    expect(locks.json.locks.map((l: { quoteId: string; requestId: string }) => l.requestId)).toContain('op-lock-1');
    expect(lock.listPriceToken).toBeTruthy();
  });

  it('opens a chargeback from an acquirer file and decides it; a read-only operator cannot', async () => {
    await t.client.createIccOrder({ requestId: 'op-cb-1', orderAmount: '2500', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId: 'op-cb-1', cardNumber: '4242424242424242' });
    const form = { merchantId: t.merchant.merchantId, order: 'op-cb-1', stage: 'CHARGEBACK', reasonCode: '4837', acquirerReference: 'ACQ-77', respondByDays: '10' };
    expect((await readOnly.post('/o/disputes', form)).status).toBe(403);
    expect((await risk.post('/o/disputes', { ...form, order: 'no-such-order' })).json.code).toBe('ORDER_NOT_FOUND');
    const opened = await risk.post('/o/disputes', form);
    expect(opened.json.dispute).toMatchObject({ stage: 'CHARGEBACK', reasonCode: '4837', amountMinor: '2500', currency: 'USD', acquirerReference: 'ACQ-77' });
    const disputeId = opened.json.dispute.disputeId as string;
    expect((await readOnly.get('/o/disputes')).json.disputes.map((d: { disputeId: string }) => d.disputeId)).toContain(disputeId);
    expect((await risk.post(`/o/disputes/${disputeId}/decide`, { outcome: 'MAYBE' })).json.code).toBe('FIELD_INVALID');
    const decided = await risk.post(`/o/disputes/${disputeId}/decide`, { outcome: 'WON', note: 'delivery proven' });
    expect(decided.json.dispute.status).toBe('WON');
    const detail = await readOnly.get(`/o/disputes/${disputeId}`);
    expect(detail.json.history.length).toBeGreaterThanOrEqual(2);
    expect((await audit('dispute.open')).map((e) => e.target)).toEqual([disputeId]);
    expect((await audit('dispute.decide'))[0]).toMatchObject({ target: disputeId, after: { outcome: 'WON' } });
  });

  it("records an acquirer's dispute file row by row; the same file again opens nothing twice", async () => {
    const serials: string[] = [];
    for (const requestId of ['op-file-1', 'op-file-2']) {
      const created = await t.client.createIccOrder({ requestId, orderAmount: '1200', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      await t.client.call('sandbox/pay', { requestId, cardNumber: '4242424242424242' });
      serials.push(created.paymentOrderId!);
    }
    const id = t.merchant.merchantId;
    const file = [
      'merchantId,order,stage,acquirerReference,reasonCode,amountMinor,respondByDays,reasonText',
      `${id},op-file-1,RETRIEVAL,RR-1,,,,"copy of the receipt, please"`,
      `${id},${serials[1]},CHARGEBACK,CB-2,4837,600,20,`,
      `${id},op-file-2,CHARGEBACK,,4837,,,`,
      `${id},nothing-like-it,CHARGEBACK,CB-9,,,,`,
    ].join('\n');
    expect((await risk.post('/o/disputes/file', { csv: 'order,stage\nx,y\n' })).json).toMatchObject({ code: 'FIELD_INVALID', field: 'csv' });
    const first = await risk.post('/o/disputes/file', { csv: file });
    expect(first.json.rows.map((r: { line: number; outcome: string; code: string | null }) => [r.line, r.outcome, r.code])).toEqual([
      [2, 'recorded', null],
      [3, 'recorded', null],
      [4, 'refused', 'FIELD_MISSING'],
      [5, 'refused', 'ORDER_NOT_FOUND'],
    ]);
    const again = await risk.post('/o/disputes/file', { csv: file });
    expect(again.json.rows.map((r: { disputeId: string | null }) => r.disputeId)).toEqual(first.json.rows.map((r: { disputeId: string | null }) => r.disputeId));
    const cases = (await t.gateway.disputes.list({ limit: 100 })).filter((d) => serials.includes(d.orderId));
    expect(cases.map((d) => [d.stage, d.acquirerReference, d.amountMinor, d.reasonText]).sort()).toEqual([
      ['CHARGEBACK', 'CB-2', 600n, null],
      ['RETRIEVAL', 'RR-1', 1200n, 'copy of the receipt, please'],
    ]);
    expect((await audit('dispute.file'))[0]).toMatchObject({ after: { refused: 2 } });
    expect((await readOnly.post('/o/disputes/file', { csv: file })).status).toBe(403);
  });

  it('matches an unmatched bank transfer to its remittance order, which is then paid', async () => {
    const answer = await t.client.createOnlinePayOrder({ requestId: 'op-rm-1', orderAmount: '50000', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', paymentModeCode: 'OFFLINE-P2P' });
    const serialNumber = answer.paymentOrderId!;
    const recorded = await t.gateway.remittances.record({ bankReference: 'BANK-OP-1', postscript: 'MISTYPED', amountMinor: 50000n as never, currency: 'CNY', payerName: 'Wang Wu' });
    expect(recorded.transfer.outcome).toBe('UNMATCHED');
    const listed = await readOnly.get('/o/remittances');
    expect(listed.json.transfers.map((x: { transferId: string }) => x.transferId)).toContain(recorded.transfer.transferId);
    expect((await readOnly.post(`/o/remittances/${recorded.transfer.transferId}/match`, { orderId: serialNumber })).status).toBe(403);
    expect((await finance.post(`/o/remittances/${recorded.transfer.transferId}/match`, { orderId: 'nothing' })).json.code).toBe('ORDER_NOT_FOUND');
    const matched = await finance.post(`/o/remittances/${recorded.transfer.transferId}/match`, { orderId: serialNumber });
    expect(matched.json).toMatchObject({ transfer: { outcome: 'SETTLED', orderId: serialNumber }, order: { state: 'SUCCESS' } });
    expect((await finance.post(`/o/remittances/${recorded.transfer.transferId}/match`, { orderId: serialNumber })).json.code).toBe('FIELD_INVALID');
    expect((await audit('remittance.match'))[0]).toMatchObject({ target: recorded.transfer.transferId, after: { outcome: 'SETTLED' } });
  });

  it('reports channel health from the orders it took', async () => {
    // An issuer decline is the channel working: it counts as a decline, not as an error.
    await t.client.createIccOrder({ requestId: 'op-health-declined', orderAmount: '1000', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId: 'op-health-declined', cardNumber: '4000000000000002' });
    const health = await readOnly.get('/o/channels?hours=24');
    const card = health.json.channels.find((c: { methods: string[] }) => c.methods.includes('CARD'));
    expect(card.orders).toBeGreaterThanOrEqual(3);
    expect(card.succeeded).toBeGreaterThanOrEqual(2);
    expect(card.declined).toBeGreaterThanOrEqual(1);
    expect(card.errorRateBps).toBe(0);
    expect(card.declineRateBps).toBeGreaterThan(0);
    // The card channel's own answers were timed: every authorisation the payments above made.
    const authorize = card.calls.find((c: { operation: string }) => c.operation === 'authorize');
    expect(authorize.calls).toBeGreaterThanOrEqual(card.succeeded);
    expect(authorize.failures).toBe(0);
    expect(typeof authorize.p95Ms).toBe('number');
    expect((await readOnly.get('/o/channels?hours=0')).json.code).toBe('FIELD_INVALID');
  });

  it('runs the settlement of a closed day and reports a statement that differs as mismatches', async () => {
    expect((await finance.post('/o/settlements/run', { merchantId: t.merchant.merchantId, date: '2026-11-21' })).json.code).toBe('SETTLEMENT_NOT_FOUND');
    now = Date.parse('2026-11-22T02:00:00Z');
    // A day later the sessions have ended: log in again.
    finance = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'finance', null)).client;
    risk = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'risk', null)).client;
    readOnly = (await loggedIn(t.gateway, t.baseUrl, 'operator', 'read_only', null)).client;
    expect((await risk.post('/o/settlements/run', { merchantId: t.merchant.merchantId, date: '2026-11-21' })).status).toBe(403);
    const run = await finance.post('/o/settlements/run', { merchantId: t.merchant.merchantId, date: '2026-11-21' });
    expect(run.status).toBe(200);
    expect(run.json.batch).toMatchObject({ businessDate: '2026-11-21', currency: 'CNY' });
    expect(BigInt(run.json.batch.capturedMinor)).toBeGreaterThan(0n);
    expect((await readOnly.get('/o/settlements')).json.batches.map((b: { batchId: string }) => b.batchId)).toContain(run.json.batch.batchId);
    const statementCsv = await readOnly.get(`/o/settlements/${t.merchant.merchantId}/2026-11-21/statement.csv`);
    expect(statementCsv.headers.get('content-type')).toContain('text/csv');
    expect(statementCsv.text).toContain(`#batch,${run.json.batch.batchId},2026-11-21`);
    // Reading a statement never builds a batch.
    expect((await readOnly.get(`/o/settlements/${t.merchant.merchantId}/2026-11-20/statement.csv`)).json.code).toBe('SETTLEMENT_NOT_FOUND');
    const ourFile = await readOnly.get(`/o/reconciliation/${t.merchant.merchantId}/2026-11-21/file.csv`);
    expect(ourFile.status).toBe(200);
    expect(ourFile.text).toContain('serialNumber');

    const cb = await t.client.queryIccOrder({ requestId: 'op-cb-1' });
    const statement = `serialNumber,type,currency,amount,status\n${cb.serialNumber},PAYMENT,USD,2400,SUCCESS\nGHOST-1,PAYMENT,USD,100,SUCCESS\n`;
    expect((await finance.post('/o/reconciliation/check', { date: '2026-11-21', statement: 'nothing,useful\n' })).json.message).toContain('statement');
    const report = await finance.post('/o/reconciliation/check', { date: '2026-11-21', merchantId: t.merchant.merchantId, statement });
    expect(report.status).toBe(200);
    const classes = report.json.mismatches.map((m: { class: string; serialNumber: string }) => `${m.class}:${m.serialNumber}`);
    expect(classes).toContain(`AMOUNT:${cb.serialNumber}`);
    expect(classes).toContain('MISSING_OURS:GHOST-1');
    expect((await audit('settlement.run')).length).toBe(1);
    expect((await audit('reconciliation.check'))[0]).toMatchObject({ after: { mismatches: report.json.mismatches.length } });
  });
});
