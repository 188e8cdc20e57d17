/**
 * What `opencashier` exits with (docs/operations.md, "Exit codes"), so a
 * script can tell a refused request from a broken set-up.
 */
export const EXIT = {
  /** Done. */
  ok: 0,
  /** An unexpected failure: the message says what failed. */
  failure: 1,
  /** A bad command line or a refused request (unknown option, bad id, no such merchant). */
  usage: 2,
  /** The configuration or environment is wrong (KEK, database URL, log level, config file). */
  config: 3,
  /** Another gateway already runs on this SQLite data directory. */
  dataDirInUse: 4,
} as const;
