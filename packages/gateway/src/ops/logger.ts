import pino, { type Logger } from 'pino';
import { redactCardNumbers, redactPaths } from '../cashier/redact.js';

/** Where a logger without its own destination writes: stdout, unless a command keeps stdout for its output. */
let defaultDestination: pino.DestinationStream | undefined;

/**
 * Sends the logs of every logger made from now on to stderr, so that a
 * command's stdout carries only its output (`--json … | jq`).
 */
export function sendLogsToStderr(): void {
  defaultDestination = pino.destination({ dest: 2, sync: true });
}

/**
 * JSON logs with no secrets: known sensitive fields are censored by path,
 * and anything shaped like a card number is masked wherever it appears in a
 * message or an error.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, service: 'opencashier' },
      redact: { paths: [...redactPaths], censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? redactCardNumbers(a) : a)) as Parameters<typeof method>,
          );
        },
      },
      serializers: {
        err: (e: Error) => ({ type: e?.name, message: redactCardNumbers(String(e?.message ?? e)), stack: e?.stack ? redactCardNumbers(e.stack) : undefined }),
      },
    },
    destination ?? defaultDestination,
  );
}
