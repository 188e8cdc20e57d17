import { api } from '../api.js';
import { DataTable, ErrorLine, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { startOfToday } from '../format.js';

interface Batch {
  batchId: string;
  businessDate: string;
  settleDate: string;
  captured: string;
  refunded: string;
  chargebacks: string;
  fees: string;
  net: string;
  lineCount: number;
}

interface FeePlan {
  method: string;
  currency: string;
  percentBps: number;
  fixed: string;
  minimum: string;
}

/** Today's paid orders per currency, from the dashboard summary. */
interface TodayRow {
  currency: string;
  succeeded: number;
  volume: string;
}

/** Basis points as a percentage, without floating point: 290 → "2.90%". */
function percent(bps: number): string {
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, '0')}%`;
}

/** Settlement batches and statements, reconciliation files by day, and the fee plan (read-only). */
export function MoneyPage() {
  const { t } = useApp();
  const settlements = useLoad(() => api.get<{ batches: Batch[] }>('/m/money/settlements'), []);
  const days = useLoad(() => api.get<{ days: string[] }>('/m/money/reconciliation'), []);
  const fees = useLoad(() => api.get<{ plans: FeePlan[]; fxMarkupBps: number | null }>('/m/money/fees'), []);
  const today = useLoad(() => api.get<{ byCurrency: TodayRow[] }>(`/m/dashboard?from=${startOfToday()}`), []);
  return (
    <>
      <h1>{t('money.title')}</h1>
      <ErrorLine error={settlements.error ?? days.error ?? fees.error ?? today.error} />
      {/* Today's money before any batch exists: a fresh sandbox shows its first payments here at once. */}
      <h2>{t('money.today')}</h2>
      <p class="muted">{t('money.todayHelp')}</p>
      {!today.data ? (
        <Loading />
      ) : today.data.byCurrency.length === 0 ? (
        <p class="muted" data-testid="money-today-none">{t('money.todayNone')}</p>
      ) : (
        <DataTable headings={[t('orders.currency'), t('dashboard.succeeded'), t('money.captured')]}>
          {today.data.byCurrency.map((c) => (
            <tr key={c.currency} data-today={c.currency}>
              <td>{c.currency}</td>
              <td class="num">{c.succeeded}</td>
              <td class="num">{c.volume}</td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>{t('money.settlements')}</h2>
      {!settlements.data ? (
        <Loading />
      ) : settlements.data.batches.length === 0 ? (
        <p class="muted">{t('money.settlementsNone')}</p>
      ) : (
        <DataTable headings={[t('money.businessDate'), t('money.settleDate'), t('money.captured'), t('money.refunded'), t('money.chargebacks'), t('money.fees'), t('money.net'), t('money.lines'), '']}>
          {settlements.data.batches.map((b) => (
            <tr key={b.batchId} data-batch={b.businessDate}>
              <td>{b.businessDate}</td>
              <td>{b.settleDate}</td>
              <td class="num">{b.captured}</td>
              <td class="num">{b.refunded}</td>
              <td class="num">{b.chargebacks}</td>
              <td class="num">{b.fees}</td>
              <td class="num">
                <strong>{b.net}</strong>
              </td>
              <td class="num">{b.lineCount}</td>
              <td>
                <a href={`/portal/api/m/money/settlements/${b.businessDate}/statement.csv`} download>
                  {t('money.statement')}
                </a>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h2>{t('money.reconciliation')}</h2>
      <p class="muted">{t('money.reconciliationHelp')}</p>
      {!days.data ? (
        <Loading />
      ) : days.data.days.length === 0 ? (
        <p class="muted">{t('money.reconciliationNone')}</p>
      ) : (
        <ul class="day-list">
          {days.data.days.map((d) => (
            <li key={d}>
              <a href={`/portal/api/m/money/reconciliation/${d}/file.csv`} download>
                {t('money.download', { date: d })}
              </a>
            </li>
          ))}
        </ul>
      )}
      <h2>{t('money.feePlan')}</h2>
      {!fees.data ? (
        <Loading />
      ) : fees.data.plans.length === 0 ? (
        <p class="muted">{t('money.noPlan')}</p>
      ) : (
        <DataTable headings={[t('money.method'), t('orders.currency'), t('money.percent'), t('money.fixed'), t('money.minimum')]}>
          {fees.data.plans.map((p) => (
            <tr key={`${p.method}-${p.currency}`} data-fee={`${p.method}-${p.currency}`}>
              <td>{p.method}</td>
              <td>{p.currency}</td>
              <td class="num">{percent(p.percentBps)}</td>
              <td class="num">{p.fixed}</td>
              <td class="num">{p.minimum}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {fees.data?.fxMarkupBps !== null && fees.data?.fxMarkupBps !== undefined ? <p class="muted">{t('money.fxMarkup', { bps: fees.data.fxMarkupBps })}</p> : null}
    </>
  );
}
