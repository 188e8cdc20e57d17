import { afterAll } from 'vitest';
import { CHANNEL_MODULES } from '../../src/channels/index.js';
import { StripeEmulator } from '../emulators/stripe/emulator.js';
import { channelCallbackSuite, channelContractSuite } from './contract-suite.js';
import { stripeAtEmulator } from './stripe-at-emulator.js';

// The Stripe channel keeps the contract against the emulator, and its webhooks apply once through a running gateway.
const emulator = await new StripeEmulator().start();
afterAll(() => emulator.close());
const stripe = stripeAtEmulator(emulator);
channelContractSuite([stripe]);
channelCallbackSuite([stripe], [...CHANNEL_MODULES, stripe]);
