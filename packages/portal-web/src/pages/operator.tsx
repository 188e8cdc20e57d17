import { api } from '../api.js';
import { ErrorLine, Link, Loading, useLoad, TableScroll } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';

export function BacklogPage() {
  const { t, locale } = useApp();
  const { data, error } = useLoad(
    () => api.get<{ counts: { pending: number; failed: number }; notifications: { notificationId: string; merchantId: string; orderId: string; url: string; state: string; attemptCount: number; nextAttemptAtMs: number }[] }>('/o/notifications/backlog'),
    [],
  );
  return (
    <>
      <h1>{t('backlog.title')}</h1>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          <p>
            {t('backlog.pending')}: <strong>{data.counts.pending}</strong> · {t('backlog.failed')}: <strong>{data.counts.failed}</strong>
          </p>
          <TableScroll label={t('nav.backlog')} headings={[]}>
            <table>
              <thead>
                <tr>
                  <th>{t('orders.merchant')}</th>
                  <th>{t('orders.serialNumber')}</th>
                  <th>{t('orders.status')}</th>
                  <th>{t('order.attempt')}</th>
                  <th>{t('backlog.next')}</th>
                  <th>URL</th>
                </tr>
              </thead>
              <tbody>
                {data.notifications.map((n) => (
                  <tr key={n.notificationId}>
                    <td>{n.merchantId}</td>
                    <td>
                      <Link href={`/orders/${n.orderId}`}>{n.orderId}</Link>
                    </td>
                    <td>{n.state}</td>
                    <td class="num">{n.attemptCount}</td>
                    <td>{formatTime(n.nextAttemptAtMs, locale)}</td>
                    <td>{n.url}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </>
      )}
    </>
  );
}
