import { useEffect, useState } from 'preact/hooks';
import { api, prefixOf } from '../api.js';
import { ErrorLine, Link, Loading, useLoad, DataTable, TableScroll } from '../components.js';
import { useApp } from '../context.js';
import { formatTime, startOfToday } from '../format.js';
import { DashboardCharts, MethodSummary } from './dashboard-charts.js';

interface Summary {
  byCurrency: { currency: string; orders: number; succeeded: number; failed: number; volume: string; successRate: string }[];
}

interface MonitorEvent {
  eventId: string;
  orderId: string;
  merchantId: string;
  requestId: string;
  from: string | null;
  to: string;
  atMs: number;
  amount: string;
  currency: string;
  cardLast4: string | null;
}

/** How many live lines stay on screen. */
const MONITOR_ROWS_MAX = 50;

export function DashboardPage() {
  const { me, t } = useApp();
  const prefix = prefixOf(me);
  // Every live event moves the summary, the per-method table and the charts with the monitor.
  const [liveTick, setLiveTick] = useState(0);
  const { data, error } = useLoad(() => api.get<Summary>(`${prefix}/dashboard?from=${startOfToday()}`), [prefix, liveTick]);
  return (
    <>
      <h1>{t('dashboard.title')}</h1>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : data.byCurrency.length === 0 ? (
        <p>{t('dashboard.none')}</p>
      ) : (
        <DataTable headings={[t('dashboard.currency'), t('dashboard.orders'), t('dashboard.succeeded'), t('dashboard.failed'), t('dashboard.volume'), t('dashboard.successRate')]}>
              {data.byCurrency.map((c) => (
                <tr key={c.currency} data-currency={c.currency}>
                  <td>{c.currency}</td>
                  <td>{c.orders}</td>
                  <td>{c.succeeded}</td>
                  <td>{c.failed}</td>
                  <td class="num">{c.volume}</td>
                  <td class="num">{c.successRate}</td>
                </tr>
              ))}
        </DataTable>
      )}
      <LiveMonitor onEvent={() => setLiveTick((n) => n + 1)} />
      {prefix === '/m' ? <MethodSummary liveTick={liveTick} /> : null}
      {prefix === '/m' ? <DashboardCharts liveTick={liveTick} /> : null}
    </>
  );
}

/** New orders and state changes as they happen (server-sent events; the browser reconnects by itself and resumes by event id). */
function LiveMonitor({ onEvent }: { onEvent: () => void }) {
  const { me, t, locale } = useApp();
  const [events, setEvents] = useState<MonitorEvent[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const source = new EventSource(`/portal/api${prefixOf(me)}/monitor`);
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(false);
    source.addEventListener('order', (e) => {
      const event = JSON.parse((e as MessageEvent<string>).data) as MonitorEvent;
      setEvents((list) => [event, ...list].slice(0, MONITOR_ROWS_MAX));
      onEvent();
    });
    return () => source.close();
  }, []);
  return (
    <section aria-labelledby="monitor-title">
      <h2 id="monitor-title">
        {t('monitor.title')}{' '}
        <span class={connected ? 'badge live' : 'badge'} data-testid="monitor-status">
          {connected ? t('monitor.connected') : t('monitor.reconnecting')}
        </span>
      </h2>
      {events.length === 0 ? (
        <p>{t('monitor.waiting')}</p>
      ) : (
        <TableScroll label={t('monitor.title')} headings={[]}>
          <table class="monitor" aria-live="polite">
            <thead>
              <tr>
                <th>{t('order.at')}</th>
                <th>{t('orders.requestId')}</th>
                <th>{t('orders.status')}</th>
                <th>{t('orders.amount')}</th>
                <th>{t('orders.card')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.eventId} data-request-id={e.requestId} data-state={e.to}>
                  <td>{formatTime(e.atMs, locale)}</td>
                  <td>
                    <Link href={`/orders/${e.orderId}`}>{e.requestId}</Link>
                  </td>
                  <td>
                    {e.from ? `${e.from} → ` : ''}
                    <span class={`state state-${e.to}`}>{e.to}</span>
                  </td>
                  <td class="num">
                    {e.amount} {e.currency}
                  </td>
                  <td>{e.cardLast4 ? `•••• ${e.cardLast4}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
