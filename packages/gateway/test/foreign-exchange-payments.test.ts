/**
 * FX purchase orders beyond the card cashier, on every database: paid by the
 * unified order's methods (wallets, online banking, remittance) with the
 * same answer fields as `onlinePay/order`; refunded after the purchase by
 * selling the currency back to the FX desk; refunded by themselves when the
 * proof of a paid order is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { adminClient } from './admin-client.js';
import { decodeQrPng } from './qr-decode.js';

const ADMIN = 'fx-payments-admin-token';

describe.each(testDatabases())('FX orders: payment methods, refunds after the purchase, refused proofs (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.parse('2026-11-24T02:00:00Z'); // 10:00 in Beijing
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
  const decide = async (reference: string, decision: 'approve' | 'decline') => {
    const response = await fetch(`${t.baseUrl}/simulator/pay/${reference}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision }) });
    expect(response.status).toBe(200);
  };
  const referenceOf = (url: string) => new URL(url).pathname.split('/').pop()!;
  const goods = {
    orderCurrency: 'USD',
    currency: 'USD',
    forUse: 'GOODSTRADE',
    notifyUrl: 'http://127.0.0.1:9999/n',
    callbackUrl: 'http://127.0.0.1:9999/r',
    productDetails: [{ name: 'Lens kit', quantity: '1', amount: '10000', tradeType: '未纳入海关' }],
    payer: { name: '王五', idType: 'IDCARD', idNum: '11010519491231002X', bankCardNum: '6222020200112233445', phoneNum: '13800138000' },
  };
  const onlinePay = (requestId: string, extra: Record<string, unknown>) =>
    call('onlinePay/order', { requestId, orderAmount: '71400', orderCurrency: 'CNY', notifyUrl: 'http://127.0.0.1:9999/n', callbackUrl: 'http://127.0.0.1:9999/r', productDetails: [{ name: 'Lens kit', quantity: '1', amount: '71400' }], ...extra });
  /** The payer-facing fields of an order answer: which of seed 002's fields are there. */
  const methodShape = (answer: Record<string, unknown>) => ({ status: answer.status, fields: ['redirectUrl', 'scanCode', 'appParams', 'jsString', 'payeeInfo'].filter((k) => answer[k] !== undefined) });

  it('paymentModeCode starts the unified order\'s method: the same answer fields as onlinePay/order, paid at the wallet, notified with its alias', async () => {
    const scan = await call('foreignExchange/order', { ...goods, requestId: 'fxp-scan', orderAmount: '10000', paymentModeCode: 'SCANCODE-ALI_PAY-P2P' });
    expect(scan).toMatchObject({ status: 'SUCCESS', orderAmount: '10000', orderCurrency: 'USD', paymentAmount: '71400', paymentCurrency: 'CNY', listprice: '7.14', needReview: 'false' });
    expect(decodeQrPng(scan.scanCode as string)).toBe(scan.scanCodeUrl);
    expect(methodShape(scan)).toEqual(methodShape(await onlinePay('fxp-op-scan', { paymentModeCode: 'SCANCODE-ALI_PAY-P2P' })));
    // A replay hands the same code: no second payment is opened.
    expect((await call('foreignExchange/order', { ...goods, requestId: 'fxp-scan', orderAmount: '10000', paymentModeCode: 'SCANCODE-ALI_PAY-P2P' })).scanCodeUrl).toBe(scan.scanCodeUrl);
    await decide(referenceOf(scan.scanCodeUrl as string), 'approve');
    const q = await call('foreignExchange/query', { requestId: 'fxp-scan' });
    expect(q).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'ALI_SCANCODE_PAY', clearingOrg: 'NUCC', payment: { amount: '71400', currency: 'CNY', status: 'SUCCESS' } });
    const paymentNote = (await notes(scan.serialNumber as string))[0]!;
    expect(paymentNote).toMatchObject({ notifyType: 'PAYMENT', status: 'SUCCESS', paymentModeAlias: 'ALI_SCANCODE_PAY', orderCurrency: 'USD', orderAmount: '10000' });
    // Below the review threshold the purchase follows the wallet payment as it follows a card's.
    expect(await t.gateway.crossBorder.fxOrders().executeDue(10)).toBeGreaterThanOrEqual(1);
    expect((await call('foreignExchange/query', { requestId: 'fxp-scan' })).foreignExchange).toMatchObject({ amount: '9900', currency: 'USD', status: 'SUCCESS' });

    const cases: [string, Record<string, unknown>][] = [
      ['WECHAT-OFFICIAL_PAY-P2P', { openId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', appId: 'wx2421b1c4370ec43b' }],
      ['APP-ALI_PAY-P2P', {}],
      ['BANK_CARD-B2C-ICBC-P2P', {}],
      ['OFFLINE-P2P', {}],
    ];
    for (const [code, extra] of cases) {
      const fx = await call('foreignExchange/order', { ...goods, requestId: `fxp-${code}`, orderAmount: '10000', paymentModeCode: code, ...extra });
      const op = await onlinePay(`fxp-op-${code}`, { paymentModeCode: code, ...extra });
      expect(methodShape(fx), code).toEqual(methodShape(op));
      expect(fx.serialNumber, code).toBeTypeOf('string');
    }
    const remit = await call('foreignExchange/order', { ...goods, requestId: 'fxp-OFFLINE-P2P', orderAmount: '10000', paymentModeCode: 'OFFLINE-P2P' });
    expect(Object.keys(remit.payeeInfo as Record<string, string>).sort()).toEqual(['accountNumber', 'bankUnionNumber', 'branchBank', 'payee', 'postscriptNumber', 'remittancesAddress']);
    const wallet = await call('foreignExchange/order', { ...goods, requestId: 'fxp-WECHAT-OFFICIAL_PAY-P2P', orderAmount: '10000', paymentModeCode: 'WECHAT-OFFICIAL_PAY-P2P', openId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', appId: 'wx2421b1c4370ec43b' });
    expect(JSON.parse(wallet.jsString as string)).toMatchObject({ appId: 'wx2421b1c4370ec43b' });
  });

  it('without paymentModeCode the hosted cashier offers the merchant\'s methods, and a wallet chosen there pays the FX order', async () => {
    const created = await call('foreignExchange/order', { ...goods, requestId: 'fxp-cashier', orderAmount: '10000' });
    expect(created).toMatchObject({ status: 'REDIRECT', paymentAmount: '71400' });
    const page = await fetch(created.redirectUrl as string);
    const html = await page.text();
    expect(html).toContain('value="ALIPAY_SCAN"');
    const nonce = /oc_nonce=([^;]+)/.exec(page.headers.get('set-cookie') ?? '')![1]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const chose = await fetch(`${created.redirectUrl as string}/method`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `oc_nonce=${nonce}` },
      body: new URLSearchParams({ _csrf: csrf, method: 'ALIPAY_SCAN' }).toString(),
      redirect: 'manual',
    });
    expect(chose.status).toBe(303);
    const waiting = await (await fetch(created.redirectUrl as string, { headers: { cookie: `oc_nonce=${nonce}` } })).text();
    const walletUrl = /class="sandbox-link" href="([^"]+)"/.exec(waiting)![1]!;
    await decide(referenceOf(walletUrl), 'approve');
    expect(await call('foreignExchange/query', { requestId: 'fxp-cashier' })).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'ALI_SCANCODE_PAY', payment: { amount: '71400', currency: 'CNY' } });
  });

  it('refuses an unknown or disabled method before anything is written', async () => {
    await expect(call('foreignExchange/order', { ...goods, requestId: 'fxp-bad-code', orderAmount: '10000', paymentModeCode: 'SCANCODE-NOPE-P2P' })).rejects.toMatchObject({ code: 'PAYMENT_MODE_UNKNOWN' });
    await expect(call('foreignExchange/order', { ...goods, requestId: 'fxp-no-openid', orderAmount: '10000', paymentModeCode: 'WECHAT-OFFICIAL_PAY-P2P' })).rejects.toMatchObject({ code: 'FIELD_MISSING' });
    await admin('PUT', `/merchants/${t.merchant.merchantId}/payment-methods`, { methods: ['CARD', 'ALIPAY_SCAN'] });
    try {
      await expect(call('foreignExchange/order', { ...goods, requestId: 'fxp-disabled', orderAmount: '10000', paymentModeCode: 'SCANCODE-WEIXIN_PAY-P2P' })).rejects.toMatchObject({ code: 'PAYMENT_METHOD_NOT_ENABLED' });
    } finally {
      await admin('PUT', `/merchants/${t.merchant.merchantId}/payment-methods`, { methods: [] });
    }
    for (const requestId of ['fxp-bad-code', 'fxp-no-openid', 'fxp-disabled']) await expect(call('foreignExchange/query', { requestId })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('a refund after the purchase sells the refunded share back at the desk\'s bid; the merchant bears the difference, posted and notified', async () => {
    now = Date.parse('2026-11-25T02:00:00Z');
    const created = await call('foreignExchange/order', { ...goods, requestId: 'fxp-sell', orderAmount: '10000' });
    const orderId = created.serialNumber as string;
    await call('sandbox/pay', { requestId: 'fxp-sell', cardNumber: '4242424242424242' });
    expect(await t.gateway.crossBorder.fxOrders().executeDue(10)).toBeGreaterThanOrEqual(1);
    // 71400 fen − 1% fee = 70686 fen bought $99.00 at the ask 7.14.
    expect((await call('foreignExchange/query', { requestId: 'fxp-sell' })).foreignExchange).toMatchObject({ amount: '9900', deductionAmount: '70686', status: 'SUCCESS' });

    // Half the payment back: half the dollars ($49.50, which cost 353.43 CNY) go back at the bid 7.10 = 351.45 CNY.
    const half = await call('foreignExchange/refund', { requestId: 'fxp-sell-r1', orderId, amount: '35700' });
    expect(half).toMatchObject({ status: 'SUCCESS', amount: '35700' });
    let q = await call('foreignExchange/query', { requestId: 'fxp-sell' });
    expect(q).toMatchObject({ totalRefundAmount: '35700', foreignExchange: { amount: '9900', soldBackAmount: '4950' } });
    let sent = await notes(orderId);
    expect(sent.at(-1)).toMatchObject({ notifyType: 'FOREIGN_EXCHANGE_REFUND', sellBack: { amount: '4950', currency: 'USD', status: 'SUCCESS', listprice: '7.1', cnyAmount: '35145', costAmount: '35343', differenceAmount: '-198' } });
    expect(sent.map((n) => n.notifyType)).toEqual(['PAYMENT', 'FOREIGN_EXCHANGE', 'REFUND', 'FOREIGN_EXCHANGE_REFUND']);
    // Caught up with its refunds, the order is not in the sweep's list although half its dollars are unsold.
    expect(await t.gateway.crossBorder.saleRows.ordersToCatchUp(100)).not.toContain(orderId);
    // The rate used is kept with its source and time.
    const quotes = await t.gateway.database.db.selectFrom('fx_quotes').selectAll().where('order_id', '=', orderId).where('purpose', '=', 'SELL_BACK').execute();
    expect(quotes.map((r) => [r.base_currency, r.quote_currency, r.side, r.rate, String(r.amount_minor), String(r.converted_minor)])).toEqual([['USD', 'CNY', 'bid', '7.1', '4950', '35145']]);

    // The rest, in two refunds: every dollar bought is sold back, never more.
    await call('foreignExchange/refund', { requestId: 'fxp-sell-r2', orderId, amount: '23800' });
    await call('foreignExchange/refund', { requestId: 'fxp-sell-r3', orderId });
    await expect(call('foreignExchange/refund', { requestId: 'fxp-sell-r4', orderId, amount: '1' })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
    q = await call('foreignExchange/query', { requestId: 'fxp-sell' });
    expect(q).toMatchObject({ totalRefundAmount: '71400', totalRefundCount: '3', foreignExchange: { soldBackAmount: '9900' } });
    const sales = await t.gateway.crossBorder.saleRows.forOrder(orderId);
    expect(sales.map((s) => s.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(sales.reduce((sum, s) => sum + s.soldMinor, 0n)).toBe(9900n);
    expect(sales.reduce((sum, s) => sum + s.costMinor, 0n)).toBe(70686n);
    const difference = sales.reduce((sum, s) => sum + s.proceedsMinor - s.costMinor, 0n);
    // 9900 × 7.10 = 70290 fetched for 70686 spent: the merchant bears 396 fen.
    expect(sales.reduce((sum, s) => sum + s.proceedsMinor, 0n)).toBe(70290n);
    expect(difference).toBe(-396n);

    // The ledger balances in every currency; the merchant's payable carries capture − fee − refunds − the FX difference.
    for (const [currency, net] of await t.gateway.ledger.imbalanceByCurrency()) expect(net, currency).toBe(0n);
    const postings = await t.gateway.ledger.forOrder(orderId);
    const payable = postings.filter((p) => p.account === `merchant_payable:${t.merchant.merchantId}`).reduce((sum, p) => sum + (p.direction === 'C' ? p.amountMinor : -p.amountMinor), 0n);
    expect(payable).toBe(71400n - 714n - 71400n - 396n);
    expect(postings.filter((p) => p.journalKind === 'fx_sellback' && p.account === 'fx_desk:sandbox-fx-desk').reduce((sum, p) => sum + p.amountMinor, 0n)).toBe(396n);

    // Settled the next day, the difference is part of the refunds and the totals stay the ledger's.
    now = Date.parse('2026-11-25T22:00:00Z');
    const batch = await call('settlement/query', { businessDate: '2026-11-25' });
    expect(batch).toMatchObject({ capturedAmount: '71400', refundedAmount: String(71400 + 396), feeAmount: '714', netAmount: '1110', netDirection: 'DEBIT' });
  });

  it('a sale the desk did not answer stays pending and the sweep completes it once; nothing is sold twice', async () => {
    now = Date.parse('2026-11-26T02:00:00Z');
    const created = await call('foreignExchange/order', { ...goods, requestId: 'fxp-sweep', orderAmount: '5000' });
    const orderId = created.serialNumber as string;
    await call('sandbox/pay', { requestId: 'fxp-sweep', cardNumber: '4242424242424242' });
    await t.gateway.crossBorder.fxOrders().executeDue(10);
    const desk = t.gateway.crossBorder.sellBacks() as unknown as { deps: { desk: { sell: (...a: unknown[]) => Promise<unknown> } } };
    const sell = desk.deps.desk.sell.bind(desk.deps.desk);
    desk.deps.desk.sell = async () => {
      throw new Error('desk unreachable');
    };
    try {
      expect((await call('foreignExchange/refund', { requestId: 'fxp-sweep-r1', orderId })).status).toBe('SUCCESS');
    } finally {
      desk.deps.desk.sell = sell;
    }
    expect((await t.gateway.crossBorder.saleRows.forOrder(orderId)).map((s) => s.status)).toEqual(['PENDING']);
    // Refunded but not yet sold back: the sweep lists it.
    expect(await t.gateway.crossBorder.saleRows.ordersToCatchUp(100)).toContain(orderId);
    expect(await t.gateway.crossBorder.sellBacks().runDue(10)).toBeGreaterThanOrEqual(1);
    expect(await t.gateway.crossBorder.sellBacks().runDue(10)).toBe(0);
    const sales = await t.gateway.crossBorder.saleRows.forOrder(orderId);
    expect(sales.map((s) => [s.status, s.soldMinor])).toEqual([['SUCCESS', 4950n]]);
    expect(await t.gateway.crossBorder.saleRows.ordersToCatchUp(100)).not.toContain(orderId);
    expect((await notes(orderId)).filter((n) => n.notifyType === 'FOREIGN_EXCHANGE_REFUND')).toHaveLength(1);
  });

  it('a refused proof on a paid order refunds the payer by itself, recorded and notified; a refusal before payment refunds once paid', async () => {
    now = Date.parse('2026-11-27T02:00:00Z');
    const study = { ...goods, forUse: 'STUDYABROAD', studyAbroadInfo: { name: '王五', schoolName: 'ETH Zürich', studentNumber: 'S99' } };
    const paidFirst = await call('foreignExchange/order', { ...study, requestId: 'fxp-refuse-paid', orderAmount: '3000' });
    const orderId = paidFirst.serialNumber as string;
    await call('sandbox/pay', { requestId: 'fxp-refuse-paid', cardNumber: '4242424242424242' });
    expect((await admin('POST', `/fx-orders/${orderId}/review`, { decision: 'REFUSE', remark: 'invoice does not match' })).status).toBe(200);
    const q = await call('foreignExchange/query', { requestId: 'fxp-refuse-paid' });
    expect(q).toMatchObject({ reviewStatus: 'REFUSE', reviewRemark: 'invoice does not match', totalRefundAmount: '21420', totalRefundCount: '1', foreignExchange: { status: 'FAILED' } });
    const sent = await notes(orderId);
    expect(sent.map((n) => n.notifyType)).toEqual(['PAYMENT', 'REVIEW', 'REFUND', 'FOREIGN_EXCHANGE']);
    expect(sent[2]).toMatchObject({ status: 'SUCCESS', amount: '21420', requestId: `REVIEW-REFUSE-${orderId}` });
    expect(await call('foreignExchange/refundQuery', { requestId: `REVIEW-REFUSE-${orderId}` })).toMatchObject({ status: 'SUCCESS', orderId });
    const refunds = await t.gateway.refunds.forOrder(orderId);
    expect(refunds.map((r) => [r.origin, r.state, r.amountMinor])).toEqual([['REVIEW_REFUSAL', 'SUCCESS', 21420n]]);
    // Nothing is left to refund, and running the purchase job again refunds nothing twice.
    await expect(call('foreignExchange/refund', { requestId: 'fxp-refuse-paid-r', orderId })).rejects.toMatchObject({ code: 'ORDER_FULLY_REFUNDED' });
    await t.gateway.crossBorder.fxOrders().executeDue(10);
    expect(await t.gateway.refunds.forOrder(orderId)).toHaveLength(1);

    const refusedFirst = await call('foreignExchange/order', { ...study, requestId: 'fxp-refuse-unpaid', orderAmount: '2000' });
    const unpaidId = refusedFirst.serialNumber as string;
    expect((await admin('POST', `/fx-orders/${unpaidId}/review`, { decision: 'REFUSE', remark: 'no admission letter' })).status).toBe(200);
    expect(await t.gateway.refunds.forOrder(unpaidId)).toHaveLength(0);
    await call('sandbox/pay', { requestId: 'fxp-refuse-unpaid', cardNumber: '4242424242424242' });
    expect(await t.gateway.crossBorder.fxOrders().executeDue(10)).toBeGreaterThanOrEqual(1);
    expect(await call('foreignExchange/query', { requestId: 'fxp-refuse-unpaid' })).toMatchObject({ status: 'SUCCESS', totalRefundAmount: '14280', foreignExchange: { status: 'FAILED' } });
    for (const [currency, net] of await t.gateway.ledger.imbalanceByCurrency()) expect(net, currency).toBe(0n);
  });
});
