/**
 * Merchant A's objects for the cross-merchant suites: orders in every state
 * the APIs act on, a refund, a dispute, a saved card and a flat-JSON order;
 * and a snapshot of everything A owns, to prove nothing changed.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { PayEaseClient } from '@opencashier/sdk';
import type { TestGateway } from '../harness.js';
import { seedSign } from '../global-json/seed-merchant.js';

const ANY = 'http://127.0.0.1:9999';

/** A study-abroad foreign-exchange order, as the foreign-exchange suite makes one. */
export const FX_ORDER = {
  orderAmount: '10000',
  orderCurrency: 'USD',
  currency: 'USD',
  forUse: 'STUDYABROAD',
  notifyUrl: `${ANY}/n`,
  callbackUrl: `${ANY}/r`,
  productDetails: [{ name: 'Tuition 2027', quantity: '1', amount: '10000', tradeType: '未纳入海关' }],
  payer: { name: '李四', idType: 'IDCARD', idNum: '11010519491231002X', bankCardNum: '6222020200112233445', phoneNum: '13800138000' },
  studyAbroadInfo: { name: '李四', schoolName: 'University of Melbourne', studentNumber: 'E1234567' },
};

export interface Victim {
  iccPaid: { requestId: string; orderId: string };
  iccInit: { requestId: string; orderId: string };
  iccDisputed: { requestId: string; orderId: string };
  dispute: { disputeId: string };
  refund: { requestId: string; refundId: string };
  online: { requestId: string; orderId: string };
  binding: { userId: string; bindCardId: string; pan: string };
  global: { orderId: string; userId: string };
  fx: { requestId: string; orderId: string; unusedLockToken: string };
  /** Today in the gateway's business time zone (A has payments on it). */
  businessDate: string;
  /** A's unpaid order id with the link MAC of one of B's orders spliced on. */
  forgedToken: string;
  /** Links the gateway gave B for its own files. */
  bDownloadUrl: string;
  bUploadUrl: string;
  /** Identifiers only A was ever given: none may appear in an answer to B. */
  secrets: Record<string, string>;
}

export async function setUpVictim(t: TestGateway, a: PayEaseClient, b: PayEaseClient, merchantB: string): Promise<Victim> {
  const order = async (requestId: string) => {
    const created = await a.createIccOrder({ requestId, orderAmount: '5000', orderCurrency: 'USD', notifyUrl: `${ANY}/n`, callbackUrl: `${ANY}/r` });
    return { requestId, orderId: created.paymentOrderId! };
  };
  const iccPaid = await order('victim-paid');
  await a.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId: iccPaid.requestId, cardNumber: '4242424242424242' });
  const iccDisputed = await order('victim-disputed');
  await a.call('sandbox/pay', { merchantId: t.merchant.merchantId, requestId: iccDisputed.requestId, cardNumber: '4242424242424242' });
  const disputeAnswer = await a.call('sandbox/retrieval', { merchantId: t.merchant.merchantId, requestId: iccDisputed.requestId });
  const iccInit = await order('victim-unpaid');
  const refundAnswer = await a.refund({ requestId: 'victim-refund', orderId: iccPaid.orderId, amount: '1000' });
  const pan = '6212345678901232';
  const bound = await a.bindCard({ requestId: 'victim-bind', merchantUserId: 'victim-user', cardType: 'DEBIT', bankCard: { number: pan, holderName: 'PAT PAYER' } });
  const online = await a.createOnlinePayOrder({ requestId: 'victim-online', orderAmount: '8800', orderCurrency: 'CNY', notifyUrl: `${ANY}/n`, callbackUrl: `${ANY}/r`, paymentModeCode: 'BANK_CARD-EXPRESS_DEBIT', merchantUserId: 'victim-user', bindCardId: bound.bindCardId });
  const globalBody = {
    mchid: t.merchant.merchantId, appid: t.merchant.globalJson!.appid, amount: '2.00', subject: 's', body: 'b', callback_url: `${ANY}/r`, notify_url: `${ANY}/n`, user_id: 'victim-subscriber', client_ip: '10.0.0.1',
    phone_number: '18801552245', currency: 'USD', customer_name: 'Pat', region: 'USA', email: 'p@example.test', mch_order_no: 'victim-global', trigger_mode: 'RECURRING',
    card_no: '4242424242424242', cvc: '123', expiry_month: '12', expiry_year: String(new Date().getUTCFullYear() + 3),
  };
  const globalAnswer = (await (await fetch(`${t.baseUrl}/global/pay/credit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...globalBody, sign: seedSign(globalBody, t.merchant.globalJson!.secret) }) })).json()) as { result: { order_id: string; status: string } };
  if (globalAnswer.result.status !== 'success') throw new Error(`victim flat-JSON payment: ${JSON.stringify(globalAnswer)}`);

  const fxCall = (path: string, payload: Record<string, unknown>) => a.call(path, { merchantId: t.merchant.merchantId, ...payload });
  const lock = await fxCall('foreignExchange/listpriceLock', { requestId: 'victim-lock-1', orderCurrency: 'USD' });
  const fxOrder = await fxCall('foreignExchange/order', { ...FX_ORDER, requestId: 'victim-fx', listPriceToken: lock.listPriceToken });
  const unused = await fxCall('foreignExchange/listpriceLock', { requestId: 'victim-lock-2', orderCurrency: 'USD' });

  // B's own objects: a cashier link whose MAC is spliced onto A's order, and B's file links.
  const bOrder = await b.createIccOrder({ requestId: 'intruder-order', orderAmount: '100', orderCurrency: 'USD', notifyUrl: `${ANY}/n`, callbackUrl: `${ANY}/r` });
  const bMac = new URL(bOrder.redirectUrl!).pathname.split('/').at(-1)!.split('.')[1]!;
  const businessDate = new Intl.DateTimeFormat('en-CA', { timeZone: t.config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  // A day that has ended in the business time zone: its file is ready.
  const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: t.config.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(Date.now() - 2 * 86_400_000));
  const download = await b.call('reconciliation/download', { merchantId: merchantB, businessDate: yesterday });
  const upload = await b.call('foreignExchange/proofUpload', { merchantId: merchantB, fileName: 'intruder.pdf' });

  const victim: Omit<Victim, 'secrets'> = {
    iccPaid,
    iccInit,
    iccDisputed,
    dispute: { disputeId: String(disputeAnswer.disputeId) },
    refund: { requestId: 'victim-refund', refundId: String(refundAnswer.serialNumber) },
    online: { requestId: 'victim-online', orderId: String(online.serialNumber ?? online.paymentOrderId) },
    binding: { userId: 'victim-user', bindCardId: bound.bindCardId, pan },
    global: { orderId: globalAnswer.result.order_id, userId: 'victim-subscriber' },
    fx: { requestId: 'victim-fx', orderId: String(fxOrder.serialNumber), unusedLockToken: String(unused.listPriceToken) },
    businessDate,
    forgedToken: `${iccInit.orderId}.${bMac}`,
    bDownloadUrl: String(download.downloadUrl),
    bUploadUrl: String(upload.uploadUrl),
  };
  return {
    ...victim,
    secrets: {
      paidOrder: iccPaid.orderId,
      unpaidOrder: iccInit.orderId,
      disputedOrder: iccDisputed.orderId,
      dispute: victim.dispute.disputeId,
      refund: victim.refund.refundId,
      onlineOrder: victim.online.orderId,
      bindCardId: bound.bindCardId,
      globalOrder: victim.global.orderId,
      fxOrder: victim.fx.orderId,
      lockToken: victim.fx.unusedLockToken,
      merchantId: t.merchant.merchantId,
    },
  };
}

/** A digest of every row of every table that names merchant A, plus A's rows' count per table. */
export async function snapshotOf(t: TestGateway, merchantId: string): Promise<Record<string, string>> {
  const db = t.gateway.database.db;
  const out: Record<string, string> = {};
  const orderIds = (await db.selectFrom('orders').select('order_id').where('merchant_id', '=', merchantId).execute()).map((r) => r.order_id);
  for (const table of await db.introspection.getTables()) {
    // The log of API calls is written after each answer, in batches: it grows on its own while the test runs, and holds no state.
    if (table.name === 'merchant_request_log') continue;
    const names = table.columns.map((c) => c.name);
    const byMerchant = names.includes('merchant_id');
    const byOrder = !byMerchant && names.includes('order_id');
    if (!byMerchant && !byOrder) continue;
    const query = byMerchant
      ? sql<Record<string, unknown>>`select * from ${sql.table(table.name)} where merchant_id = ${merchantId}`
      : orderIds.length === 0
        ? undefined
        : sql<Record<string, unknown>>`select * from ${sql.table(table.name)} where order_id in (${sql.join(orderIds)})`;
    if (!query) continue;
    const rows = (await query.execute(db)).rows.map((r) => JSON.stringify(r, (_k, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).sort();
    out[table.name] = `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex')}`;
  }
  return out;
}
