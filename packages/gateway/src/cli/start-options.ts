import type { Command } from 'commander';
import { errorLine } from './terminal.js';
import { EXIT } from './exit-codes.js';

/** `--port` and `--host` of `opencashier start`. */
export function listenOptions(command: Command): Command {
  return command
    .option('--port <port>', 'TCP port to listen on (overrides PORT; default 8080)')
    .option('--host <address>', 'address to listen on (overrides HOST; default 127.0.0.1, 0.0.0.0 for every interface)');
}

/**
 * Puts `--port`/`--host` where the configuration reads them, so they win
 * over the environment and the config file exactly as PORT and HOST do, and
 * cluster workers (which inherit the environment) listen alike.
 */
export function startOptionsToEnv(o: { port?: string; host?: string }, env: NodeJS.ProcessEnv = process.env): void {
  if (o.port !== undefined) {
    const port = Number(o.port);
    if (!/^[0-9]+$/.test(o.port) || port > 65_535) {
      console.error(errorLine(`--port must be a whole number from 0 to 65535, got ${o.port}`));
      process.exit(EXIT.usage);
    }
    env.PORT = String(port);
  }
  if (o.host !== undefined) env.HOST = o.host;
}
