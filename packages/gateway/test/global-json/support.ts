import { GlobalJsonClient, type GlobalPayCreditRequest } from '@opencashier/sdk';
import type { TestGateway } from '../harness.js';
import type { SeedMerchant } from './seed-merchant.js';

/** The demo merchant's flat-JSON client: the app the gateway issued on first start. */
export function globalClient(t: TestGateway): GlobalJsonClient {
  const app = t.merchant.globalJson!;
  return new GlobalJsonClient({ baseUrl: t.baseUrl, mchid: t.merchant.merchantId, appid: app.appid, secret: app.secret });
}

let seq = 0;

/** A complete seed-style order request (the seed's example values), with a fresh merchant order number. */
export function creditRequest(merchant: SeedMerchant, extra: Partial<GlobalPayCreditRequest> = {}): GlobalPayCreditRequest {
  seq += 1;
  return {
    amount: '2.00',
    subject: 'test',
    body: 'test',
    callback_url: merchant.callbackUrl,
    user_id: 'sdfsdfsg',
    client_ip: '10.99.34.122',
    phone_number: '18801552245',
    currency: 'USD',
    customer_name: 'jeak musk',
    region: 'USA',
    mch_order_no: `gj-${Date.now().toString(36)}-${seq}`,
    email: '1SDFSDF@qq.com',
    notify_url: merchant.notifyUrl,
    ...extra,
  };
}

/** A posted card that the sandbox approves, expiring in three years. */
export function directCard(pan = '4242424242424242', cvc = '123'): Pick<GlobalPayCreditRequest, 'card_no' | 'cvc' | 'expiry_year' | 'expiry_month'> {
  return { card_no: pan, cvc, expiry_month: '12', expiry_year: String(new Date().getUTCFullYear() + 3) };
}
