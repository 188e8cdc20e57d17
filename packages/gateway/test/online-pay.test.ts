/**
 * The unified order (`onlinePay/*`) through the SDK and the sandbox
 * simulators' endpoint, on every database: each method's answer, completion,
 * notification, query and refund; bad input refused with nothing written;
 * a late approval after cancel or expiry refunded by itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnlinePayOrderRequest } from '@opencashier/sdk';
import { startTestGateway, testDatabases, type TestGateway } from './harness.js';
import { decodeQrPng } from './qr-decode.js';

describe.each(testDatabases())('onlinePay unified order (%s)', (_database, databaseEnv) => {
  let t: TestGateway;
  let now = Date.now();
  beforeAll(async () => {
    t = await startTestGateway({ ...databaseEnv, OPENCASHIER_SANDBOX_UNKNOWN_RESOLVE_DELAY_MS: '1000' }, { background: false, clock: () => now });
  });
  afterAll(async () => t?.close());

  const order = (requestId: string, extra: Partial<OnlinePayOrderRequest> = {}) =>
    t.client.createOnlinePayOrder({
      requestId,
      orderAmount: '1990',
      orderCurrency: 'CNY',
      notifyUrl: 'http://127.0.0.1:9999/n',
      callbackUrl: 'http://127.0.0.1:9999/r',
      productDetails: [{ name: 'Tea', quantity: '1', amount: '1990' }],
      ...extra,
    });
  const decide = async (reference: string, decision: 'approve' | 'decline') => {
    const response = await fetch(`${t.baseUrl}/simulator/pay/${reference}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision }) });
    expect(response.status).toBe(200);
    return (await response.json()) as { outcome: string; status: string };
  };
  const referenceOf = (url: string) => new URL(url).pathname.split('/').pop()!;
  const notified = async (orderId: string) => (await t.gateway.notifications.forOrder(orderId)).map((n) => JSON.parse(n.payloadJson) as Record<string, unknown>);
  const orderCount = async () => Number((await t.gateway.database.db.selectFrom('orders').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow()).n);

  it('without paymentModeCode redirects to the hosted cashier', async () => {
    const answer = await order('op-cashier');
    expect(answer.status).toBe('REDIRECT');
    expect(answer.redirectUrl).toMatch(new RegExp(`^${t.baseUrl}/cashier/`));
    expect((await t.client.queryOnlinePayOrder({ requestId: 'op-cashier' })).status).toBe('INIT');
  });

  it('Alipay scan: a QR code that encodes the wallet page; approval pays, notifies and can be refunded', async () => {
    const answer = await order('op-ali-scan', { paymentModeCode: 'SCANCODE-ALI_PAY-P2P' });
    expect(answer.status).toBe('SUCCESS');
    expect(decodeQrPng(answer.scanCode!)).toBe(answer.scanCodeUrl);
    expect(answer.scanCodeUrl).toMatch(new RegExp(`^${t.baseUrl}/simulator/pay/ali`));
    // A replay answers the same code; it does not open a second payment.
    expect((await order('op-ali-scan', { paymentModeCode: 'SCANCODE-ALI_PAY-P2P' })).scanCodeUrl).toBe(answer.scanCodeUrl);
    expect(await decide(referenceOf(answer.scanCodeUrl!), 'approve')).toEqual({ reference: referenceOf(answer.scanCodeUrl!), outcome: 'approved', status: 'SUCCESS' });
    const paid = await t.client.queryOnlinePayOrder({ requestId: 'op-ali-scan' });
    expect(paid).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'ALI_SCANCODE_PAY', clearingOrg: 'NUCC', orderAmount: '1990', payment: { amount: '1990', currency: 'CNY', status: 'SUCCESS' } });
    expect(paid.payment?.completeDateTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    const notes = await notified(answer.paymentOrderId!);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'ALI_SCANCODE_PAY', payment: { amount: '1990', status: 'SUCCESS' } });
    const refund = await t.client.refund({ requestId: 'op-ali-scan-r1', orderId: answer.paymentOrderId!, amount: '990' }, 'onlinePay');
    expect(refund.status).toBe('SUCCESS');
    expect((await t.client.queryOnlinePayOrder({ requestId: 'op-ali-scan' })).totalRefundAmount).toBe('990');
    // A second decision on the same payment changes nothing.
    expect((await decide(referenceOf(answer.scanCodeUrl!), 'decline')).status).toBe('SUCCESS');
  });

  it('WeChat scan: declined in the wallet, the order fails and is notified once', async () => {
    const answer = await order('op-wx-scan', { paymentModeCode: 'SCANCODE-WEIXIN_PAY-P2P' });
    expect(decodeQrPng(answer.scanCode!)).toBe(answer.scanCodeUrl);
    expect((await decide(referenceOf(answer.scanCodeUrl!), 'decline')).status).toBe('FAILED');
    expect(await t.client.queryOnlinePayOrder({ requestId: 'op-wx-scan' })).toMatchObject({ status: 'FAILED', paymentModeAlias: 'WEIXIN_SCANCODE_PAY', code: 'DO_NOT_HONOR' });
    expect((await notified(answer.paymentOrderId!)).map((n) => n.status)).toEqual(['FAILED']);
  });

  it('redirect methods: Alipay WAP and life account, online banking with a named bank', async () => {
    const wap = await order('op-wap', { paymentModeCode: 'ALIPAY-WAP-P2P' });
    expect(wap.status).toBe('REDIRECT');
    expect(wap.redirectUrl).toMatch(/\/simulator\/pay\/ali/);
    const life = await order('op-life', { paymentModeCode: 'ALIPAY-OFFICIAL-P2P' });
    expect(life.redirectUrl).toMatch(/\?via=life$/);
    const bank = await order('op-b2c', { paymentModeCode: 'BANK_CARD-B2C-ICBC-P2P' });
    expect(bank.status).toBe('REDIRECT');
    expect(new URL(bank.redirectUrl!).searchParams.get('bank')).toBe('ICBC');
    await decide(referenceOf(bank.redirectUrl!), 'approve');
    expect(await t.client.queryOnlinePayOrder({ requestId: 'op-b2c' })).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'B2C', clearingOrg: 'UNION_PAY' });
  });

  it('WeChat official account and mini program answer jsString; app payments appParams; both complete at the simulator', async () => {
    const official = await order('op-jsapi', { paymentModeCode: 'WECHAT-OFFICIAL_PAY-P2P', openId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M', appId: 'wx2421b1c4370ec43b' });
    expect(official.status).toBe('SUCCESS');
    const js = JSON.parse(official.jsString!) as Record<string, string>;
    expect(js).toMatchObject({ appId: 'wx2421b1c4370ec43b', signType: 'HMAC-SHA256' });
    expect(js.package).toMatch(/^prepay_id=wx/);
    expect(js.paySign).toMatch(/^[0-9A-F]{64}$/);
    await decide(js.package!.slice('prepay_id='.length), 'approve');
    expect(await t.client.queryOnlinePayOrder({ requestId: 'op-jsapi' })).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'WEIXIN_OFFICIAL_PAY' });

    const mini = await order('op-mini', { paymentModeCode: 'MINIAPPS-WEIXIN_PAY-P2P', openId: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2N' });
    expect(JSON.parse(mini.jsString!).package).toMatch(/^prepay_id=wx/);

    const aliApp = await order('op-ali-app', { paymentModeCode: 'APP-ALI_PAY-P2P' });
    const aliParams = JSON.parse(aliApp.appParams!) as { tradeNo: string; sandboxCompleteUrl: string };
    expect(aliParams.sandboxCompleteUrl).toContain(aliParams.tradeNo);
    await decide(aliParams.tradeNo, 'approve');
    expect(await t.client.queryOnlinePayOrder({ requestId: 'op-ali-app' })).toMatchObject({ status: 'SUCCESS', paymentModeAlias: 'APP_ALIPAY' });

    const wxApp = await order('op-wx-app', { paymentModeCode: 'APP-WEIXIN_PAY-P2P' });
    const wxParams = JSON.parse(wxApp.appParams!) as { prepayid: string };
    await decide(wxParams.prepayid, 'decline');
    expect((await t.client.queryOnlinePayOrder({ requestId: 'op-wx-app' })).status).toBe('FAILED');
  });

  it('magic amounts: a decline on approval, and a timeout resolved by a later query', async () => {
    const declined = await order('op-magic-9051', { orderAmount: '19051', productDetails: [], paymentModeCode: 'SCANCODE-ALI_PAY-P2P' });
    expect((await decide(referenceOf(declined.scanCodeUrl!), 'approve')).outcome).toBe('declined');
    expect(await t.client.queryOnlinePayOrder({ requestId: 'op-magic-9051' })).toMatchObject({ status: 'FAILED', code: 'INSUFFICIENT_FUNDS' });

    const slow = await order('op-magic-9054', { orderAmount: '19054', productDetails: [], paymentModeCode: 'SCANCODE-WEIXIN_PAY-P2P' });
    expect(await decide(referenceOf(slow.scanCodeUrl!), 'approve')).toMatchObject({ outcome: 'unknown', status: 'INIT' });
    now += 1_000;
    expect(await t.gateway.orders.resolveUnknown(10)).toBeGreaterThanOrEqual(1);
    expect((await t.client.queryOnlinePayOrder({ requestId: 'op-magic-9054' })).status).toBe('SUCCESS');

    const refundFails = await order('op-magic-9061', { orderAmount: '19061', productDetails: [], paymentModeCode: 'ALIPAY-WAP-P2P' });
    await decide(referenceOf(refundFails.redirectUrl!), 'approve');
    const refund = await t.client.refund({ requestId: 'op-magic-9061-r', orderId: refundFails.paymentOrderId! }, 'onlinePay');
    expect(refund).toMatchObject({ status: 'FAILED', code: 'CHANNEL_REFUSED' });
  });

  it('an approval after the merchant cancelled or the order expired is recorded and refunded automatically', async () => {
    const cancelled = await order('op-late-cancel', { paymentModeCode: 'SCANCODE-ALI_PAY-P2P' });
    expect((await t.client.cancelOrder({ requestId: 'op-late-cancel' }, 'onlinePay')).status).toBe('CANCEL');
    expect((await decide(referenceOf(cancelled.scanCodeUrl!), 'approve')).status).toBe('CANCEL');
    const expiring = await order('op-late-expiry', { paymentModeCode: 'ALIPAY-WAP-P2P', timeout: '5' });
    now += 6 * 60_000;
    expect(await t.gateway.orders.expireDue(10)).toBeGreaterThanOrEqual(1);
    expect((await decide(referenceOf(expiring.redirectUrl!), 'approve')).status).toBe('CANCEL');
    for (const answer of [cancelled, expiring]) {
      const refunds = await t.gateway.refunds.forOrder(answer.paymentOrderId!);
      expect(refunds).toHaveLength(1);
      expect(refunds[0]).toMatchObject({ origin: 'LATE_APPROVAL_REVERSAL', state: 'SUCCESS', amountMinor: 1990n });
      // Notified once, as cancelled; the reversal is the gateway's own business.
      expect((await notified(answer.paymentOrderId!)).map((n) => n.status)).toEqual(['CANCEL']);
    }
  });

  describe('bad input is refused with a documented code and writes nothing', () => {
    it.each([
      ['an unknown paymentModeCode', { paymentModeCode: 'SCANCODE-NOPE-P2P' }, 'PAYMENT_MODE_UNKNOWN'],
      ['a timeout over 24 hours', { timeout: '1441' }, 'FIELD_INVALID'],
      ['WeChat official account without openId', { paymentModeCode: 'WECHAT-OFFICIAL_PAY-P2P' }, 'FIELD_MISSING'],
      ['WeChat mini program without openId', { paymentModeCode: 'MINIAPPS-WEIXIN_PAY-P2P' }, 'FIELD_MISSING'],
      ['a clientIp that is not an address', { clientIp: 'my-laptop' }, 'FIELD_INVALID'],
      ['offline remittance in a currency the collection account does not take', { paymentModeCode: 'OFFLINE-P2P', orderCurrency: 'USD' }, 'CURRENCY_UNSUPPORTED'],
      ['a cashierVersion other than STANDARD', { cashierVersion: 'LITE' as 'STANDARD' }, 'FIELD_INVALID'],
    ] as const)('%s', async (_label, extra, code) => {
      const before = await orderCount();
      await expect(order(`op-bad-${code}-${before}`, extra)).rejects.toMatchObject({ code });
      expect(await orderCount()).toBe(before);
    });

    it('a method the merchant has not enabled', async () => {
      const merchantId = t.merchant.merchantId;
      await t.gateway.onlinePay.setEnabledMethods(merchantId, ['CARD', 'WECHAT_SCAN']);
      try {
        const before = await orderCount();
        await expect(order('op-not-enabled', { paymentModeCode: 'SCANCODE-ALI_PAY-P2P' })).rejects.toMatchObject({ code: 'PAYMENT_METHOD_NOT_ENABLED' });
        expect(await orderCount()).toBe(before);
        expect((await order('op-enabled', { paymentModeCode: 'SCANCODE-WEIXIN_PAY-P2P' })).status).toBe('SUCCESS');
      } finally {
        await t.gateway.onlinePay.setEnabledMethods(merchantId, []);
      }
    });

    it('the simulator refuses a reference it does not know and a decision it does not understand', async () => {
      expect((await fetch(`${t.baseUrl}/simulator/pay/alin000000000000000000000000`)).status).toBe(404);
      const answer = await order('op-sim-bad', { paymentModeCode: 'SCANCODE-ALI_PAY-P2P' });
      const bad = await fetch(answer.scanCodeUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ decision: 'maybe' }) });
      expect(bad.status).toBe(400);
      expect((await t.client.queryOnlinePayOrder({ requestId: 'op-sim-bad' })).status).toBe('INIT');
    });
  });
});
