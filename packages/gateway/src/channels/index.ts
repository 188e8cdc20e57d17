import type { ChannelModule } from '../domain/channel-module.js';
import { sandboxCardModule } from './sandbox-card/module.js';
import { sandboxAlipayModule } from './sandbox-alipay/module.js';
import { sandboxWechatModule } from './sandbox-wechat/module.js';
import { sandboxBankModule } from './sandbox-bank/module.js';
import { offlineRemittanceModule } from './offline-remittance/module.js';

/**
 * Every channel this gateway can run, one line each, in the default
 * priority order (the router offers the first eligible one first). The
 * composition root builds them from this list; nothing else names one.
 */
export const CHANNEL_MODULES: readonly ChannelModule<any>[] = [sandboxCardModule, sandboxAlipayModule, sandboxWechatModule, sandboxBankModule, offlineRemittanceModule];
