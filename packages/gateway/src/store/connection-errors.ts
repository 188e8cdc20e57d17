/**
 * Which database errors mean "the database is not there right now" rather
 * than "this request is wrong": a lost or refused connection, a server
 * shutting down or starting up, SQLite's write lock held past its busy
 * timeout, a full disk. A request that meets one is answered as retryable;
 * nothing about it was the caller's fault.
 */

/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception),
 * admin_shutdown, crash_shutdown, cannot_connect_now (starting or in
 * recovery), too_many_connections, and read_only_sql_transaction (a standby
 * promoted late during a failover answers writes with it).
 */
const POSTGRES_UNAVAILABLE_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300', '25006']);

/** Socket errors of a server that is down, restarting or unreachable. */
const SOCKET_UNAVAILABLE_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** node-postgres reports a dead connection with these messages and no code. */
const POSTGRES_UNAVAILABLE_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/,
  /is not queryable$/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
];

/** SQLite: the write lock outlived the busy timeout, or the disk refused the write. */
function isSqliteUnavailable(code: string): boolean {
  return code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_FULL' || code === 'SQLITE_IOERR' || code.startsWith('SQLITE_IOERR_');
}

function isUnavailableCode(code: string): boolean {
  return code.startsWith('08') || POSTGRES_UNAVAILABLE_SQLSTATES.has(code) || SOCKET_UNAVAILABLE_CODES.has(code) || isSqliteUnavailable(code);
}

/** Causes followed at most this deep: enough for a driver error wrapped once or twice. */
const CAUSE_DEPTH_MAX = 4;

/** True when `error` (or what caused it) says the database is unavailable, not that the work was wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth <= CAUSE_DEPTH_MAX && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && isUnavailableCode(code)) return true;
    if (POSTGRES_UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(current instanceof Error ? current.message : ''))) return true;
    // AggregateError: a connect that tried several addresses (IPv4 and IPv6 for localhost).
    if (current instanceof AggregateError && current.errors.some((e) => isDatabaseUnavailable(e))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
