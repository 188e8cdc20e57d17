/**
 * The contract between the notification dispatcher and the store's
 * transactional outbox. The store (written elsewhere) implements it; this
 * folder only consumes it, so the delivery machinery never depends on SQL.
 */

/** A notification row waiting to be delivered to a merchant's `notifyUrl`. */
export interface OutboxNotification {
  id: string;               // notification id
  merchantId: string;
  orderId: string;
  url: string;              // merchant notifyUrl
  sandbox: boolean;         // sandbox merchants may be notified on loopback/private addresses
  attemptCount: number;     // attempts made so far
  createdAtMs: number;
  payloadJson: string;      // the stored payload, read with the claim (never read again to encode)
  dialect: string;          // the merchant dialect that encodes it and judges the answer
}

/** The host (name and port, lower case) a notification URL's connections go to; an unparsable URL is its own key. */
export function notificationHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** One delivery attempt, as recorded by the store and reported to metrics. */
export interface DeliveryAttempt {
  notificationId: string;
  attemptNo: number;        // 1-based
  startedAtMs: number;
  latencyMs: number;
  httpStatus: number | null;
  responseExcerpt: string;  // at most NOTIFY_RESPONSE_EXCERPT_CHARS_MAX characters
  error: string | null;     // e.g. 'timeout', 'connection refused', 'address not allowed'
  delivered: boolean;
}

export interface NotificationOutbox {
  /**
   * Leases up to `limit` notifications due at `nowMs` for `leaseMs` so that several processes never send the same one at once;
   * none whose host (`notificationHost` of its URL) is in `excludedHosts`, and only the oldest pending one of each order.
   */
  claimDue(nowMs: number, limit: number, leaseMs: number, excludedHosts?: readonly string[]): Promise<OutboxNotification[]>;
  /** Records the attempt; `nextAttemptAtMs` null means no more attempts (delivered, or schedule exhausted → status 'failed'). */
  recordAttempt(attempt: DeliveryAttempt, nextAttemptAtMs: number | null): Promise<void>;
}

/** What a merchant answered a delivery with, as the acknowledgement rule sees it. */
export interface NotifyAnswer {
  httpStatus: number | null;
  responseText: string;
  error: string | null;
}

/**
 * The HTTP request of one delivery. `acknowledged` is the rule of the
 * merchant's protocol for its answer; without one, PayEase's `SUCCESS` rule.
 */
export interface NotificationRequest {
  headers: Record<string, string>;
  body: string;
  acknowledged?: (answer: NotifyAnswer) => boolean;
}

/** Builds the signed (and, for PayEase, encrypted) HTTP request for a notification, in the dialect of its order. */
export type NotificationEncoder = (n: OutboxNotification) => Promise<NotificationRequest>;
