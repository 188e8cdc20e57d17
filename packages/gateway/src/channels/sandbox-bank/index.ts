import type { PayerAction, StartRequest } from '../../domain/channel.js';
import { SimulatedPayerChannel } from '../payer-simulator/simulated-channel.js';

/** Banks of the simulated online-banking page (codes as in common Chinese gateway bank tables). */
export const SANDBOX_BANKS: readonly { code: string; name: string; nameZh: string }[] = [
  { code: 'ICBC', name: 'Industrial and Commercial Bank of China', nameZh: '中国工商银行' },
  { code: 'ABC', name: 'Agricultural Bank of China', nameZh: '中国农业银行' },
  { code: 'BOC', name: 'Bank of China', nameZh: '中国银行' },
  { code: 'CCB', name: 'China Construction Bank', nameZh: '中国建设银行' },
  { code: 'BCOM', name: 'Bank of Communications', nameZh: '交通银行' },
  { code: 'CMB', name: 'China Merchants Bank', nameZh: '招商银行' },
  { code: 'CMBC', name: 'China Minsheng Bank', nameZh: '中国民生银行' },
  { code: 'CEB', name: 'China Everbright Bank', nameZh: '中国光大银行' },
  { code: 'CIB', name: 'Industrial Bank', nameZh: '兴业银行' },
  { code: 'SPDB', name: 'Shanghai Pudong Development Bank', nameZh: '浦发银行' },
  { code: 'PSBC', name: 'Postal Savings Bank of China', nameZh: '中国邮政储蓄银行' },
];

export function isSandboxBank(code: string): boolean {
  return SANDBOX_BANKS.some((b) => b.code === code);
}

/**
 * Simulated B2C online banking: the payer is sent to the bank's page, picks
 * a bank (unless the merchant named one in `BANK_CARD-B2C-<BANK>-P2P`),
 * and approves or declines there.
 */
export class SandboxBankChannel extends SimulatedPayerChannel {
  readonly name = 'sandbox-bank';
  protected readonly prefix = 'bk';

  protected action(request: StartRequest, reference: string): PayerAction {
    if (request.method !== 'B2C') throw new Error(`sandbox-bank does not take ${request.method}`);
    const url = new URL(this.simulatorUrl(reference));
    if (request.bankCode && isSandboxBank(request.bankCode)) url.searchParams.set('bank', request.bankCode);
    return { kind: 'redirect', url: url.toString() };
  }
}
