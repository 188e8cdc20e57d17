import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BusinessError, FormGatewayClient, parseFlatXml } from '@opencashier/sdk';
import { testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { payWithTestCard } from '../../src/orders/sandbox-payment.js';
import { seedContent, seedMd5, type SeedShop } from './seed-shop.js';
import { encodeForm, orderForm, postForm, signMd5, cashierOrderId, startFormGatewayRig } from './support.js';

const NOTIFY_WAIT_MS_MAX = 15_000;

// The server calls' field orders, written out here independently of the SDK.
const QUERY = 'inputCharset,version,signType,merchantAcctId,orderId'.split(',');
const REFUND = 'inputCharset,version,signType,merchantAcctId,orderId,refundId,refundAmount'.split(',');
const REFUND_QUERY = 'inputCharset,version,signType,merchantAcctId,refundId'.split(',');
const QUERY_ANSWER = 'merchantAcctId,version,signType,requestResult,errCode,payType,bankId,orderId,orderTime,orderAmount,dealId,bankDealId,dealTime,payAmount,fee,ext1,ext2,payResult,refundedAmount'.split(',');
const REFUND_ANSWER = 'merchantAcctId,version,signType,requestResult,errCode,orderId,dealId,refundId,refundDealId,refundAmount,refundResult,refundTime'.split(',');
const REFUND_RESULT = 'merchantAcctId,version,signType,orderId,dealId,refundId,refundDealId,refundAmount,refundResult,errCode,refundTime'.split(',');
const RESEND_ANSWER = 'merchantAcctId,version,signType,requestResult,errCode,orderId,dealId'.split(',');

describe.each(testDatabases())('RMB form gateway server calls on %s', (_name, env) => {
  let t: TestGateway;
  let shop: SeedShop;
  let acct: string;
  let key: string;

  beforeAll(async () => {
    ({ t, shop, acct, key } = await startFormGatewayRig(env));
  });
  afterAll(async () => {
    await shop?.close();
    await t?.close();
  });

  /** A shop's server call, signed by the seed's rule over `order`; the raw XML and its elements. */
  async function call(path: string, order: string[], fields: Record<string, string>, signKey = key): Promise<{ xml: string; answer: Record<string, string> }> {
    const form = { inputCharset: '1', version: 'v2.0', signType: '1', merchantAcctId: acct, ...fields };
    const response = await postForm(t.baseUrl, encodeForm({ ...form, signMsg: seedMd5(seedContent(form, order), signKey) }), path);
    expect(response.headers.get('content-type')).toMatch(/xml/);
    const xml = await response.text();
    return { xml, answer: parseFlatXml(xml)! };
  }

  const verifies = (answer: Record<string, string>, order: string[]) => answer.signMsg === seedMd5(seedContent(answer, order), key);

  async function paidOrder(amount = '200'): Promise<{ orderId: string; dealId: string }> {
    const form = signMd5(orderForm(shop, acct, { orderAmount: amount }), key);
    const dealId = cashierOrderId(await postForm(t.baseUrl, encodeForm(form)))!;
    await payWithTestCard(t.gateway.orders, dealId, '4242424242424242');
    return { orderId: form.orderId!, dealId };
  }

  it('order query: a paid order as its result has it, a pending one with an empty payResult; signed', async () => {
    const { orderId, dealId } = await paidOrder();
    const { xml, answer } = await call('/form-gateway/query', QUERY, { orderId });
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8" \?><res><merchantAcctId>/);
    expect(answer).toMatchObject({ requestResult: '10', errCode: '', orderId, dealId, orderAmount: '200', payAmount: '200', payResult: '10', refundedAmount: '0' });
    expect(verifies(answer, QUERY_ANSWER)).toBe(true);

    const pending = signMd5(orderForm(shop, acct), key);
    await postForm(t.baseUrl, encodeForm(pending));
    const open = (await call('/form-gateway/query', QUERY, { orderId: pending.orderId! })).answer;
    expect(open).toMatchObject({ requestResult: '10', payResult: '', payAmount: '', orderId: pending.orderId });
    expect(verifies(open, QUERY_ANSWER)).toBe(true);
  });

  it('refund over the core refunds: answered signed, notified to bgUrl, replay-safe, and queried', async () => {
    const { orderId, dealId } = await paidOrder('300');
    const refundId = `rf-${orderId}`;
    const first = (await call('/form-gateway/refund', REFUND, { orderId, refundId, refundAmount: '120' })).answer;
    expect(first).toMatchObject({ requestResult: '10', orderId, dealId, refundId, refundAmount: '120', refundResult: '10' });
    expect(verifies(first, REFUND_ANSWER)).toBe(true);
    expect((await t.gateway.orders.find(dealId))!.refundedMinor).toBe(120n);

    // The same call again is the same refund; nothing is refunded twice.
    const again = (await call('/form-gateway/refund', REFUND, { orderId, refundId, refundAmount: '120' })).answer;
    expect(again.refundDealId).toBe(first.refundDealId);
    expect((await t.gateway.orders.find(dealId))!.refundedMinor).toBe(120n);

    const queried = (await call('/form-gateway/refundQuery', REFUND_QUERY, { refundId })).answer;
    expect(queried).toMatchObject({ requestResult: '10', refundDealId: first.refundDealId, refundAmount: '120', refundResult: '10' });
    expect(verifies(queried, REFUND_ANSWER)).toBe(true);

    const notice = await waitUntil(() => shop.notifications.find((n) => n.fields.refundDealId === first.refundDealId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the refund result' });
    expect(notice.raw.split('&').map((p) => p.split('=')[0])).toEqual([...REFUND_RESULT, 'signMsg']);
    expect(notice.fields.signMsg).toBe(seedMd5(seedContent(notice.fields, REFUND_RESULT), key));

    // The rest, without an amount.
    const rest = (await call('/form-gateway/refund', REFUND, { orderId, refundId: `${refundId}-2` })).answer;
    expect(rest).toMatchObject({ requestResult: '10', refundAmount: '180' });
  });

  it('自助补发: the result of a paid order goes to bgUrl again', async () => {
    const { orderId, dealId } = await paidOrder();
    await waitUntil(() => shop.notifications.find((n) => n.fields.orderId === orderId), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the first result' });
    const [row] = await t.gateway.notifications.forOrder(dealId);
    await waitUntil(async () => ((await t.gateway.notifications.find(row!.id))?.state === 'delivered' ? true : undefined), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'delivered' });
    const before = shop.notifications.filter((n) => n.fields.orderId === orderId).length;
    const { answer } = await call('/form-gateway/resend', QUERY, { orderId });
    expect(answer).toMatchObject({ requestResult: '10', orderId, dealId });
    expect(verifies(answer, RESEND_ANSWER)).toBe(true);
    const resent = await waitUntil(() => (shop.notifications.filter((n) => n.fields.orderId === orderId).length > before ? shop.notifications.filter((n) => n.fields.orderId === orderId).at(-1) : undefined), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the re-sent result' });
    expect(resent.signValid).toBe(true);
    expect(resent.fields.payResult).toBe('10');
  });

  it('the SDK client makes the same calls and raises refusals as BusinessError', async () => {
    const client = new FormGatewayClient({ baseUrl: t.baseUrl, merchantAcctId: acct, signer: { signType: '1', key }, verifier: { signType: '1', keys: [key] } });
    const { orderId } = await paidOrder('500');
    expect(await client.queryOrder(orderId)).toMatchObject({ payResult: '10', orderAmount: '500' });
    const refund = await client.refund({ orderId, refundId: `sdk-${orderId}`, refundAmount: '500' });
    expect(refund).toMatchObject({ refundResult: '10', refundAmount: '500' });
    expect(await client.queryRefund(`sdk-${orderId}`)).toMatchObject({ refundDealId: refund.refundDealId });
    expect(await client.resendResult(orderId)).toMatchObject({ orderId });
    await expect(client.refund({ orderId, refundId: `sdk-${orderId}-2` })).rejects.toSatisfy((e: unknown) => e instanceof BusinessError && e.code === '20013');
    await expect(client.queryRefund('never')).rejects.toSatisfy((e: unknown) => e instanceof BusinessError && e.code === '20010');
  });

  describe('bad calls get their errCode, in XML, and change nothing', () => {
    it.each([
      ['a missing orderId', '/form-gateway/query', QUERY, {}, '10010'],
      ['an unknown order', '/form-gateway/query', QUERY, { orderId: 'never-created' }, '20005'],
      ['a wrong version', '/form-gateway/query', QUERY, { orderId: 'x', version: 'v9' }, '10001'],
      ['an unknown refund', '/form-gateway/refundQuery', REFUND_QUERY, { refundId: 'never' }, '20010'],
      ['a missing refundId', '/form-gateway/refundQuery', REFUND_QUERY, {}, '10060'],
      ['a re-send of an order never notified', '/form-gateway/resend', QUERY, { orderId: 'never-created' }, '20005'],
    ] as const)('%s', async (_what, path, order, fields, errCode) => {
      const { answer } = await call(path, [...order], { ...fields });
      expect(answer).toMatchObject({ requestResult: '11', errCode });
    });

    it('refunds: a bad signature (unsigned answer), bad amounts, too much, an unpaid order, a refundId reused', async () => {
      const { orderId, dealId } = await paidOrder('100');
      const forged = (await call('/form-gateway/refund', REFUND, { orderId, refundId: `f-${orderId}` }, 'not-the-key')).answer;
      expect(forged).toMatchObject({ requestResult: '11', errCode: '20002', signMsg: '' });
      const bad = [['1.5', '10059'], ['0', '10059'], ['-5', '10059'], ['101', '20012']] as const;
      for (const [i, [refundAmount, errCode]] of bad.entries()) {
        expect((await call('/form-gateway/refund', REFUND, { orderId, refundId: `b-${orderId}-${i}`, refundAmount })).answer, refundAmount).toMatchObject({ requestResult: '11', errCode });
      }
      expect((await call('/form-gateway/refund', REFUND, { orderId })).answer).toMatchObject({ errCode: '10060' });
      expect((await t.gateway.orders.find(dealId))!.refundedMinor).toBe(0n);
      expect(await t.gateway.refunds.forOrder(dealId)).toEqual([]);

      await call('/form-gateway/refund', REFUND, { orderId, refundId: `u-${orderId}`, refundAmount: '10' });
      expect((await call('/form-gateway/refund', REFUND, { orderId, refundId: `u-${orderId}`, refundAmount: '20' })).answer).toMatchObject({ errCode: '20003' });
      expect((await t.gateway.orders.find(dealId))!.refundedMinor).toBe(10n);

      const unpaid = signMd5(orderForm(shop, acct), key);
      await postForm(t.baseUrl, encodeForm(unpaid));
      expect((await call('/form-gateway/refund', REFUND, { orderId: unpaid.orderId!, refundId: `n-${unpaid.orderId}` })).answer).toMatchObject({ errCode: '20011' });
    });

    it('a re-send of an order with no result yet: 20034', async () => {
      const pending = signMd5(orderForm(shop, acct), key);
      await postForm(t.baseUrl, encodeForm(pending));
      expect((await call('/form-gateway/resend', QUERY, { orderId: pending.orderId! })).answer).toMatchObject({ requestResult: '11', errCode: '20034' });
    });
  });
});
