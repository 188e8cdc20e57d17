import type { ChannelModule } from '../domain/channel-module.js';
import { sandboxCardModule } from './sandbox-card/module.js';
import { sandboxAlipayModule } from './sandbox-alipay/module.js';
import { sandboxWechatModule } from './sandbox-wechat/module.js';
import { sandboxBankModule } from './sandbox-bank/module.js';
import { offlineRemittanceModule } from './offline-remittance/module.js';
import { stripeModule } from './stripe/module.js';

/**
 * Every channel this gateway can run, one line each, in the default
 * priority order (the router offers the first eligible one first). The
 * composition root builds them from this list; nothing else names one.
 */
export const CHANNEL_MODULES: readonly ChannelModule<any>[] = [sandboxCardModule, sandboxAlipayModule, sandboxWechatModule, sandboxBankModule, offlineRemittanceModule];

/**
 * Channels that move real money: built only where the gateway's
 * configuration enables them with the operator's credentials, never by
 * default, so no merchant is routed to one unconfigured. The composition
 * root does not read per-channel configuration yet: until it does, these are
 * run by their contract tests and smoke scripts only.
 */
export const CONFIGURED_CHANNEL_MODULES: readonly ChannelModule<any>[] = [stripeModule];
