import { simulatedPayerModule } from '../payer-simulator/simulated-module.js';
import { SandboxWechatChannel } from './index.js';

/** Simulated WeChat Pay: native scan, JSAPI (official accounts, mini programs) and app payments. */
export const sandboxWechatModule = simulatedPayerModule('sandbox-wechat', ['WECHAT_SCAN', 'WECHAT_OFFICIAL', 'WECHAT_MINI', 'WECHAT_APP'], (options) => new SandboxWechatChannel(options));
