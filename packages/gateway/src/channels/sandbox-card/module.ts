import type { ChannelModule, ContractScenario } from '../../domain/channel-module.js';
import { SUPPORTED_CURRENCIES } from '../../domain/currencies.js';
import { SANDBOX_ACKNOWLEDGEMENT, SANDBOX_CALLBACK_KEY, SANDBOX_CALLBACK_PATH, signSandboxCallback, verifySandboxCallback } from '../sandbox-callbacks/signed-callback.js';
import { SandboxSettingsSchema, type SandboxSettings } from '../sandbox-settings/settings.js';
import { SandboxCardChannel } from './index.js';
import { MAGIC_CARDS, SANDBOX_CHALLENGE_CODE } from './magic-cards.js';
import { SCHEDULED_DISPUTE_PREFIXES, sandboxDisputeStage } from './scheduled-disputes.js';

/** The magic card the contract suite uses for each outcome. */
const CONTRACT_CARDS: Readonly<Record<ContractScenario, string>> = {
  approve: '4242424242424242',
  decline: '4000000000000002',
  challenge: '4000000000003220',
  unknown: '4000000000000101',
};

/** The simulated card acquirer: magic cards choose each outcome, magic cards open disputes later. */
export const sandboxCardModule: ChannelModule<SandboxSettings> = {
  name: 'sandbox-card',
  capabilities: {
    methods: ['CARD', 'EXPRESS_DEBIT', 'EXPRESS_CREDIT'],
    currencies: SUPPORTED_CURRENCIES,
    countries: 'any',
    autoCapture: true,
    refunds: true,
    partialRefunds: true,
    threeDSecure: true,
    disputes: true,
    storedCredentials: true,
    payouts: false,
  },
  configSchema: SandboxSettingsSchema,
  secretKinds: [SANDBOX_CALLBACK_KEY],
  sandbox: {
    scheduledDisputes: { referencePrefixes: SCHEDULED_DISPUTE_PREFIXES, stageOf: sandboxDisputeStage },
    sharedTestPans: MAGIC_CARDS.map((card) => card.pan),
  },
  create(context) {
    const key = context.secret(SANDBOX_CALLBACK_KEY);
    return {
      channel: new SandboxCardChannel({ clock: context.clock, unknownResolveDelayMs: context.config.unknownResolveDelayMs, ...(context.config.journalFile ? { journalFile: context.config.journalFile } : {}) }),
      inbound: { paths: [SANDBOX_CALLBACK_PATH], verify: (message) => verifySandboxCallback(key, message), acknowledgement: SANDBOX_ACKNOWLEDGEMENT },
    };
  },
  testKit: {
    async begin(channel, scenario, payment) {
      const pan = CONTRACT_CARDS[scenario];
      return channel.authorize({ ...payment, card: { holder: 'Contract Suite', pan, expiryMonth: 12, expiryYear: 2040, cvv: '123', brand: 'Visa' } });
    },
    challengeAnswers: { pass: SANDBOX_CHALLENGE_CODE, fail: '000000' },
    unknownSettlesAfterMs: (config) => config.unknownResolveDelayMs,
    callback: (secret, input) =>
      signSandboxCallback(secret(SANDBOX_CALLBACK_KEY), {
        eventId: input.eventId,
        reference: input.reference,
        outcome: input.outcome,
        ...(input.outcome === 'approved' ? { authCode: '000001' } : { declineCode: 'DO_NOT_HONOR' }),
      }),
  },
};
