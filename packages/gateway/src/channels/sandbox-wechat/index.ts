import { createHmac, randomBytes } from 'node:crypto';
import type { PayerAction, StartRequest } from '../../domain/channel.js';
import { SimulatedPayerChannel, type SimulatedChannelOptions } from '../payer-simulator/simulated-channel.js';

/** The app id the sandbox signs for when the merchant sends none. */
const SANDBOX_APP_ID = 'wxsandbox00000000';

/**
 * Simulated WeChat Pay: native scan (the QR code's URL opens the wallet
 * simulator), JSAPI for official accounts and mini programs (`jsString`,
 * what `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` takes) and app
 * payments (`appParams`). The prepay id inside names the payment the
 * simulator completes.
 */
export class SandboxWechatChannel extends SimulatedPayerChannel {
  readonly name = 'sandbox-wechat';
  protected readonly prefix = 'wx';
  private readonly signingKey = randomBytes(32);

  constructor(options: SimulatedChannelOptions) {
    super(options);
  }

  protected action(request: StartRequest, reference: string): PayerAction {
    const timeStamp = String(Math.floor(this.options.clock() / 1000));
    const nonceStr = randomBytes(16).toString('hex');
    const appId = request.appId ?? SANDBOX_APP_ID;
    switch (request.method) {
      case 'WECHAT_SCAN':
        return { kind: 'scan', content: this.simulatorUrl(reference) };
      case 'WECHAT_OFFICIAL':
      case 'WECHAT_MINI': {
        const fields = { appId, timeStamp, nonceStr, package: `prepay_id=${reference}`, signType: 'HMAC-SHA256' };
        return { kind: 'jsapi', jsString: JSON.stringify({ ...fields, paySign: this.sign(fields) }) };
      }
      case 'WECHAT_APP': {
        const fields = { appid: appId, partnerid: 'sandbox', prepayid: reference, package: 'Sign=WXPay', noncestr: nonceStr, timestamp: timeStamp };
        return { kind: 'app', appParams: JSON.stringify({ ...fields, sign: this.sign(fields) }) };
      }
      default:
        throw new Error(`sandbox-wechat does not take ${request.method}`);
    }
  }

  /** WeChat's HMAC-SHA256 signature over `k=v&…` in key order; the sandbox key is per process, as nothing verifies it later. */
  private sign(fields: Record<string, string>): string {
    const text = Object.keys(fields)
      .sort()
      .map((k) => `${k}=${fields[k]}`)
      .join('&');
    return createHmac('sha256', this.signingKey).update(text).digest('hex').toUpperCase();
  }
}
