import { describe, expect, it } from 'vitest';
import { CHANNEL_MODULES } from '../../src/channels/index.js';
import { exampleAcquirerModule } from '../fixtures/channels/example-acquirer/module.js';
import { channelCallbackSuite, channelContractSuite } from './contract-suite.js';

/**
 * The recipe of docs/architecture.md, "Adding a channel": one folder (the
 * fixture's) plus one line in the list, and the channel runs, is routed to
 * and keeps the contract — nothing else is edited.
 */
const MODULES = [exampleAcquirerModule, ...CHANNEL_MODULES];

channelContractSuite([exampleAcquirerModule]);
channelCallbackSuite([exampleAcquirerModule], MODULES);

describe('a channel added by one list entry', () => {
  it('is the first card channel the router offers when listed first', async () => {
    const { ChannelCallRecorder } = await import('../../src/channels/call-recorder.js');
    const { buildChannels } = await import('../../src/compose/channels.js');
    const { loadConfig } = await import('../../src/config.js');
    const { KeyEncryptionKey } = await import('../../src/keys/kek.js');
    const config = loadConfig({ OPENCASHIER_KEK: KeyEncryptionKey.generate().toBase64() } as NodeJS.ProcessEnv);
    const set = buildChannels(MODULES, { config, clock: Date.now, kek: KeyEncryptionKey.generate(), recorder: new ChannelCallRecorder() });
    expect(set.registry.route({ method: 'CARD', currency: 'USD', amountMinor: 100n }).map((c) => c.name)).toEqual(['example-acquirer', 'sandbox-card']);
    // A currency only the sandbox card takes goes there.
    expect(set.registry.route({ method: 'CARD', currency: 'JPY', amountMinor: 100n }).map((c) => c.name)).toEqual(['sandbox-card']);
  });
});
