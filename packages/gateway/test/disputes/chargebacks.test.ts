import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeMerchant, type FakeMerchant } from '../../src/test-support/fake-merchant.js';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { ADMIN_TOKEN, admin, disputeHold, disputeNotifications, eventWords, expectLedgerBalanced, merchantPayable, paidOrder } from './dispute-support.js';

describe.each(testDatabases())('chargebacks and retrieval requests end to end (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let shop: FakeMerchant;
  beforeAll(async () => {
    shop = await startFakeMerchant();
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_ADMIN_TOKEN: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await t?.close();
    await shop?.close();
  });
  const notifyUrl = () => shop.urlFor('/success');

  it('a chargeback holds the money and is notified; refunds find no room; WON gives it back', async () => {
    const orderId = await paidOrder(t, 'cb-won', { amount: '10000', currency: 'EUR', notifyUrl: notifyUrl() });
    const payableBefore = await merchantPayable(t, 'EUR');
    const opened = await admin(t, 'POST', '/disputes', { orderId, stage: 'CHARGEBACK', reasonCode: '10.4', reasonText: 'Other fraud: card-absent environment', operator: 'alice' });
    expect(opened.status).toBe(201);
    const disputeId = opened.json.disputeId as string;
    expect(opened.json).toMatchObject({ stage: 'CHARGEBACK', status: 'OPEN', amountMinor: '10000', heldMinor: '10000', currency: 'EUR' });
    expect(await disputeHold(t, 'EUR')).toBe(10000n);
    expect(await merchantPayable(t, 'EUR')).toBe(payableBefore - 10000n);
    await expectLedgerBalanced(t);

    await expect(t.client.refund({ requestId: 'cb-won-r1', orderId, amount: '1' })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
    expect(await t.gateway.refunds.forOrder(orderId)).toEqual([]);

    const [note] = await disputeNotifications(t, shop, disputeId, 1);
    expect(note!.type).toBe('CHARGEBACK');
    expect(note!.dispute).toMatchObject({
      merchantId: t.merchant.merchantId,
      requestId: 'cb-won',
      serialNumber: orderId,
      disputeId,
      disputeStage: 'CHARGEBACK',
      disputeStatus: 'OPEN',
      disputeEvent: 'OPENED',
      reasonCode: '10.4',
      reasonText: 'Other fraud: card-absent environment',
      disputeAmount: '10000',
      disputeCurrency: 'EUR',
      orderAmount: '10000',
    });
    expect(note!.dispute.respondBy).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const won = await admin(t, 'POST', `/disputes/${disputeId}/decide`, { outcome: 'WON', note: 'representment accepted' });
    expect(won.json).toMatchObject({ status: 'WON', heldMinor: '0' });
    expect(await disputeHold(t, 'EUR')).toBe(0n);
    expect(await merchantPayable(t, 'EUR')).toBe(payableBefore);
    await expectLedgerBalanced(t);
    expect(eventWords(await disputeNotifications(t, shop, disputeId, 2))).toEqual(['CHARGEBACK:OPENED:OPEN', 'CHARGEBACK:WON:WON']);
    expect((await t.client.refund({ requestId: 'cb-won-r2', orderId, amount: '2500' })).status).toBe('SUCCESS');

    const shown = await admin(t, 'GET', `/disputes/${disputeId}`);
    expect((shown.json.history as { actor: string; actorName: string | null; from: string | null; to: string; note: string | null }[]).map((h) => [h.actor, h.actorName, h.from, h.to, h.note])).toEqual([
      ['OPERATOR', 'alice', null, 'CHARGEBACK/OPEN', null],
      ['OPERATOR', null, 'CHARGEBACK/OPEN', 'CHARGEBACK/WON', 'representment accepted'],
    ]);
    const decidedAgain = await admin(t, 'POST', `/disputes/${disputeId}/decide`, { outcome: 'LOST' });
    expect(decidedAgain).toMatchObject({ status: 409, json: { code: 'DISPUTE_TRANSITION_INVALID' } });
  });

  it('a partial chargeback must fit beside the refunds; LOST leaves the money taken', async () => {
    const orderId = await paidOrder(t, 'cb-partial', { amount: '10000', currency: 'GBP', notifyUrl: notifyUrl() });
    await t.client.refund({ requestId: 'cb-partial-r1', orderId, amount: '7000' });
    const postingsBefore = await t.gateway.ledger.forOrder(orderId);
    const tooMuch = await admin(t, 'POST', '/disputes', { orderId, stage: 'CHARGEBACK', amount: '3001' });
    expect(tooMuch).toMatchObject({ status: 409, json: { code: 'ORDER_NOT_DISPUTABLE' } });
    expect(await t.gateway.disputes.forOrder(orderId)).toEqual([]);
    expect(await t.gateway.ledger.forOrder(orderId)).toEqual(postingsBefore);
    expect((await t.gateway.orders.find(orderId))!.disputedMinor).toBe(0n);

    const fits = await admin(t, 'POST', '/disputes', { orderId, stage: 'CHARGEBACK', amount: '3000', reasonCode: '4853' });
    expect(fits.json).toMatchObject({ status: 'OPEN', amountMinor: '3000', heldMinor: '3000' });
    await expect(t.client.refund({ requestId: 'cb-partial-r2', orderId, amount: '1' })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
    const lost = await admin(t, 'POST', `/disputes/${fits.json.disputeId as string}/decide`, { outcome: 'LOST' });
    expect(lost.json).toMatchObject({ status: 'LOST', heldMinor: '3000' });
    expect((await t.gateway.orders.find(orderId))!.disputedMinor).toBe(3000n);
    const kinds = (await t.gateway.ledger.forOrder(orderId)).map((p) => `${p.journalKind} ${p.direction} ${p.account.split(':')[0]} ${p.amountMinor}`);
    expect(kinds).toEqual([
      'capture D acquirer_receivable 10000',
      'capture C merchant_payable 10000',
      'refund D merchant_payable 7000',
      'refund C acquirer_receivable 7000',
      'chargeback D merchant_payable 3000',
      'chargeback C dispute_hold 3000',
      'chargeback_lost D dispute_hold 3000',
      'chargeback_lost C acquirer_receivable 3000',
    ]);
    await expectLedgerBalanced(t);
    await expect(t.client.refund({ requestId: 'cb-partial-r3', orderId, amount: '1' })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
    expect(eventWords(await disputeNotifications(t, shop, fits.json.disputeId as string, 2))).toEqual(['CHARGEBACK:LOST:LOST', 'CHARGEBACK:OPENED:OPEN']);
  });

  it('retrieval request → backfill → chargeback → defence → pre-arbitration → lost, with money, history and notifications at each step', async () => {
    const orderId = await paidOrder(t, 'cb-journey', { amount: '5000', currency: 'USD', notifyUrl: notifyUrl() });
    const rr = await t.client.call('sandbox/retrieval', { requestId: 'cb-journey' });
    const disputeId = rr.disputeId as string;
    expect(rr).toMatchObject({ disputeStage: 'RETRIEVAL', disputeStatus: 'OPEN', disputeAmount: '5000' });
    expect((await t.gateway.orders.find(orderId))!.disputedMinor).toBe(0n);
    const answer = { disputeId, customerName: 'Li Lei', customerEmail: 'li.lei@example.com', productDescription: 'Wireless headphones', statement: 'Delivered and signed for.' };
    const backfill = await t.client.submitRetrievalBackfill({ ...answer, requestId: 'cb-journey-a1', logisticsCompany: 'SF Express', trackingNumbers: ['SF1234567890'], deliveryDate: '2025-01-15' });
    expect(backfill).toMatchObject({ requestId: 'cb-journey-a1', orderRequestId: 'cb-journey', disputeStage: 'RETRIEVAL', disputeStatus: 'EVIDENCE_SUBMITTED', attachments: [] });

    const chargeback = await admin(t, 'POST', `/disputes/${disputeId}/escalate`, { reasonCode: '13.1', note: 'cardholder says not received' });
    expect(chargeback.json).toMatchObject({ stage: 'CHARGEBACK', status: 'OPEN', heldMinor: '5000', evidenceSubmittedAt: null, reasonCode: '13.1' });
    expect(await t.gateway.orders.find(orderId)).toMatchObject({ disputedMinor: 5000n });
    await expectLedgerBalanced(t);

    // Reopened: the merchant may answer again, now as its defence of the chargeback.
    const defence = await t.client.submitRetrievalBackfill({ ...answer, requestId: 'cb-journey-a2', statement: 'Signed delivery receipt attached to the earlier answer.' });
    expect(defence).toMatchObject({ disputeStage: 'CHARGEBACK', disputeStatus: 'EVIDENCE_SUBMITTED' });
    const preArb = await admin(t, 'POST', `/disputes/${disputeId}/escalate`, {});
    expect(preArb.json).toMatchObject({ stage: 'PRE_ARBITRATION', status: 'OPEN', heldMinor: '5000' });
    // Still held once: escalating a held chargeback moves no money.
    expect(await t.gateway.orders.find(orderId)).toMatchObject({ disputedMinor: 5000n });
    const lost = await admin(t, 'POST', `/disputes/${disputeId}/decide`, { outcome: 'ACCEPTED' });
    expect(lost.json).toMatchObject({ stage: 'PRE_ARBITRATION', status: 'ACCEPTED' });
    await expectLedgerBalanced(t);

    const notes = await disputeNotifications(t, shop, disputeId, 4);
    expect(eventWords(notes)).toEqual(['CHARGEBACK:ESCALATED:OPEN', 'PRE_ARBITRATION:ACCEPTED:ACCEPTED', 'PRE_ARBITRATION:ESCALATED:OPEN', 'RETRIEVAL:OPENED:OPEN']);
    expect(notes.map((n) => n.type).sort()).toEqual(['CHARGEBACK', 'CHARGEBACK', 'CHARGEBACK', 'RETRIEVAL']);
    const history = (await t.gateway.disputes.history(disputeId)).map((h) => `${h.actor.kind} ${h.fromStage ?? '-'}/${h.fromStatus ?? '-'} → ${h.toStage}/${h.toStatus}`);
    expect(history).toEqual([
      'CHANNEL -/- → RETRIEVAL/OPEN',
      'MERCHANT RETRIEVAL/OPEN → RETRIEVAL/EVIDENCE_SUBMITTED',
      'OPERATOR RETRIEVAL/EVIDENCE_SUBMITTED → CHARGEBACK/OPEN',
      'MERCHANT CHARGEBACK/OPEN → CHARGEBACK/EVIDENCE_SUBMITTED',
      'OPERATOR CHARGEBACK/EVIDENCE_SUBMITTED → PRE_ARBITRATION/OPEN',
      'OPERATOR PRE_ARBITRATION/OPEN → PRE_ARBITRATION/ACCEPTED',
    ]);
    expect((await t.gateway.disputes.evidence(disputeId)).map((e) => [e.stage, e.requestId])).toEqual([
      ['RETRIEVAL', 'cb-journey-a1'],
      ['CHARGEBACK', 'cb-journey-a2'],
    ]);
  });

  it('a chargeback won, then taken again at pre-arbitration, then reversed: each movement posted once', async () => {
    const orderId = await paidOrder(t, 'cb-rehold', { amount: '800', currency: 'JPY', notifyUrl: notifyUrl() });
    const cb = await t.client.call('sandbox/chargeback', { requestId: 'cb-rehold', amount: '600' });
    const disputeId = cb.disputeId as string;
    await t.client.submitRetrievalBackfill({ disputeId, customerName: 'Yamada', customerEmail: 'y@example.jp', productDescription: 'Tea set', statement: 'Shipped.' });
    expect((await t.client.call('sandbox/disputeDecide', { disputeId, outcome: 'WON' })).disputeStatus).toBe('WON');
    expect(await t.gateway.orders.find(orderId)).toMatchObject({ disputedMinor: 0n });
    // The room is free again: a refund may take part of it, and the pre-arbitration must still fit.
    await t.client.refund({ requestId: 'cb-rehold-r1', orderId, amount: '300' });
    await expect(t.client.call('sandbox/disputeEscalate', { disputeId })).rejects.toMatchObject({ code: 'ORDER_NOT_DISPUTABLE' });
    expect((await t.gateway.disputes.find(disputeId))!.status).toBe('WON');
    const fresh = await paidOrder(t, 'cb-rehold-2', { amount: '800', currency: 'JPY', notifyUrl: notifyUrl() });
    const cb2 = await t.client.call('sandbox/chargeback', { requestId: 'cb-rehold-2', amount: '600' });
    const id2 = cb2.disputeId as string;
    await t.client.submitRetrievalBackfill({ disputeId: id2, customerName: 'Yamada', customerEmail: 'y@example.jp', productDescription: 'Tea set', statement: 'Shipped.' });
    await t.client.call('sandbox/disputeDecide', { disputeId: id2, outcome: 'WON' });
    const preArb = await t.client.call('sandbox/disputeEscalate', { disputeId: id2 });
    expect(preArb).toMatchObject({ disputeStage: 'PRE_ARBITRATION', disputeStatus: 'OPEN', orderRequestId: 'cb-rehold-2' });
    expect(await t.gateway.orders.find(fresh)).toMatchObject({ disputedMinor: 600n });
    await t.client.call('sandbox/disputeDecide', { disputeId: id2, outcome: 'REVERSED' });
    expect(await t.gateway.orders.find(fresh)).toMatchObject({ disputedMinor: 0n });
    const journals = (await t.gateway.ledger.forOrder(fresh)).filter((p) => p.direction === 'D').map((p) => `${p.journalKind} ${p.sourceId.replace(id2, 'dp')}`);
    expect(journals).toEqual(['capture ' + fresh, 'chargeback dp.v1', 'chargeback_reversal dp.v3', 'chargeback dp.v4', 'chargeback_reversal dp.v5']);
    await expectLedgerBalanced(t);
  });

  it('sends dispute notifications to the merchant dispute URL when one is set', async () => {
    const set = await admin(t, 'PUT', `/merchants/${t.merchant.merchantId}/dispute-notify-url`, { url: shop.urlFor('/success-crlf') });
    expect(set).toMatchObject({ status: 200, json: { disputeNotifyUrl: shop.urlFor('/success-crlf') } });
    try {
      await paidOrder(t, 'cb-url', { amount: '1200', notifyUrl: notifyUrl() });
      const rr = await t.client.call('sandbox/retrieval', { requestId: 'cb-url' });
      const [note] = await disputeNotifications(t, shop, rr.disputeId as string, 1, '/success-crlf');
      expect(note).toMatchObject({ type: 'RETRIEVAL', dispute: { disputeEvent: 'OPENED', requestId: 'cb-url' } });
      const refused = await admin(t, 'PUT', `/merchants/${t.merchant.merchantId}/dispute-notify-url`, { url: 'ftp://example.com/x' });
      expect(refused).toMatchObject({ status: 400, json: { code: 'URL_NOT_ALLOWED' } });
      expect(await t.gateway.disputes.notifyUrl(t.merchant.merchantId)).toBe(shop.urlFor('/success-crlf'));
    } finally {
      await admin(t, 'PUT', `/merchants/${t.merchant.merchantId}/dispute-notify-url`, { url: null });
    }
  });

  it('an operator opens a case by merchant and requestId; the same acquirer reference answers the same case', async () => {
    const orderId = await paidOrder(t, 'cb-ref', { amount: '4000' });
    const body = { merchantId: t.merchant.merchantId, requestId: 'cb-ref', stage: 'RETRIEVAL', acquirerReference: 'ACQ-2025-0001', respondByDays: 7 };
    const first = await admin(t, 'POST', '/disputes', body);
    const again = await admin(t, 'POST', '/disputes', body);
    expect(again.json.disputeId).toBe(first.json.disputeId);
    expect(await t.gateway.disputes.forOrder(orderId)).toHaveLength(1);
    expect(Date.parse(first.json.respondBy as string) - Date.parse(first.json.openedAt as string)).toBe(7 * 86_400_000);
    const listed = await admin(t, 'GET', `/disputes?orderId=${orderId}`);
    expect((listed.json.disputes as { disputeId: string }[]).map((d) => d.disputeId)).toEqual([first.json.disputeId]);
    expect(await admin(t, 'POST', `/disputes/${first.json.disputeId as string}/decide`, { outcome: 'LOST' })).toMatchObject({ status: 409, json: { code: 'DISPUTE_TRANSITION_INVALID' } });
    expect(await admin(t, 'POST', '/disputes', { orderId: 'f'.repeat(32), stage: 'CHARGEBACK' })).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_FOUND' } });
    expect(await admin(t, 'POST', '/disputes', { orderId, stage: 'PRE_ARBITRATION' })).toMatchObject({ status: 400, json: { code: 'FIELD_INVALID' } });
    expect(await admin(t, 'GET', '/disputes/dpnope')).toMatchObject({ status: 404, json: { code: 'DISPUTE_NOT_FOUND' } });
  });

  it('refunds and a chargeback racing on one order never take more than was captured', async () => {
    for (let round = 0; round < 3; round += 1) {
      const requestId = `cb-race-${round}`;
      const orderId = await paidOrder(t, requestId, { amount: '10000' });
      const refunds = Array.from({ length: 12 }, (_, i) => t.client.refund({ requestId: `${requestId}-r${i}`, orderId, amount: '1000' }).then(() => 'refunded', (e: { code?: string }) => e.code));
      const chargeback = admin(t, 'POST', '/disputes', { orderId, stage: 'CHARGEBACK', amount: '5000' }).then((r) => (r.status === 201 ? 'held' : String(r.json.code)));
      const outcomes = await Promise.all([...refunds, chargeback]);
      const order = (await t.gateway.orders.find(orderId))!;
      const refunded = (await t.gateway.refunds.forOrder(orderId)).filter((r) => r.state !== 'FAILED').reduce((sum, r) => sum + r.amountMinor, 0n);
      expect(refunded + order.disputedMinor).toBeLessThanOrEqual(10000n);
      expect(order.disputedMinor).toBe(outcomes.at(-1) === 'held' ? 5000n : 0n);
      expect(outcomes.filter((o) => o === 'refunded')).toHaveLength(Number(refunded / 1000n));
      for (const o of outcomes) expect(['refunded', 'held', 'ORDER_NOT_DISPUTABLE', 'REFUND_AMOUNT_EXCEEDED', 'ORDER_FULLY_REFUNDED']).toContain(o);
    }
    await expectLedgerBalanced(t);
  });

  it('refuses a case on an unpaid order', async () => {
    const created = await t.client.createIccOrder({ requestId: 'cb-unpaid', orderAmount: '100', orderCurrency: 'USD', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r' });
    expect(await admin(t, 'POST', '/disputes', { orderId: created.paymentOrderId, stage: 'CHARGEBACK' })).toMatchObject({ status: 409, json: { code: 'ORDER_NOT_DISPUTABLE' } });
    expect(await t.gateway.disputes.forOrder(created.paymentOrderId!)).toEqual([]);
  });
});
