import { simulatedPayerModule } from '../payer-simulator/simulated-module.js';
import { SandboxAlipayChannel } from './index.js';

/** Simulated Alipay: scan, WAP, life account and app payments. */
export const sandboxAlipayModule = simulatedPayerModule('sandbox-alipay', ['ALIPAY_SCAN', 'ALIPAY_WAP', 'ALIPAY_LIFE', 'ALIPAY_APP'], (options) => new SandboxAlipayChannel(options));
