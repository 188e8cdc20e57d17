import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { NotificationDispatcher } from '../notify/dispatcher.js';
import { NOTIFY_BATCH_SIZE_DEFAULT, leaseMsMin } from '../notify/limits.js';
import type { NotificationEncoder } from '../notify/outbox.js';
import type { GatewayMetrics } from '../ops/metrics.js';
import type { DialectRegistry } from '../protocols/dialect-registry.js';
import type { NotificationRepository } from '../store/notification-repository.js';

/** The outbox's dispatcher: each notification encoded, and its answer judged, by the dialect stored with it. */
export function notificationDispatch(o: { config: GatewayConfig; clock: () => number; logger: Logger; metrics: GatewayMetrics; notifications: NotificationRepository; dialects: DialectRegistry }): NotificationDispatcher {
  const { config } = o;
  const encode: NotificationEncoder = async (n) => {
    // The claim hands over the whole row: it is not read again.
    const dialect = o.dialects.get(n.dialect);
    return { ...(await dialect.encodeNotification(n)), acknowledged: dialect.acknowledged };
  };
  const batchSize = NOTIFY_BATCH_SIZE_DEFAULT;
  return new NotificationDispatcher({
    outbox: o.notifications,
    encode,
    clock: o.clock,
    logger: o.logger.child({ component: 'notify' }),
    batchSize,
    leaseMarginMs: config.notifyLeaseMarginMs,
    leaseMs: leaseMsMin({ batchSize, concurrency: config.notifyConcurrency, requestTimeoutMs: config.notifyRequestTimeoutMs, leaseMarginMs: config.notifyLeaseMarginMs }),
    requestTimeoutMs: config.notifyRequestTimeoutMs,
    concurrency: config.notifyConcurrency,
    pollIntervalMs: config.notifyPollIntervalMs,
    onAttempt: (a) => o.metrics.notificationAttempts.inc({ result: a.delivered ? 'delivered' : 'failed' }),
  });
}
