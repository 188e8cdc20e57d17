import type { Command } from 'commander';
import { loadConfig, type GatewayConfig } from '../config.js';

/**
 * Why the sandbox commands may not run on this install, or undefined. On a
 * production install none run; `sandbox merchant`, which creates the demo
 * merchant with its secrets, also needs the demo merchant switched on.
 */
export function sandboxRefusal(config: Pick<GatewayConfig, 'environment' | 'demoMerchant'>, command: string): string | undefined {
  if (config.environment === 'production') return `sandbox ${command} refused: this install is production (OPENCASHIER_ENVIRONMENT=production), which has no sandbox helpers`;
  if (command === 'merchant' && !config.demoMerchant) return 'sandbox merchant refused: the demo merchant is switched off (OPENCASHIER_DEMO_MERCHANT=false), so none is created or shown';
  return undefined;
}

/** Checks every `sandbox …` command before it runs. */
export function guardSandboxCommands(sandbox: Command, fail: (message: string) => never): void {
  sandbox.hook('preAction', (_group, action) => {
    const refusal = sandboxRefusal(loadConfig(), action.name());
    if (refusal) fail(refusal);
  });
}
