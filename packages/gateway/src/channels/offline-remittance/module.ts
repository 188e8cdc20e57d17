import { Type } from '@sinclair/typebox';
import type { ChannelModule } from '../../domain/channel-module.js';
import { OfflineRemittanceChannel } from './index.js';

/**
 * Offline bank remittance: an operator records the incoming transfer, so
 * there is no upstream to call back and no outcome a query can learn.
 */
export const offlineRemittanceModule: ChannelModule<Record<string, never>> = {
  name: 'offline-remittance',
  capabilities: {
    methods: ['OFFLINE'],
    currencies: ['CNY'],
    countries: 'any',
    autoCapture: true,
    refunds: true,
    partialRefunds: true,
    threeDSecure: false,
    disputes: false,
    storedCredentials: false,
    payouts: false,
  },
  configSchema: Type.Object({}),
  secretKinds: [],
  create: () => ({ channel: new OfflineRemittanceChannel() }),
  testKit: {
    async begin(channel, scenario, payment) {
      // Only the operator's record of a transfer completes a remittance; what the channel itself answers is the postscript.
      if (scenario !== 'approve' || !('start' in channel)) return undefined;
      const { reference } = await (channel as OfflineRemittanceChannel).start({ ...payment, method: 'OFFLINE' });
      return { outcome: 'approved', reference, authCode: 'REMIT' };
    },
    unknownSettlesAfterMs: () => 0,
  },
};
