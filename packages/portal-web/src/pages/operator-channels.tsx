import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { DataTable, ErrorLine, Field, Link, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';

interface Health {
  channel: string;
  methods: string[];
  currencies: string[];
  orders: number;
  succeeded: number;
  failed: number;
  pending: number;
  declined: number;
  errorRateBps: number | null;
  declineRateBps: number | null;
  outcomeP50Ms: number | null;
  outcomeP95Ms: number | null;
  lastOutcomeAtMs: number | null;
  calls: { operation: string; calls: number; failures: number; p50Ms: number | null; p95Ms: number | null }[];
}

/** Basis points as a percentage with two decimals, computed on integers. */
function percent(bps: number | null): string {
  if (bps === null) return '—';
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, '0')} %`;
}

function duration(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 10_000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

export function OperatorChannelsPage() {
  const { t, locale } = useApp();
  const [hours, setHours] = useState('24');
  const [shown, setShown] = useState('24');
  const { data, error } = useLoad(() => api.get<{ sinceMs: number; truncated: boolean; channels: Health[] }>(`/o/channels?hours=${encodeURIComponent(shown)}`), [shown]);
  return (
    <>
      <h1>{t('opch.title')}</h1>
      <p class="muted">
        {t('opch.help')} <Link href="/merchants">{t('merchants.title')}</Link>
      </p>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setShown(hours);
        }}
      >
        <Field label={t('opch.hours')} id="ch-hours">
          <input id="ch-hours" inputMode="numeric" value={hours} onInput={(e) => setHours(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit">{t('orders.search')}</button>
        </div>
      </form>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <>
          {data.truncated ? <p class="muted">{t('opch.truncated')}</p> : null}
          <DataTable headings={[t('opch.channel'), t('dashboard.orders'), t('dashboard.succeeded'), t('dashboard.failed'), t('opch.pending'), t('opch.declineRate'), t('opch.errorRate'), t('opch.outcome'), t('opch.answers'), t('opch.last')]}>
            {data.channels.map((c) => (
              <tr key={c.channel} data-channel={c.channel}>
                <td>
                  <strong>{c.channel}</strong>
                  <br />
                  <span class="muted">{c.methods.join(', ')}</span>
                </td>
                <td class="num">{c.orders}</td>
                <td class="num">{c.succeeded}</td>
                <td class="num">{c.failed}</td>
                <td class="num">{c.pending}</td>
                <td class="num" data-testid={`decline-rate-${c.channel}`}>
                  {percent(c.declineRateBps)}
                </td>
                <td class="num" data-testid={`error-rate-${c.channel}`}>
                  {percent(c.errorRateBps)}
                </td>
                <td class="num">
                  {duration(c.outcomeP50Ms)} / {duration(c.outcomeP95Ms)}
                </td>
                <td class="answers" data-testid={`answers-${c.channel}`}>
                  {c.calls.length === 0
                    ? '—'
                    : c.calls.map((op) => (
                        <div key={op.operation}>
                          {t('opch.answerLine', { operation: op.operation, calls: op.calls, failures: op.failures, p50: op.p50Ms ?? '—', p95: op.p95Ms ?? '—' })}
                        </div>
                      ))}
                </td>
                <td>{formatTime(c.lastOutcomeAtMs, locale)}</td>
              </tr>
            ))}
          </DataTable>
        </>
      )}
    </>
  );
}
