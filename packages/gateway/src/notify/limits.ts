/**
 * Every bound of merchant-notification delivery, each with the reason for its
 * value. `limits.test.ts` checks how the bounds relate to one another.
 * The retry delays themselves live in `retry-schedule.ts` (a table, not a bound).
 */

/**
 * Longest notifyUrl accepted. 2048 is the de-facto URL limit of common HTTP
 * servers and proxies; a longer URL would likely be refused by the merchant's
 * own front end, and we store the URL in every outbox row.
 */
export const NOTIFY_URL_CHARS_MAX = 2048;

/**
 * Lowest port accepted in a notifyUrl besides 80 and 443. Ports below 1024 are
 * system services (SMTP 25, SSH 22, …); letting a merchant point the gateway at
 * them would make it a relay for talking to other protocols. Merchant web apps
 * that do not sit on 80/443 use unprivileged ports (8080, 8443, 9000, …).
 */
export const NOTIFY_URL_PORT_UNPRIVILEGED_MIN = 1024;

/**
 * Bytes of the merchant's answer read before hanging up. The protocol answer is
 * the 7 bytes `SUCCESS`; 4 KiB is enough to capture the start of an error page
 * for diagnosis while a misbehaving endpoint cannot make us buffer megabytes.
 */
export const NOTIFY_RESPONSE_BYTES_MAX = 4096;

/**
 * Characters of the answer kept in each recorded attempt and log line. Enough
 * for an error message or a page title; small because every attempt of every
 * notification is stored (up to the whole retry schedule per notification).
 */
export const NOTIFY_RESPONSE_EXCERPT_CHARS_MAX = 256;

/**
 * Default total time (connect + answer) allowed for one delivery. A merchant
 * only has to persist the notification and answer `SUCCESS`; 10 s is generous
 * for that while keeping a hung endpoint from pinning a delivery slot.
 */
export const NOTIFY_REQUEST_TIMEOUT_MS_DEFAULT = 10_000;

/**
 * Longest per-delivery timeout accepted: a timeout above a minute only keeps
 * slots busy; the retry schedule, not patience, handles slow merchants.
 */
export const NOTIFY_REQUEST_TIMEOUT_MS_MAX = 60_000;

/**
 * Default notifications claimed per poll: one store round-trip amortised over a
 * useful amount of work, yet small enough that the lease of the last one in a
 * batch stays short (see NOTIFY_LEASE_MARGIN_MS).
 */
export const NOTIFY_BATCH_SIZE_DEFAULT = 50;

/** Largest batch accepted, so one process cannot hoard the whole backlog under lease. */
export const NOTIFY_BATCH_SIZE_MAX = 1000;

/**
 * Default deliveries in flight per dispatcher. Merchant endpoints are slow and
 * remote, so parallelism hides latency; 10 keeps sockets and memory modest.
 */
export const NOTIFY_CONCURRENCY_DEFAULT = 10;

/** Largest concurrency accepted: beyond this, file descriptors rather than merchants become the limit. */
export const NOTIFY_CONCURRENCY_MAX = 256;

/**
 * Keep-alive connections held open to one merchant host (origin and vetted
 * address), and so the deliveries in flight to it. Four keep a healthy host
 * busy on a keep-alive pool; a slow or dead host can pin at most four
 * delivery slots, so it cannot starve the others (NOTIFY_CONCURRENCY_DEFAULT
 * leaves room for healthy hosts beside it).
 */
export const NOTIFY_CONNECTIONS_PER_HOST_MAX = 4;

/**
 * Claimed notifications of one host held at once (in flight plus waiting for
 * one of its connections): four rounds of its connections. A slow host's
 * backlog cannot fill the dispatcher's hands while healthy hosts wait.
 */
export const NOTIFY_HOST_HELD_MAX = 4 * NOTIFY_CONNECTIONS_PER_HOST_MAX;

/**
 * Rows claimed per poll. Hosts holding more than NOTIFY_HOST_HELD_MAX −
 * NOTIFY_CLAIM_ROWS_MAX are left out of the claim, so one claim can never take
 * a host past its share and no claimed row ever has to be handed back; half
 * the share keeps a fast host's connections fed while the previous rows drain.
 */
export const NOTIFY_CLAIM_ROWS_MAX = NOTIFY_HOST_HELD_MAX / 2;

/**
 * Idle time after which a pooled keep-alive connection is closed: below the
 * 5 s idle timeout of Node's and most frameworks' HTTP servers, so we close
 * first instead of racing the server's close with a new request.
 */
export const NOTIFY_KEEP_ALIVE_MS = 4000;

/**
 * Merchant hosts with a pool held at once; the least recently used pool is
 * closed beyond this, bounding sockets and memory with many merchants.
 */
export const NOTIFY_POOLED_HOSTS_MAX = 256;

/**
 * Default pause between polls when the previous poll did not fill a batch.
 * First attempts are due "now" when an order settles, so merchants hear
 * within about a second; an idle gateway costs one cheap query per second.
 */
export const NOTIFY_POLL_INTERVAL_MS_DEFAULT = 1000;

/**
 * Slack added on top of the worst-case time a claimed batch needs
 * (requestTimeoutMs × ⌈batchSize / concurrency⌉) before its lease may expire:
 * covers encoding, recording attempts and a slow store. If a lease expired
 * while we were still delivering, another process could send a duplicate.
 */
export const NOTIFY_LEASE_MARGIN_MS = 30_000;

/**
 * Relative jitter applied to every retry delay (±20 %). After a merchant's
 * outage all its pending notifications would otherwise retry at the same
 * instant and knock the freshly recovered endpoint over again.
 */
export const NOTIFY_RETRY_JITTER_RATIO = 0.2;

/**
 * Minimum span of the whole retry schedule even when every delay is jittered
 * down: a merchant down for a full day still receives its notifications.
 */
export const NOTIFY_RETRY_SPAN_MS_MIN = 24 * 60 * 60 * 1000;

/** Smallest lease that lets a whole claimed batch be delivered before the lease can expire. */
export function leaseMsMin(opts: { batchSize: number; concurrency: number; requestTimeoutMs: number; leaseMarginMs?: number }): number {
  // A claimed row waits for a free slot overall and for one of its host's connections.
  const roundsMax = Math.max(Math.ceil(opts.batchSize / opts.concurrency), Math.ceil(NOTIFY_HOST_HELD_MAX / NOTIFY_CONNECTIONS_PER_HOST_MAX));
  return opts.requestTimeoutMs * roundsMax + (opts.leaseMarginMs ?? NOTIFY_LEASE_MARGIN_MS);
}

/** Default lease: exactly the smallest safe one for the default batch, concurrency and timeout. */
export const NOTIFY_LEASE_MS_DEFAULT = leaseMsMin({
  batchSize: NOTIFY_BATCH_SIZE_DEFAULT,
  concurrency: NOTIFY_CONCURRENCY_DEFAULT,
  requestTimeoutMs: NOTIFY_REQUEST_TIMEOUT_MS_DEFAULT,
});
