import { simulatedPayerModule } from '../payer-simulator/simulated-module.js';
import { SandboxBankChannel } from './index.js';

/** Simulated B2C online banking. */
export const sandboxBankModule = simulatedPayerModule('sandbox-bank', ['B2C'], (options) => new SandboxBankChannel(options));
