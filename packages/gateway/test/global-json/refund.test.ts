import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, testDatabases, type TestGateway } from '../harness.js';
import { waitUntil } from '../e2e/wait-until.js';
import { startSeedMerchant, type SeedMerchant } from './seed-merchant.js';
import { creditRequest, directCard, globalClient, postSigned } from './support.js';

const NOTIFY_WAIT_MS_MAX = 15_000;

describe.each(testDatabases())('flat-JSON /global/refund on %s', (_name, env) => {
  let t: TestGateway;
  let shop: SeedMerchant;

  beforeAll(async () => {
    t = await startTestGateway(env);
    shop = await startSeedMerchant(() => t.merchant.globalJson!.secret);
  });
  afterAll(async () => {
    await shop?.close();
    await t?.close();
  });

  async function paidOrder(pan = '4242424242424242', amount = '10.00'): Promise<string> {
    const result = await globalClient(t).payCredit(creditRequest(shop, { ...directCard(pan), amount }));
    expect(result.status).toBe('success');
    return result.order_id;
  }

  const post = (fields: Record<string, unknown>) => postSigned(t, '/global/refund', fields);

  it('refunds part, then the rest by default, each answered in the seed shape and notified signed', async () => {
    const orderId = await paidOrder();
    const part = await globalClient(t).refund({ mch_refund_no: `r-${orderId}-1`, order_id: orderId, refund_amount: '2.50' });
    expect(part).toMatchObject({ order_id: orderId, mch_refund_no: `r-${orderId}-1`, status: 'success', refund_amount: '2.50', appid: t.merchant.globalJson!.appid });
    expect(part.refund_id).toMatch(/^rf/);
    const rest = await globalClient(t).refund({ mch_refund_no: `r-${orderId}-2`, order_id: orderId });
    expect(rest).toMatchObject({ status: 'success', refund_amount: '7.50' });
    // Replaying a refund number answers the same refund; nothing is refunded twice.
    expect((await globalClient(t).refund({ mch_refund_no: `r-${orderId}-1`, order_id: orderId, refund_amount: '2.50' })).refund_id).toBe(part.refund_id);
    expect(await post({ mch_refund_no: `r-${orderId}-3`, order_id: orderId })).toMatchObject({ code: '2104', success: false });

    const refundNotice = await waitUntil(() => shop.received.find((n) => n.fields.refund_id === part.refund_id), { timeoutMs: NOTIFY_WAIT_MS_MAX, what: 'the refund notification' });
    expect(refundNotice.signValid).toBe(true);
    expect(refundNotice.fields).toMatchObject({ status: 'success', refund_amount: '2.50', order_id: orderId });
  });

  it('a refund the channel refuses is answered fail with its error, not refused', async () => {
    const orderId = await paidOrder('4000000000005126');
    const answer = await globalClient(t).refund({ mch_refund_no: `r-${orderId}`, order_id: orderId });
    expect(answer).toMatchObject({ status: 'fail', error: expect.any(String) });
  });

  it('bad refunds carry the dialect codes and change nothing', async () => {
    const orderId = await paidOrder('4242424242424242', '5.00');
    expect(await post({ mch_refund_no: 'x1', order_id: orderId, refund_amount: '5.01' })).toMatchObject({ code: '2103' });
    expect(await post({ mch_refund_no: 'x2', order_id: orderId, refund_amount: '1.001' })).toMatchObject({ code: '1008' });
    expect(await post({ mch_refund_no: 'x3', order_id: 'f'.repeat(32) })).toMatchObject({ code: '2002' });
    expect(await post({ order_id: orderId })).toMatchObject({ code: '1005' });
    const unpaid = await globalClient(t).payCredit(creditRequest(shop));
    expect(await post({ mch_refund_no: 'x4', order_id: unpaid.order_id })).toMatchObject({ code: '2102' });
    expect((await t.gateway.orders.find(orderId))!.refundReservedMinor).toBe(0n);
  });
});
