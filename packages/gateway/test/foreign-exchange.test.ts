import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { adminClient } from './admin-client.js';
import { FX_STUDY } from './fx-fixtures.js';

const ADMIN = 'fx-order-admin-token';

describe.each(testDatabases())('FX purchase orders end to end (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.parse('2026-11-21T02:00:00Z'); // 10:00 in Beijing
  // Each reading of the clock is a millisecond later: what one request writes keeps its order in time,
  // so notifications sort by time in the order they were written, on every database.
  let ticks = 0;
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN, OPENCASHIER_FX_REVIEW_RULES: '{"STUDYABROAD":"0","*":"100000000"}' }, { background: false, clock: () => now + ticks++ });
    await admin('PUT', `/merchants/${t.merchant.merchantId}/fee-plans`, { plans: [{ method: 'FX', currency: 'CNY', percentBps: 100 }] });
  });
  afterAll(async () => t?.close());

  const admin = adminClient(() => t, ADMIN);
  const call = (path: string, payload: Record<string, unknown>) => t.client.call(path, { merchantId: t.merchant.merchantId, ...payload });
  const notes = async (orderId: string) => (await t.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson) as Record<string, unknown>);
  const study = FX_STUDY;

  it('a USD price locks a rate, is paid in CNY, passes review with its proof, buys USD, settles and reconciles', async () => {
    const lock = await call('foreignExchange/listpriceLock', { requestId: 'fx-lock-1', orderCurrency: 'USD' });
    const created = await call('foreignExchange/order', { ...study, requestId: 'fx-1', orderAmount: '10000', listPriceToken: lock.listPriceToken, fileName: 'offer-letter.pdf' });
    expect(created).toMatchObject({ status: 'REDIRECT', orderAmount: '10000', orderCurrency: 'USD', paymentAmount: '71400', paymentCurrency: 'CNY', listprice: '7.14', needReview: 'true', reviewStatus: 'INIT' });
    expect(created.redirectUrl).toMatch(/\/cashier\//);
    const orderId = created.serialNumber as string;
    // The same requestId again: the same order; the token is spent for any other order.
    expect((await call('foreignExchange/order', { ...study, requestId: 'fx-1', orderAmount: '10000', listPriceToken: lock.listPriceToken, fileName: 'offer-letter.pdf' })).serialNumber).toBe(orderId);
    await expect(call('foreignExchange/order', { ...study, requestId: 'fx-1b', orderAmount: '10000', listPriceToken: lock.listPriceToken })).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_USED' });

    await call('sandbox/pay', { requestId: 'fx-1', cardNumber: '4242424242424242' });
    let q = await call('foreignExchange/query', { requestId: 'fx-1' });
    expect(q).toMatchObject({ status: 'SUCCESS', orderAmount: '10000', orderCurrency: 'USD', feeAmount: '714', payment: { amount: '71400', currency: 'CNY', status: 'SUCCESS', completeDateTime: '2026-11-21 10:00:00' }, needReview: 'true', reviewStatus: 'INIT' });
    expect(q.foreignExchange).toBeUndefined();
    // Review waits for the proof: nothing is bought yet, and SUCCESS cannot be given without a file.
    expect(await t.gateway.crossBorder.fxOrders().executeDue(10)).toBe(0);
    expect((await admin('POST', `/fx-orders/${orderId}/review`, { decision: 'SUCCESS' })).status).toBe(409);

    const grant = await call('foreignExchange/proofUpload', { fileName: 'offer-letter.pdf' });
    const put = await fetch(grant.uploadUrl as string, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: Buffer.from('%PDF-1.7 offer') });
    expect(await put.json()).toMatchObject({ status: 'SUCCESS', ordersUploaded: 1 });
    expect((await fetch((grant.uploadUrl as string).replace('offer-letter', 'other'), { method: 'PUT', body: 'x' })).status).toBe(404);
    expect((await call('foreignExchange/query', { requestId: 'fx-1' })).reviewStatus).toBe('UPLOADED');

    const reviewed = await admin('POST', `/fx-orders/${orderId}/review`, { decision: 'SUCCESS', remark: 'offer letter checked' });
    expect(await reviewed.json()).toMatchObject({ reviewStatus: 'SUCCESS', purchaseStatus: 'SUCCESS' });
    q = await call('foreignExchange/query', { requestId: 'fx-1' });
    // 71400 − 1% fee = 70686 fen at the locked 7.14 buys exactly $99.00.
    expect(q.foreignExchange).toEqual({ amount: '9900', currency: 'USD', status: 'SUCCESS', listprice: '7.14', deductionAmount: '70686', completeDateTime: '2026-11-21 10:00:00' });
    expect(q.reviewStatus).toBe('SUCCESS');

    // Every step was notified, in order, each carrying the fields of its step.
    const sent = await notes(orderId);
    expect(sent.map((n) => [n.notifyType, n.reviewStatus ?? null, (n.foreignExchange as { status?: string } | undefined)?.status ?? null])).toEqual([
      ['PAYMENT', null, null],
      ['REVIEW', 'UPLOADED', null],
      ['REVIEW', 'SUCCESS', null],
      ['FOREIGN_EXCHANGE', 'SUCCESS', 'SUCCESS'],
    ]);
    expect(sent[0]).toMatchObject({ status: 'SUCCESS', orderAmount: '10000', orderCurrency: 'USD', payment: { amount: '71400', currency: 'CNY' }, listprice: '7.14', feeAmount: '714' });
    // The payer's bank card number is never kept in clear.
    const detail = (await (await admin('GET', `/fx-orders/${orderId}`)).json()) as { declaration: { payer: Record<string, string> } };
    expect(detail.declaration.payer).toMatchObject({ bankCardBin: '622202', bankCardLast4: '3445' });
    expect(JSON.stringify(detail)).not.toContain('6222020200112233445');

    // The next day: settled in CNY (capture − fee), and the reconciliation file lists it as an FX payment.
    now = Date.parse('2026-11-21T22:00:00Z');
    const batch = await call('settlement/query', { businessDate: '2026-11-21' });
    expect(batch).toMatchObject({ capturedAmount: '71400', feeAmount: '714', netAmount: '70686' });
    const links = await call('reconciliation/download', { businessDate: '2026-11-21' });
    const csv = await (await fetch(links.downloadUrl as string)).text();
    expect(csv).toMatch(new RegExp(`,fx-1,${orderId},${orderId},PAYMENT,FX,CNY,71400,714,71400,1,SUCCESS\\r\\n`));
    expect(csv).toContain('#TRAILER,1,1,0,70686');
  });

  it('a refused proof stops the purchase, with the remark, notified; the payment is refunded by itself', async () => {
    now = Date.parse('2026-11-22T02:00:00Z');
    const created = await call('foreignExchange/order', { ...study, requestId: 'fx-2', orderAmount: '5000', orderCurrency: 'EUR', currency: 'EUR' });
    expect(created).toMatchObject({ paymentAmount: '38750', listprice: '7.75', reviewStatus: 'INIT' }); // current ask, no lock
    const orderId = created.serialNumber as string;
    await call('sandbox/pay', { requestId: 'fx-2', cardNumber: '4242424242424242' });
    expect((await admin('POST', `/fx-orders/${orderId}/review`, { decision: 'REFUSE' })).status).toBe(400); // a refusal says why
    expect((await admin('POST', `/fx-orders/${orderId}/review`, { decision: 'REFUSE', remark: 'no admission letter' })).status).toBe(200);
    // The refusal itself stops the purchase and gives the payment back: nothing is left for the job.
    expect(await t.gateway.crossBorder.fxOrders().executeDue(10)).toBe(0);
    const q = await call('foreignExchange/query', { requestId: 'fx-2' });
    expect(q).toMatchObject({ reviewStatus: 'REFUSE', reviewRemark: 'no admission letter', foreignExchange: { status: 'FAILED', currency: 'EUR' }, totalRefundAmount: '38750' });
    expect((await notes(orderId)).map((n) => n.notifyType)).toEqual(['PAYMENT', 'REVIEW', 'REFUND', 'FOREIGN_EXCHANGE']);
    expect(await call('foreignExchange/refundQuery', { requestId: `REVIEW-REFUSE-${orderId}` })).toMatchObject({ status: 'SUCCESS', orderId, amount: '38750' });
    await expect(call('foreignExchange/refund', { requestId: 'fx-2-r', orderId })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
  });

  it('below the review threshold the purchase runs once paid; a CNY order with sub-orders buys the requested amount', async () => {
    const created = await call('foreignExchange/order', {
      ...study,
      forUse: 'GOODSTRADE',
      studyAbroadInfo: undefined,
      requestId: 'fx-3',
      orderAmount: '100000',
      orderCurrency: 'CNY',
      currency: 'USD',
      amount: '10000',
      subOrders: [
        { requestId: 'fx-3-a', orderAmount: '60000' },
        { requestId: 'fx-3-b', orderAmount: '40000' },
      ],
    });
    expect(created).toMatchObject({ status: 'REDIRECT', paymentAmount: '100000', needReview: 'false' });
    expect(created.reviewStatus).toBeUndefined();
    await call('sandbox/pay', { requestId: 'fx-3', cardNumber: '4242424242424242' });
    expect(await t.gateway.crossBorder.fxOrders().executeDue(10)).toBe(1);
    const q = await call('foreignExchange/query', { requestId: 'fx-3' });
    // $100.00 at the ask 7.14 costs 714.00 CNY of the 990.00 left after the 1% fee.
    expect(q.foreignExchange).toMatchObject({ amount: '10000', currency: 'USD', status: 'SUCCESS', listprice: '7.14', deductionAmount: '71400' });
    expect(q.subOrders).toEqual([
      { requestId: 'fx-3-a', orderAmount: '60000', serialNumber: `${created.serialNumber}-1` },
      { requestId: 'fx-3-b', orderAmount: '40000', serialNumber: `${created.serialNumber}-2` },
    ]);
    await expect(call('foreignExchange/order', { ...study, forUse: 'GOODSTRADE', studyAbroadInfo: undefined, requestId: 'fx-4', orderAmount: '1000', orderCurrency: 'CNY', currency: 'USD', amount: '10000' })).rejects.toMatchObject({ code: 'FX_AMOUNT_EXCEEDED' });
  });

  it('a proof put into the inbox folder (SFTP) is found by the scan; an unpaid order\'s review is cancelled', async () => {
    const created = await call('foreignExchange/order', { ...study, requestId: 'fx-5', orderAmount: '2000', fileName: 'i20-form.zip' });
    const orderId = created.serialNumber as string;
    const folder = join(t.config.dataDir, 'fe', 'proof', t.merchant.merchantId);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'i20-form.zip'), 'PK proof');
    expect(await t.gateway.crossBorder.fxOrders().scanInbox(10)).toBe(1);
    expect((await call('foreignExchange/query', { requestId: 'fx-5' })).reviewStatus).toBe('UPLOADED');
    await call('sandbox/expire', { requestId: 'fx-5' });
    expect(await t.gateway.crossBorder.fxOrders().executeDue(10)).toBe(1);
    expect(await call('foreignExchange/query', { requestId: 'fx-5' })).toMatchObject({ status: 'CANCEL', reviewStatus: 'CANCEL' });
    expect((await notes(orderId)).map((n) => [n.notifyType, n.status])).toEqual([
      ['REVIEW', 'INIT'],
      ['PAYMENT', 'CANCEL'],
    ]);
  });

  it('refuses tokens of the wrong pair and unknown tokens with their codes, changing nothing', async () => {
    const eur = await call('foreignExchange/listpriceLock', { requestId: 'fx-lock-eur', orderCurrency: 'EUR' });
    await expect(call('foreignExchange/order', { ...study, requestId: 'fx-6', orderAmount: '100', listPriceToken: eur.listPriceToken })).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_MISMATCH' });
    await expect(call('foreignExchange/order', { ...study, requestId: 'fx-7', orderAmount: '100', listPriceToken: 'f'.repeat(32) })).rejects.toMatchObject({ code: 'LIST_PRICE_TOKEN_UNKNOWN' });
    await expect(call('foreignExchange/query', { requestId: 'fx-6' })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    // The refused order did not spend the token.
    expect((await t.gateway.crossBorder.quotes.byToken(eur.listPriceToken as string))?.usedAtMs).toBeNull();
  });
});
