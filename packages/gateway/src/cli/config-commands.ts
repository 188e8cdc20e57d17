import type { Command } from 'commander';
import { ConfigError, loadConfig, type GatewayConfig } from '../config.js';

/** Keys whose values are secrets: shown only as set or not. */
const SECRET_KEYS: ReadonlySet<keyof GatewayConfig> = new Set(['kekBase64', 'kekPreviousBase64', 'adminToken']);
const MASK = '[redacted]';

/** The effective configuration with every secret masked, the database password included. */
export function maskedConfig(config: GatewayConfig): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    shown[key] = SECRET_KEYS.has(key as keyof GatewayConfig) && value !== undefined && value !== '' ? MASK : (value ?? null);
  }
  if (/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    try {
      const url = new URL(config.databaseUrl);
      if (url.password) url.password = MASK;
      shown.databaseUrl = url.toString();
    } catch {
      shown.databaseUrl = MASK;
    }
  }
  return shown;
}

/** `opencashier config check`: the configuration the gateway would start with (file, then environment), secrets masked. */
export function configCommands(program: Command, fail: (message: string) => never): void {
  const config = program.command('config').description('inspect the configuration');
  config
    .command('check')
    .description('check the configuration (the file and OPENCASHIER_* variables) and print it with secrets masked; exits 2 on a problem')
    .action(() => {
      let loaded: GatewayConfig;
      try {
        loaded = loadConfig();
      } catch (error) {
        if (error instanceof ConfigError || error instanceof SyntaxError) fail(`configuration refused: ${error.message}`);
        throw error;
      }
      console.log(JSON.stringify(maskedConfig(loaded), null, 2));
    });
}
