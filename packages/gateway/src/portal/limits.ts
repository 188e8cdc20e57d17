/**
 * Bounds of the back office, each with its reason. Kept beside the portal
 * code like `notify/limits.ts`: they concern only people at a browser.
 */

/** A session lives this long after its last use: a working day of idleness is a forgotten tab, not a user. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** And at most this long in all, so a stolen cookie stops working within a day whatever its use. */
export const SESSION_ABSOLUTE_MS = 24 * 60 * 60 * 1000;
/** last_seen is written at most this often: reads should not turn into a write per request. */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;
/**
 * Ended sessions are deleted this often. Rows, not security, depend on it (a
 * lapsed session is refused when read), but the sweep is a leased job, and a
 * job's lease passes to another node only when the job next comes due: a
 * short interval keeps a dead node's lease from lingering. The delete is one
 * indexed statement.
 */
export const PORTAL_SESSION_SWEEP_INTERVAL_MS = 10_000;
/** Wrong passwords (or second-factor codes) in a row before the account locks. */
export const LOGIN_FAILURES_MAX = 5;
/** How long a lock-out lasts; an operator can lift it sooner by resetting the password. */
export const LOCKOUT_MS = 15 * 60 * 1000;
/**
 * Log-in attempts from one client address, across every account, in one
 * window: credential stuffing tries many accounts once each, which no
 * per-account lock-out sees. Successful log-ins give their attempt back, so
 * this counts failures (and attempts in flight): fifty in a quarter of an
 * hour is far more than an office behind one address mistypes.
 */
export const LOGIN_IP_ATTEMPTS_MAX = 50;
export const LOGIN_IP_WINDOW_MS = 15 * 60 * 1000;
/** A second factor must follow the password within this time, or the log-in starts over. */
export const SECOND_FACTOR_WINDOW_MS = 5 * 60 * 1000;
/** NIST SP 800-63B: at least 8 characters for a chosen secret; 10 since these accounts move money. */
export const PASSWORD_LENGTH_MIN = 10;
/**
 * A password may not contain the account's e-mail, the name before its @, or
 * its merchant's name, when that word has at least this many letters and
 * digits: shorter words ("ab", "li") occur in good passwords by chance.
 */
export const PASSWORD_CONTEXT_CHARS_MIN = 4;
/** scrypt is costly by design: bound the input so a huge password cannot burn the CPU. */
export const PASSWORD_LENGTH_MAX = 256;
/** TOTP codes accepted this many 30 s steps either side of now, for clock drift (RFC 6238 §5.2). */
export const TOTP_DRIFT_STEPS = 1;
/** Rows in one page of a search; the browser pages on. */
export const PAGE_SIZE_MAX = 100;
export const PAGE_SIZE_DEFAULT = 25;
/** Rows fetched per database round trip while a CSV export streams. */
export const EXPORT_CHUNK_ROWS = 500;
/** An export stops here: larger extracts belong to the reconciliation files. */
export const EXPORT_ROWS_MAX = 100_000;
/** The live monitor asks the database for new events this often: "within a second" with room to deliver. */
export const MONITOR_POLL_INTERVAL_MS = 400;
/** Events read per poll per viewer. */
export const MONITOR_BATCH_MAX = 200;
/**
 * On PostgreSQL an event id is taken when its transaction starts writing but
 * becomes visible when it commits, so ids can appear out of order. The
 * monitor re-reads this many ids behind its cursor and skips those it has
 * sent, so a late commit is still shown.
 */
export const MONITOR_LOOKBACK_IDS = 1_000n;
/** A comment line keeps proxies from closing a quiet event stream. */
export const MONITOR_HEARTBEAT_MS = 15_000;
/** Rows of audit log and backlog shown at once. */
export const LIST_ROWS_MAX = 200;
/** Rows of one batch-refund file: each row is a channel call made while the request waits, so keep a batch to minutes. */
export const BATCH_REFUND_ROWS_MAX = 500;
/** Characters of an uploaded batch file: 500 rows of ~150 characters, inside the gateway's 100 KiB request body limit. */
export const BATCH_REFUND_CSV_CHARS_MAX = 90_000;
