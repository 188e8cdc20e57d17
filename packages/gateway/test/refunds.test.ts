import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { PayEaseClient, loadPfx } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { startFakeMerchant } from '../src/test-support/fake-merchant.js';
import { RefundRepository } from '../src/store/refund-repository.js';
import type { AmountMinor } from '../src/domain/money.js';
import type { CurrencyCode } from '../src/domain/currencies.js';
import { captureJournals } from '../src/domain/ledger.js';

describe.each(testDatabases())('refunds through the API (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(databaseEnv, { background: false });
  });
  afterAll(async () => t?.close());

  async function paidOrder(requestId: string, amount = '10000', cardNumber = '4242424242424242', currency = 'USD') {
    const created = await t.client.createIccOrder({ requestId, orderAmount: amount, orderCurrency: currency, notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await t.client.call('sandbox/pay', { requestId, cardNumber });
    return created.paymentOrderId!;
  }

  it('refunds in parts, then the rest, and the order totals follow', async () => {
    const orderId = await paidOrder('rf-parts');
    const first = await t.client.refund({ requestId: 'rf-parts-1', orderId, amount: '2500', remark: 'one item back' });
    expect(first).toMatchObject({ status: 'SUCCESS', orderId, amount: '2500' });
    const rest = await t.client.refund({ requestId: 'rf-parts-2', orderId });
    expect(rest).toMatchObject({ status: 'SUCCESS', amount: '7500' });
    const order = await t.client.queryIccOrder({ requestId: 'rf-parts' });
    expect(order).toMatchObject({ status: 'SUCCESS', totalRefundCount: '2', totalRefundAmount: '10000' });
    await expect(t.client.refund({ requestId: 'rf-parts-3', orderId, amount: '1' })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
    const detail = await t.client.queryRefund({ requestId: 'rf-parts-1' });
    expect(detail).toMatchObject({ serialNumber: first.serialNumber, orderId, orderRequestId: 'rf-parts', orderAmount: '10000', amount: '2500', currency: 'USD', status: 'SUCCESS', remark: 'one item back' });
    expect(detail.createDateTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });

  it('answers a replay with the original refund and refuses the same requestId with other content', async () => {
    const orderId = await paidOrder('rf-replay');
    const first = await t.client.refund({ requestId: 'rf-replay-1', orderId, amount: '100' });
    const again = await t.client.refund({ requestId: 'rf-replay-1', orderId, amount: '100' });
    expect(again.serialNumber).toBe(first.serialNumber);
    await expect(t.client.refund({ requestId: 'rf-replay-1', orderId, amount: '200' })).rejects.toMatchObject({ code: 'REQUEST_ID_CONFLICT' });
    expect((await t.client.queryIccOrder({ requestId: 'rf-replay' })).totalRefundAmount).toBe('100');
  });

  it('refuses more than is refundable and changes nothing', async () => {
    const orderId = await paidOrder('rf-over', '5000');
    await expect(t.client.refund({ requestId: 'rf-over-1', orderId, amount: '5001' })).rejects.toMatchObject({ code: 'REFUND_AMOUNT_EXCEEDED' });
    await expect(t.client.queryRefund({ requestId: 'rf-over-1' })).rejects.toMatchObject({ code: 'REFUND_NOT_FOUND' });
    expect(await t.gateway.refunds.forOrder(orderId)).toEqual([]);
  });

  it('a refund the channel refuses is FAILED, notified, and its amount is refundable again', async () => {
    const orderId = await paidOrder('rf-fail', '3000', '4000000000005126');
    const failed = await t.client.refund({ requestId: 'rf-fail-1', orderId, amount: '3000' });
    expect(failed).toMatchObject({ status: 'FAILED', code: 'CHANNEL_REFUSED' });
    const again = await t.client.refund({ requestId: 'rf-fail-2', orderId, amount: '3000' });
    expect(again.status).toBe('FAILED');
    const notes = await t.gateway.notifications.forOrder(orderId);
    const refundNotes = notes.map((n) => JSON.parse(n.payloadJson)).filter((p) => p.notifyType === 'REFUND');
    expect(refundNotes.map((p) => [p.requestId, p.status])).toEqual([
      ['rf-fail-1', 'FAILED'],
      ['rf-fail-2', 'FAILED'],
    ]);
    expect((await t.client.queryIccOrder({ requestId: 'rf-fail' })).totalRefundCount).toBe('0');
  });

  it('a pending refund stays PROCESSING until the channel confirms it, then succeeds and is notified once', async () => {
    let now = Date.now();
    const clocked = await startTestGateway({ ...databaseEnv, OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: '60000' }, { background: false, clock: () => now });
    try {
      await clocked.client.createIccOrder({ requestId: 'rf-pending', orderAmount: '800', orderCurrency: 'EUR', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      const paid = await clocked.client.call('sandbox/pay', { requestId: 'rf-pending', cardNumber: '4000000000007726' });
      const orderId = paid.serialNumber as string;
      const pending = await clocked.client.refund({ requestId: 'rf-pending-1', orderId });
      expect(pending.status).toBe('PROCESSING');
      expect(await clocked.gateway.refunds.resumeStale(10)).toBe(0); // not stale yet
      now += 61_000;
      expect(await clocked.gateway.refunds.resumeStale(10)).toBe(1);
      expect((await clocked.client.queryRefund({ requestId: 'rf-pending-1' })).status).toBe('SUCCESS');
      expect(await clocked.gateway.refunds.resumeStale(10)).toBe(0);
      const notes = (await clocked.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson)).filter((p) => p.notifyType === 'REFUND');
      expect(notes).toHaveLength(1);
      expect(notes[0]).toMatchObject({ status: 'SUCCESS', amount: '800', orderId });
    } finally {
      await clocked.close();
    }
  });

  it.each([
    ['zero', '0'],
    ['negative', '-1'],
    ['fractional', '1.5'],
    ['exponent', '1e3'],
    ['19 digits', '1234567890123456789'],
    ['a JSON number with a fraction', 100.5],
  ])('refuses a %s amount with AMOUNT_INVALID', async (_name, amount) => {
    const orderId = await paidOrder(`rf-bad-${String(_name).replace(/\W/g, '')}`, '1000');
    await expect(t.client.call('icc/refund', { merchantId: t.merchant.merchantId, requestId: `rf-bad-${_name}`, orderId, amount })).rejects.toMatchObject({ code: 'AMOUNT_INVALID' });
    expect(await t.gateway.refunds.forOrder(orderId)).toEqual([]);
  });

  it('refuses unknown, unpaid and other merchants\' orders', async () => {
    await expect(t.client.refund({ requestId: 'rf-unknown', orderId: 'f'.repeat(32) })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
    const unpaid = await t.client.createIccOrder({ requestId: 'rf-unpaid', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    await expect(t.client.refund({ requestId: 'rf-unpaid-1', orderId: unpaid.paymentOrderId! })).rejects.toMatchObject({ code: 'REFUND_NOT_ALLOWED' });
  });

  it('keeps the ledger balanced: capture and refunds net to what the merchant is owed', async () => {
    const orderId = await paidOrder('rf-ledger', '9000', '4242424242424242', 'JPY');
    await t.client.refund({ requestId: 'rf-ledger-1', orderId, amount: '4000' });
    const postings = await t.gateway.ledger.forOrder(orderId);
    expect(postings.map((p) => [p.journalKind, p.direction, p.amountMinor])).toEqual([
      ['capture', 'D', 9000n],
      ['capture', 'C', 9000n],
      ['refund', 'D', 4000n],
      ['refund', 'C', 4000n],
    ]);
    for (const [, net] of await t.gateway.ledger.imbalanceByCurrency()) expect(net).toBe(0n);
    // The database refuses a second journal for the same cause: a movement is never posted twice.
    const again = captureJournals({ orderId, merchantId: t.merchant.merchantId, channel: 'sandbox-card', amountMinor: 9000n as AmountMinor, currency: 'JPY' as CurrencyCode }, 0n);
    await expect(t.gateway.database.db.transaction().execute((tx) => t.gateway.ledger.post(tx, again, Date.now()))).rejects.toThrow();
    expect(await t.gateway.ledger.forOrder(orderId)).toHaveLength(4);
  });
});

describe.each(testDatabases())('refund notifications and recovery (%s)', (_database, databaseEnv) => {
  it('delivers the refund notification to the refund notifyUrl, and the SDK reads it as a refund', async () => {
    const merchantEndpoint = await startFakeMerchant();
    const t = await startTestGateway(databaseEnv);
    try {
      const created = await t.client.createIccOrder({ requestId: 'rn-1', orderAmount: '1200', orderCurrency: 'CNY', notifyUrl: merchantEndpoint.urlFor('/success'), callbackUrl: 'http://127.0.0.1:9999/r' });
      await t.client.call('sandbox/pay', { requestId: 'rn-1', cardNumber: '4242424242424242' });
      await merchantEndpoint.waitForRequests(1); // the order's SUCCESS
      await t.client.refund({ requestId: 'rn-1-r', orderId: created.paymentOrderId!, amount: '200', notifyUrl: merchantEndpoint.urlFor('/success-crlf') });
      await merchantEndpoint.waitForRequests(2);
      const [orderNote, refundNote] = merchantEndpoint.received;
      expect(t.client.parseNotificationEvent(orderNote!.headers as Record<string, string>, orderNote!.body)).toMatchObject({ type: 'ORDER', order: { status: 'SUCCESS' } });
      expect(refundNote!.path).toBe('/success-crlf');
      expect(refundNote!.headers['requestid']).toBe('rn-1-r');
      const event = t.client.parseNotificationEvent(refundNote!.headers as Record<string, string>, refundNote!.body);
      expect(event).toMatchObject({ type: 'REFUND', refund: { requestId: 'rn-1-r', orderId: created.paymentOrderId, orderRequestId: 'rn-1', amount: '200', currency: 'CNY', status: 'SUCCESS' } });
    } finally {
      await t.close();
      await merchantEndpoint.close();
    }
  });

  it("refuses another merchant's order as if it did not exist", async () => {
    const t = await startTestGateway(databaseEnv, { background: false });
    try {
      const created = await t.client.createIccOrder({ requestId: 'rf-other', orderAmount: '500', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      await t.client.call('sandbox/pay', { requestId: 'rf-other', cardNumber: '4242424242424242' });
      const pfx = loadPfx(readFileSync(t.merchant.pfxPath), t.merchant.pfxPassword);
      await t.gateway.merchants.create({ merchantId: '200000008', name: 'Other shop', sandbox: true, allowedHosts: ['127.0.0.1'] }, Date.now());
      await t.gateway.merchants.addCertificate('200000008', pfx.certificate, Date.now(), 0);
      const other = new PayEaseClient({ merchantId: '200000008', pfx: readFileSync(t.merchant.pfxPath), pfxPassword: t.merchant.pfxPassword, gatewayCertificate: readFileSync(t.merchant.gatewayCertPath), baseUrl: t.baseUrl });
      await expect(other.refund({ requestId: 'steal-1', orderId: created.paymentOrderId! })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
      await expect(other.queryRefund({ requestId: 'steal-1' })).rejects.toMatchObject({ code: 'REFUND_NOT_FOUND' });
      expect(await t.gateway.refunds.forOrder(created.paymentOrderId!)).toEqual([]);
      // The owner's refund number is its own: the other merchant cannot read it either.
      await t.client.refund({ requestId: 'mine-1', orderId: created.paymentOrderId!, amount: '100' });
      await expect(other.queryRefund({ requestId: 'mine-1' })).rejects.toMatchObject({ code: 'REFUND_NOT_FOUND' });
    } finally {
      await t.close();
    }
  });

  it('a refund reserved by a process that died before asking the channel is sent later, once', async () => {
    let now = Date.now();
    const t = await startTestGateway(databaseEnv, { background: false, clock: () => now });
    try {
      const created = await t.client.createIccOrder({ requestId: 'rf-crash', orderAmount: '900', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
      await t.client.call('sandbox/pay', { requestId: 'rf-crash', cardNumber: '4242424242424242' });
      const orderId = created.paymentOrderId!;
      // What a crash right after the reservation's commit leaves behind: a PROCESSING refund, nothing at the channel.
      const repository = new RefundRepository(t.gateway.database.db, t.gateway.ledger);
      const reserved = await repository.reserve(
        { refundId: 'rf-crashed', merchantId: t.merchant.merchantId, requestId: 'rf-crash-1', requestDigest: 'x', orderId, amountMinor: 900n as AmountMinor, currency: 'USD', state: 'PROCESSING', origin: 'MERCHANT', remark: null, notifyUrl: null, channelReference: null, failureCode: null, createdAtMs: now, updatedAtMs: now, completedAtMs: null },
        'SUCCESS',
      );
      expect(reserved.kind).toBe('created');
      await expect(t.client.refund({ requestId: 'rf-crash-2', orderId, amount: '1' })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
      expect((await t.client.queryRefund({ requestId: 'rf-crash-1' })).status).toBe('PROCESSING');
      now += 31_000;
      expect(await t.gateway.refunds.resumeStale(10)).toBe(1);
      expect(await t.gateway.refunds.resumeStale(10)).toBe(0);
      expect((await t.client.queryRefund({ requestId: 'rf-crash-1' })).status).toBe('SUCCESS');
      expect(await t.client.queryIccOrder({ requestId: 'rf-crash' })).toMatchObject({ totalRefundAmount: '900', totalRefundCount: '1' });
    } finally {
      await t.close();
    }
  });
});
