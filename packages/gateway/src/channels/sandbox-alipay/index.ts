import type { PayerAction, StartRequest } from '../../domain/channel.js';
import { SimulatedPayerChannel } from '../payer-simulator/simulated-channel.js';

/**
 * Simulated Alipay: scan-to-pay (the QR code's URL opens the wallet
 * simulator), WAP and life-account (生活号) pages the payer is sent to, and
 * app payments whose `appParams` name the trade the simulator completes.
 */
export class SandboxAlipayChannel extends SimulatedPayerChannel {
  readonly name = 'sandbox-alipay';
  protected readonly prefix = 'ali';

  protected action(request: StartRequest, reference: string): PayerAction {
    const url = this.simulatorUrl(reference);
    switch (request.method) {
      case 'ALIPAY_SCAN':
        return { kind: 'scan', content: url };
      case 'ALIPAY_WAP':
        return { kind: 'redirect', url };
      case 'ALIPAY_LIFE':
        return { kind: 'redirect', url: `${url}?via=life` };
      case 'ALIPAY_APP':
        // The Alipay app SDK takes an order string; the sandbox's names the trade and where to complete it.
        return { kind: 'app', appParams: JSON.stringify({ tradeNo: reference, orderStr: `trade_no=${reference}&total_amount=${request.amountMinor}&currency=${request.currency}`, sandboxCompleteUrl: url }) };
      default:
        throw new Error(`sandbox-alipay does not take ${request.method}`);
    }
  }
}
