import pino, { type Logger } from 'pino';
import { redactCardNumbers, redactPaths } from '../cashier/redact.js';

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
    destination,
  );
}
