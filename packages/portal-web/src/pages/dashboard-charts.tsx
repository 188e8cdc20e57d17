import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable, ErrorLine, Field, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { startOfToday } from '../format.js';

interface Point {
  startMs: number;
  orders: number;
  succeeded: number;
  failed: number;
  volumeMinor: Record<string, string>;
  volume: Record<string, string>;
}

const WIDTH = 640;
const HEIGHT = 160;
const PAD = 4;

/** Where the chart starts: the viewer's local hour 23 hours ago, or local midnight 29 days ago. */
function rangeStart(unit: 'hour' | 'day'): number {
  const d = new Date();
  if (unit === 'hour') {
    d.setMinutes(0, 0, 0);
    d.setHours(d.getHours() - 23);
  } else {
    d.setHours(0, 0, 0, 0);
    d.setDate(d.getDate() - 29);
  }
  return d.getTime();
}

/** Success rate of a bucket in tenths of a percent, or null when nothing reached an outcome. */
function ratePermille(p: Point): number | null {
  const finished = p.succeeded + p.failed;
  return finished === 0 ? null : Math.round((p.succeeded * 1000) / finished);
}

/**
 * Volume (bars) and success rate (line) over the last day by the hour or
 * the last month by the day, drawn as plain SVG. Volume is one currency at a
 * time: amounts in different currencies do not add up.
 */
export function DashboardCharts({ liveTick }: { liveTick: number }) {
  const { t, locale } = useApp();
  const [unit, setUnit] = useState<'hour' | 'day'>('hour');
  const [currency, setCurrency] = useState<string>();
  const { data, error } = useLoad(() => api.get<{ points: Point[] }>(`/m/dashboard/series?bucket=${unit}&buckets=${unit === 'hour' ? 24 : 30}&from=${rangeStart(unit)}`), [unit, liveTick]);
  if (error) return <ErrorLine error={error} />;
  if (!data) return <Loading />;
  const points = data.points;
  const currencies = [...new Set(points.flatMap((p) => Object.keys(p.volumeMinor)))].sort();
  const shown = currency && currencies.includes(currency) ? currency : currencies[0];
  // Bar heights relative to the largest bar; minor units stay exact as BigInt, only the ratio is a float.
  const volumes = points.map((p) => BigInt(p.volumeMinor[shown ?? ''] ?? '0'));
  const maxVolume = volumes.reduce((a, b) => (b > a ? b : a), 0n);
  const slot = (WIDTH - 2 * PAD) / points.length;
  // Axis and point labels carry the date in both ranges: 24 hours span two days.
  const label = (ms: number) => new Intl.DateTimeFormat(locale, unit === 'hour' ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(new Date(ms));
  const ratePoints = points
    .map((p, i) => ({ i, rate: ratePermille(p) }))
    .filter((x): x is { i: number; rate: number } => x.rate !== null)
    .map(({ i, rate }) => `${(PAD + slot * (i + 0.5)).toFixed(1)},${(HEIGHT - PAD - ((HEIGHT - 2 * PAD) * rate) / 1000).toFixed(1)}`);
  const total = points.reduce((n, p) => n + p.orders, 0);
  return (
    <section aria-labelledby="charts-title" class="charts">
      <h2 id="charts-title">{t('charts.title')}</h2>
      <div class="chart-controls">
        <Field label={t('charts.range')} id="chart-range">
          <select id="chart-range" value={unit} onChange={(e) => setUnit(e.currentTarget.value as 'hour' | 'day')}>
            <option value="hour">{t('charts.byHour')}</option>
            <option value="day">{t('charts.byDay')}</option>
          </select>
        </Field>
        {currencies.length > 0 ? (
          <Field label={t('charts.currency')} id="chart-currency">
            <select id="chart-currency" value={shown} onChange={(e) => setCurrency(e.currentTarget.value)}>
              {currencies.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
      </div>
      {total === 0 ? (
        <p class="muted">{t('charts.empty')}</p>
      ) : (
        <>
          <h3 class="chart-title">{t('charts.volume', { currency: shown ?? '—' })}</h3>
          <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('charts.volume', { currency: shown ?? '—' })} data-testid="volume-chart">
            <text class="chart-label" x={PAD + 4} y={PAD + 12}>
              {points.find((p) => BigInt(p.volumeMinor[shown ?? ''] ?? '0') === maxVolume)?.volume[shown ?? ''] ?? '0'} {shown ?? ''}
            </text>
            {points.map((p, i) => {
              const v = volumes[i]!;
              const h = maxVolume === 0n ? 0 : ((HEIGHT - 2 * PAD) * Number((v * 1000n) / maxVolume)) / 1000;
              const rate = ratePermille(p);
              return (
                <rect key={p.startMs} class="bar" x={PAD + slot * i + 1} y={HEIGHT - PAD - h} width={Math.max(1, slot - 2)} height={h} data-volume={p.volume[shown ?? ''] ?? '0'}>
                  <title>{t('charts.point', { time: label(p.startMs), orders: p.orders, volume: p.volume[shown ?? ''] ?? '0', currency: shown ?? '', rate: rate === null ? '—' : `${(rate / 10).toFixed(1)}%` })}</title>
                </rect>
              );
            })}
          </svg>
          <h3 class="chart-title">{t('charts.successRate')}</h3>
          <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('charts.successRate')} data-testid="rate-chart">
            <line class="axis" x1={PAD} x2={WIDTH - PAD} y1={PAD} y2={PAD} />
            <line class="axis" x1={PAD} x2={WIDTH - PAD} y1={HEIGHT - PAD} y2={HEIGHT - PAD} />
            <text class="chart-label" x={PAD + 4} y={PAD + 12}>
              100%
            </text>
            <text class="chart-label" x={PAD + 4} y={HEIGHT - PAD - 4}>
              0%
            </text>
            {ratePoints.length > 0 ? <polyline class="rate" points={ratePoints.join(' ')} /> : null}
            {ratePoints.map((xy) => {
              const [x, y] = xy.split(',');
              return <circle key={xy} class="rate-dot" cx={x} cy={y} r={3} />;
            })}
          </svg>
          <div class="chart-axis" data-testid="chart-axis">
            <span>{label(points[0]!.startMs)}</span>
            <span>{label(points[Math.floor(points.length / 2)]!.startMs)}</span>
            <span>{label(points.at(-1)!.startMs)}</span>
          </div>
        </>
      )}
    </section>
  );
}

interface MethodRow {
  method: string;
  currency: string;
  orders: number;
  succeeded: number;
  failed: number;
  volume: string;
  successRate: string;
}

/** Today's orders, paid volume and success rate per payment method (the channel that took the order) and currency. */
export function MethodSummary({ liveTick }: { liveTick: number }) {
  const { t } = useApp();
  const { data, error } = useLoad(() => api.get<{ byMethod: MethodRow[] }>(`/m/dashboard/methods?from=${startOfToday()}`), [liveTick]);
  if (error) return <ErrorLine error={error} />;
  if (!data || data.byMethod.length === 0) return null;
  return (
    <section aria-labelledby="methods-title">
      <h2 id="methods-title">{t('charts.byMethodTitle')}</h2>
      <DataTable headings={[t('charts.method'), t('dashboard.currency'), t('dashboard.orders'), t('dashboard.succeeded'), t('dashboard.failed'), t('dashboard.volume'), t('dashboard.successRate')]}>
        {data.byMethod.map((m) => (
          <tr key={`${m.method}-${m.currency}`} data-method={m.method}>
            {/* Orders the payer has not started yet have no channel: said in words, not "none". */}
            <td>{m.method === 'none' ? t('charts.notStarted') : m.method}</td>
            <td>{m.currency}</td>
            <td>{m.orders}</td>
            <td>{m.succeeded}</td>
            <td>{m.failed}</td>
            <td class="num">{m.volume}</td>
            <td class="num">{m.successRate}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
