import { ConfigError, loadConfig } from '../config.js';
import { GatewayRunningError } from '../ops/gateway-lock.js';
import { explainStartupFailure } from '../ops/startup-advice.js';
import { EXIT } from './exit-codes.js';
import { errorLine } from './terminal.js';

function configuredDatabaseUrl(): string | undefined {
  try {
    return loadConfig().databaseUrl;
  } catch {
    return undefined;
  }
}

/** The last word of a command that failed: what went wrong, how to fix it where known, and the exit code that says which kind of failure it was. */
export function reportFailure(error: unknown): never {
  if (error instanceof GatewayRunningError) {
    console.error(errorLine(error.message));
    process.exit(EXIT.dataDirInUse);
  }
  if (error instanceof ConfigError) {
    console.error(errorLine(`configuration: ${error.message}`));
    process.exit(EXIT.config);
  }
  const explained = explainStartupFailure(error, configuredDatabaseUrl());
  if (explained) {
    console.error(errorLine(explained));
    process.exit(EXIT.config);
  }
  console.error(errorLine(error instanceof Error ? error.message : String(error)));
  process.exit(EXIT.failure);
}
