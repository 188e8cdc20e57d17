/**
 * Every bound of the gateway, with the reason for its value. Tests check how
 * bounds relate to each other, so a change here cannot silently break another.
 */

/** Largest request body accepted. Real icc/order requests are a few KB; 100 KB leaves room for long product lists. */
export const REQUEST_BODY_BYTES_MAX = 100 * 1024;

/**
 * A channel's upstream callback (a webhook, an async notify): a few fields
 * about one payment. Real wallets' notifications are well under 4 KiB; 32 KiB
 * leaves room and keeps an unauthenticated sender from costing much.
 */
export const CALLBACK_BODY_BYTES_MAX = 32 * 1024;

/**
 * Shortest `requestTimeoutMs` allowed: a real client sends its few KB well
 * within it, even over a slow mobile link.
 */
export const REQUEST_TIMEOUT_MS_MIN = 500;

/** requestId is varchar(64) in the PayEase field tables. */
export const REQUEST_ID_LENGTH_MAX = 64;

/** merchantId is nine digits in PayEase's scheme. */
export const MERCHANT_ID_PATTERN = /^[0-9]{9}$/;

/** notifyUrl / callbackUrl are varchar(255) in the PayEase field tables. */
export const URL_LENGTH_MAX = 255;

/** remark and other free text: varchar(255). */
export const TEXT_LENGTH_MAX = 255;

/** Product lines per order; the cashier shows them all, so keep it readable. */
export const PRODUCT_LINES_MAX = 50;

/** Default order lifetime when the merchant sends no `timeout` (minutes), as PayEase's cashier. */
export const ORDER_TIMEOUT_MINUTES_DEFAULT = 30;

/** Longest lifetime a merchant may ask for: one week covers invoice-style payments. */
export const ORDER_TIMEOUT_MINUTES_MAX = 7 * 24 * 60;

/** How often the expiry sweeper looks for unpaid orders past their deadline. */
/**
 * Longest `timeout` of a unified (`onlinePay`) order: 24 hours. Wallet QR
 * codes and bank sessions do not outlive a day, so neither does the order.
 */
export const ONLINE_PAY_TIMEOUT_MINUTES_MAX = 24 * 60;

/** Length of WeChat `openId` / `appId` values (WeChat's own are 28 and 18 characters). */
export const WALLET_ID_LENGTH_MAX = 100;

export const EXPIRY_SWEEP_INTERVAL_MS = 5_000;

/** Orders one pass of a background job (expiry, channel re-checks, recovery) handles: keeps each pass short. */
export const BACKGROUND_BATCH_MAX = 200;

/** How often orders waiting on the channel (unknown outcomes, interrupted payments) are checked again. */
export const CHANNEL_RECHECK_INTERVAL_MS = 5_000;

/**
 * An order still PROCESSING this long after its last change lost its
 * process between asking the channel and hearing back (a channel answers in
 * seconds; the request timeout of a real acquirer is well under a minute).
 */
export const STALE_PROCESSING_MS = 2 * 60_000;

/** Shared MD5 signing secrets: 16 random bytes (32 hex characters), beyond guessing and easy to paste into a merchant's config. */
export const MERCHANT_SECRET_BYTES = 16;

/**
 * How far an order's anti-phishing `orderTimestamp` may lie from the
 * gateway's clock (form gateway): long enough for a payer to fill in a shop's
 * checkout after the shop fetched the stamp, short enough that a captured
 * order form soon stops working.
 */
export const FORM_ORDER_TIMESTAMP_WINDOW_MS = 30 * 60_000;

/** Form gateway `orderTimeOut` is in seconds (rounded up to the core's whole minutes): the same week at most. */
export const FORM_ORDER_TIMEOUT_SECONDS_MAX = ORDER_TIMEOUT_MINUTES_MAX * 60;

/**
 * Times a refund re-reads its order after the refundable guard refused it
 * because a concurrent refund or chargeback changed the order in between.
 * Each retry sees a newer order; a few are enough, after which the answer
 * is "exceeds the refundable amount".
 */
export const REFUND_GUARD_ATTEMPTS_MAX = 5;

/**
 * A refund still PROCESSING this long after its last change is sent to the
 * channel again (same refund id, so never twice): its process stopped
 * before the channel answered, or the channel answered "pending".
 */
export const REFUND_STALE_MS = 30_000;

/**
 * One evidence file of a dispute answer: a scanned delivery receipt or
 * invoice is well under 1 MiB; 2 MiB leaves room for a photo.
 */
export const ATTACHMENT_BYTES_MAX = 2 * 1024 * 1024;

/** Files per dispute answer: receipt, invoice, correspondence, photos — acquirers ask for a handful. */
export const ATTACHMENTS_PER_ANSWER_MAX = 5;

/**
 * All files of one answer together. Smaller than count × size: the request
 * carries them twice base64-encoded (JSON, then the AES body), and a
 * 4 MiB answer already makes a body of about 7 MiB to hold in memory.
 */
export const ATTACHMENTS_TOTAL_BYTES_MAX = 4 * 1024 * 1024;

/** An attachment's file name, as shown to the acquirer's reviewer. */
export const ATTACHMENT_NAME_LENGTH_MAX = 100;

/**
 * Request body of `icc/retrieval/backfill` only: its attachments (base64
 * inside JSON, then base64 again as the AES body: × 16/9) plus the text
 * fields. Every other route keeps REQUEST_BODY_BYTES_MAX.
 */
export const BACKFILL_REQUEST_BODY_BYTES_MAX = 8 * 1024 * 1024;

/** The merchant's free-text statement in a dispute answer: a few paragraphs. */
export const DISPUTE_STATEMENT_LENGTH_MAX = 4_000;

/** Tracking numbers per delivery confirmation or dispute answer: one per parcel of a split shipment. */
export const TRACKING_NUMBERS_MAX = 10;

/** A carrier's tracking number (UPS, DHL, China Post and the like are all under 40 characters). */
export const TRACKING_NUMBER_LENGTH_MAX = 64;

/** An e-mail address (RFC 5321 path limit). */
export const EMAIL_LENGTH_MAX = 254;

/**
 * How far in the future a delivery time may lie: clocks and time zones of
 * merchants' systems differ by hours, never by a day.
 */
export const DELIVERY_TIME_FUTURE_SKEW_MS = 24 * 3_600_000;

/** How often open dispute cases past their deadline are expired, and due sandbox disputes opened. */
export const DISPUTE_SWEEP_INTERVAL_MS = 5_000;

/** Longest respond-by an operator may give a case: scheme deadlines are at most a few months. */
export const DISPUTE_RESPONSE_DAYS_MAX = 120;

/** Cases one page of the operator's dispute list shows. */
export const DISPUTE_LIST_PAGE_MAX = 200;

/**
 * Digits of an exchange rate (whole and fraction together). Bank boards
 * quote 4–6 decimals; 18 leaves room for a markup's four more and keeps
 * every product of amount × rate far inside what bigint handles instantly.
 */
export const FX_RATE_DIGITS_MAX = 18;

/** Largest per-merchant FX markup: 10% (1000 bps). Above that a "markup" is a pricing error, not a spread. */
export const FX_MARKUP_BPS_MAX = 1_000;

/** listPriceToken is varchar(32) in seed 002. */
export const LIST_PRICE_TOKEN_LENGTH = 32;

/** Largest rate file read at run time: a full board of a few hundred pairs is a few tens of KB. */
export const FX_RATE_FILE_BYTES_MAX = 1024 * 1024;

/** Sub-orders per FX order: a customs declaration lists them one by one; 100 covers a consolidated shipment. */
export const SUB_ORDERS_MAX = 100;

/** Proof files merchants upload for review: scans and archives of contracts and invoices, 20 MB each at most. */
export const PROOF_FILE_BYTES_MAX = 20 * 1024 * 1024;

/** Rows read per page while streaming a reconciliation file: bounded memory whatever the day's volume. */
export const RECONCILIATION_PAGE_ROWS = 5_000;

/** How often closed days are settled: batches are due once a day, a few minutes' delay after midnight is harmless. */
export const SETTLEMENT_SWEEP_INTERVAL_MS = 5 * 60_000;

/**
 * An entry this close before midnight that a channel's statement lacks is
 * carried to the next day's statement, not reported missing: acquirers cut
 * their day on their own clock, a few minutes off ours.
 */
export const RECONCILE_CARRY_WINDOW_MS = 15 * 60_000;

/** How long a merchant's reconciliation download link works: long enough to fetch, short enough that a leaked link soon dies. */
export const RECONCILIATION_LINK_TTL_MS = 15 * 60_000;

/** How often the proof inbox is checked for files that orders wait for: SFTP uploads show up within this. */
export const PROOF_INBOX_SCAN_INTERVAL_MS = 10_000;

/** How long a proof upload link works. */
export const PROOF_UPLOAD_LINK_TTL_MS = 30 * 60_000;

/** Closed days the settlement job looks back over: a gateway stopped for a long weekend still settles every day. Older days settle when queried. */
export const SETTLEMENT_CATCH_UP_DAYS = 7;

/**
 * The `Retry-After` of a SYSTEM_BUSY answer (a dependency is unavailable). A
 * lost connection is replaced at once and a PostgreSQL restart or failover
 * takes a few seconds, so a client that waits this long usually succeeds on
 * its first retry without piling up requests during the outage.
 */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 2;

/**
 * Attempts to record a channel's answer while the database is unavailable,
 * waiting 100 ms, 200 ms, … 1.6 s between them (about 3 s in all): a lost
 * connection is replaced on the next attempt, and a request cannot wait for
 * a whole restart. When they are spent the order stays PROCESSING and the
 * stale-payment sweep asks the channel, so the answer is still not lost.
 */
export const DATABASE_REAPPLY_ATTEMPTS_MAX = 6;
export const DATABASE_REAPPLY_BACKOFF_MS_BASE = 100;
