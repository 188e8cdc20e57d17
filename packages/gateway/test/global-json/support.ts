import { GlobalJsonClient, type GlobalPayCreditRequest } from '@opencashier/sdk';
import type { TestGateway } from '../harness.js';
import { seedSign, type SeedMerchant } from './seed-merchant.js';

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

export interface RawAnswer {
  code: string;
  message: string;
  success: boolean;
  result: Record<string, string> | null;
}

/** Posts fields signed by the seed's rule (independent of the SDK) as the demo merchant's app; the parsed answer. */
export async function postSigned(t: TestGateway, path: string, fields: Record<string, unknown>, secret = t.merchant.globalJson!.secret): Promise<RawAnswer> {
  const body = { mchid: t.merchant.merchantId, appid: t.merchant.globalJson!.appid, ...fields };
  const response = await fetch(`${t.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, sign: seedSign(body, secret) }) });
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as RawAnswer;
}
