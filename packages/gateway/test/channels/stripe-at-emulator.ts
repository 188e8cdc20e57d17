import type { ChannelModule } from '../../src/domain/channel-module.js';
import type { Channel } from '../../src/domain/channel.js';
import { stripeModule, type StripeSettings } from '../../src/channels/stripe/module.js';
import type { StripeEmulator } from '../emulators/stripe/emulator.js';

/**
 * The Stripe module pointed at a local emulator, with the payer's browser
 * acted out: before the channel hears the payer is back from 3-D Secure,
 * the emulator's authentication page is completed or failed as the answer says.
 */
export function stripeAtEmulator(emulator: StripeEmulator, settings: Partial<StripeSettings> = {}): ChannelModule<StripeSettings> {
  return {
    ...stripeModule,
    create(context) {
      const built = stripeModule.create({ ...context, config: { ...context.config, apiBase: emulator.baseUrl, timeoutMs: 2_000, ...settings } });
      const inner = built.channel;
      const channel: Channel = Object.assign(Object.create(inner) as Channel, {
        completeChallenge: async (reference: string, answer: string) => {
          await emulator.completeThreeDSecure(reference, answer === stripeModule.testKit.challengeAnswers!.pass);
          return inner.completeChallenge(reference, answer);
        },
      });
      return { ...built, channel };
    },
  };
}
