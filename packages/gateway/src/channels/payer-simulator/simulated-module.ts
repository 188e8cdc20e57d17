import type { ChannelCapabilitySet, ChannelModule } from '../../domain/channel-module.js';
import type { PaymentMethod } from '../../domain/payment-method.js';
import type { AmountMinor } from '../../domain/money.js';
import { SUPPORTED_CURRENCIES } from '../../domain/currencies.js';
import { SANDBOX_ACKNOWLEDGEMENT, SANDBOX_CALLBACK_KEY, SANDBOX_CALLBACK_PATH, signSandboxCallback, verifySandboxCallback } from '../sandbox-callbacks/signed-callback.js';
import { SandboxSettingsSchema, type SandboxSettings } from '../sandbox-settings/settings.js';
import type { SimulatedChannelOptions, SimulatedPayerChannel } from './simulated-channel.js';

/** The magic amount suffix whose approval times out and later reads as paid (see magic-amounts.ts). */
const TIMEOUT_APPROVES_SUFFIX = 9054n;

/**
 * The descriptor of a simulated wallet or bank: the payer completes the
 * payment on the simulator page, or the simulated upstream posts a signed
 * callback to `/channels/<name>/notify`.
 */
export function simulatedPayerModule(
  name: string,
  methods: readonly PaymentMethod[],
  build: (options: SimulatedChannelOptions) => SimulatedPayerChannel,
): ChannelModule<SandboxSettings> {
  const capabilities: ChannelCapabilitySet = {
    methods,
    currencies: SUPPORTED_CURRENCIES,
    countries: 'any',
    autoCapture: true,
    refunds: true,
    partialRefunds: true,
    threeDSecure: false,
    disputes: false,
    storedCredentials: false,
    payouts: false,
  };
  return {
    name,
    capabilities,
    configSchema: SandboxSettingsSchema,
    secretKinds: [SANDBOX_CALLBACK_KEY],
    sandbox: { simulatorPages: true },
    create(context) {
      const key = context.secret(SANDBOX_CALLBACK_KEY);
      return {
        channel: build({ clock: context.clock, publicBaseUrl: context.publicBaseUrl, unknownResolveDelayMs: context.config.unknownResolveDelayMs }),
        inbound: { paths: [SANDBOX_CALLBACK_PATH], verify: (message) => verifySandboxCallback(key, message), acknowledgement: SANDBOX_ACKNOWLEDGEMENT },
      };
    },
    testKit: {
      async begin(channel, scenario, payment) {
        if (scenario === 'challenge') return undefined;
        const simulated = channel as SimulatedPayerChannel;
        // A timeout needs its magic amount; the other outcomes are the payer's decision.
        const amountMinor = scenario === 'unknown' ? ((payment.amountMinor - (payment.amountMinor % 10_000n) + TIMEOUT_APPROVES_SUFFIX) as AmountMinor) : payment.amountMinor;
        const { reference } = await simulated.start({ ...payment, amountMinor, method: methods[0]! });
        return simulated.decide(reference, scenario === 'decline' ? 'decline' : 'approve');
      },
      unknownSettlesAfterMs: (config) => config.unknownResolveDelayMs,
      callback: (secret, input) =>
        signSandboxCallback(secret(SANDBOX_CALLBACK_KEY), {
          eventId: input.eventId,
          reference: input.reference,
          outcome: input.outcome,
          ...(input.outcome === 'approved' ? { authCode: input.reference.slice(-6).toUpperCase(), amountMinor: input.amountMinor.toString(), currency: input.currency } : { declineCode: 'DO_NOT_HONOR' }),
        }),
    },
  };
}
