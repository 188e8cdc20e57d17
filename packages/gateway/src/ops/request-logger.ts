/**
 * `request.log` without a pino child per request. Fastify makes each request
 * a child logger to bind its id; a pino child with redaction costs tens of
 * microseconds to build, on every request, whether it ever writes a line or
 * not. Here the request's logger is a thin view of the root logger that adds
 * the bindings to the lines it does write (redaction and serializers of the
 * root still apply to each), and when the level writes nothing at all the
 * root itself is handed out. A real child is built only when code asks
 * `request.log.child(…)`.
 */
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
type Level = (typeof LEVELS)[number];

function withBindings(bindings: Bindings, first: unknown): object {
  if (first instanceof Error) return { ...bindings, err: first };
  return { ...bindings, ...(first as object) };
}

/** For Fastify's `childLoggerFactory`: the request's logger, bound to `bindings` (its reqId). */
export function requestLogger(root: Logger, bindings: Bindings, options?: ChildLoggerOptions): Logger {
  if (root.level === 'silent') return root;
  const view = Object.create(root) as Logger;
  for (const level of LEVELS) {
    const write = root[level].bind(root) as (...args: unknown[]) => void;
    (view as unknown as Record<Level, (...args: unknown[]) => void>)[level] = (first?: unknown, ...rest: unknown[]) => {
      if (!root.isLevelEnabled(level)) return;
      if (typeof first === 'object' && first !== null) write(withBindings(bindings, first), ...rest);
      else write(bindings, first, ...rest);
    };
  }
  view.child = ((more: Bindings, moreOptions?: ChildLoggerOptions) => root.child({ ...bindings, ...more }, { ...options, ...moreOptions })) as unknown as Logger["child"];
  view.bindings = () => ({ ...root.bindings(), ...bindings });
  return view;
}
