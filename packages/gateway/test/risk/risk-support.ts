import type { IccOrderRequest } from '@opencashier/sdk';
import type { TestGateway } from '../harness.js';

/** Operator token the risk suites start their gateways with. */
export const ADMIN_TOKEN = 'risk-operator-token-0123456789abcdef';

/** Calls the operator admin API; `body` is sent as given when a string (rule files), JSON otherwise. */
export async function admin(t: TestGateway, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
  const res = await fetch(`${t.baseUrl}/admin/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> };
}

/** Puts rules in force through the admin API and fails loudly if they are refused. */
export async function loadRules(t: TestGateway, defaults: object, merchants?: object): Promise<number> {
  const { status, json } = await admin(t, 'PUT', '/risk/rules', JSON.stringify({ defaults, ...(merchants ? { merchants } : {}) }, null, 2));
  if (status !== 200) throw new Error(`rules refused: ${JSON.stringify(json)}`);
  return json.version as number;
}

/** A Luhn-valid card number starting with `prefix` (the sandbox approves numbers that are not magic cards). */
export function luhnCard(prefix: string, serial: number, length = 16): string {
  const body = (prefix + String(serial).padStart(length - 1 - prefix.length, '0')).slice(0, length - 1);
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

let sequence = 0;
/** An order of the demo merchant; `extra` adds billInfo, clientIp … */
export function order(extra: Partial<IccOrderRequest> = {}, notifyUrl = 'http://127.0.0.1:9999/n'): IccOrderRequest {
  sequence += 1;
  return { requestId: `risk-${process.pid}-${Date.now()}-${sequence}`, orderAmount: '1000', orderCurrency: 'USD', notifyUrl, callbackUrl: 'http://127.0.0.1:9999/r', ...extra };
}

/** Creates an order and pays it through the sandbox helper; answers the query fields. */
export async function createAndPay(t: TestGateway, request: IccOrderRequest, cardNumber: string, otp?: string): Promise<Record<string, string>> {
  await t.client.createIccOrder(request);
  return (await t.client.call('sandbox/pay', { requestId: request.requestId, cardNumber, ...(otp ? { otp } : {}) })) as Record<string, string>;
}
