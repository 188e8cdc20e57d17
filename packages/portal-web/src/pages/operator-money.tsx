import { useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, Field, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { Section, useSubmit } from './operator-kit.js';

interface Batch {
  batchId: string;
  merchantId: string;
  businessDate: string;
  settleDate: string;
  captured: string;
  refunded: string;
  chargebacks: string;
  fee: string;
  net: string;
  currency: string;
  lineCount: number;
  createdAtMs: number;
}

interface Report {
  date: string;
  merchantId: string | null;
  matched: number;
  mismatches: { class: string; type: string; serialNumber: string; ours?: string; theirs?: string }[];
  carried: { type: string; serialNumber: string }[];
}

/** Yesterday in the viewer's calendar, the day a run or a statement usually covers. */
function yesterday(): string {
  const d = new Date(Date.now() - 24 * 60 * 60 * 1000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function OperatorSettlementPage() {
  const { me, t, locale } = useApp();
  const batches = useLoad(() => api.get<{ batches: Batch[] }>('/o/settlements'), []);
  const finance = can(me, 'operator.finance');
  const [runMerchant, setRunMerchant] = useState('');
  const [runDate, setRunDate] = useState(yesterday());
  const [notice, setNotice] = useState<string>();
  const run = useSubmit();
  const [recDate, setRecDate] = useState(yesterday());
  const [recMerchant, setRecMerchant] = useState('');
  const [statement, setStatement] = useState('');
  const [fileName, setFileName] = useState('');
  const [report, setReport] = useState<Report>();
  const check = useSubmit();
  return (
    <>
      <h1>{t('opmoney.title')}</h1>
      {notice ? (
        <p class="notice" role="status" data-testid="money-notice">
          {notice}
        </p>
      ) : null}
      <Section title={t('opmoney.runs')}>
        {finance ? (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void run.run(async () => {
                const r = await api.post<{ batch: Batch & { netMinor: string } }>('/o/settlements/run', { merchantId: runMerchant, date: runDate });
                setNotice(t('opmoney.ran', { id: r.batch.batchId, date: r.batch.businessDate }));
                batches.reload();
              });
            }}
          >
            <p class="muted">{t('opmoney.runHelp')}</p>
            <Field label={t('orders.merchant')} id="sr-merchant" error={run.error('merchantId')}>
              <input id="sr-merchant" inputMode="numeric" required value={runMerchant} onInput={(e) => setRunMerchant(e.currentTarget.value)} />
            </Field>
            <Field label={t('opmoney.date')} id="sr-date" error={run.error('date')}>
              <input id="sr-date" type="date" required value={runDate} onInput={(e) => setRunDate(e.currentTarget.value)} />
            </Field>
            <ErrorLine error={run.formError} />
            <button type="submit" disabled={run.busy}>
              {t('opmoney.run')}
            </button>
          </form>
        ) : null}
        <ErrorLine error={batches.error} />
        {!batches.data ? (
          <Loading />
        ) : batches.data.batches.length === 0 ? (
          <p class="muted">{t('order.none')}</p>
        ) : (
          <DataTable headings={[t('opmoney.date'), t('orders.merchant'), t('opmoney.captured'), t('opmoney.refunded'), t('opmoney.chargebacks'), t('opmoney.fee'), t('opmoney.net'), t('opmoney.settleDate'), t('opmoney.lines'), t('orders.created'), '']}>
            {batches.data.batches.map((b) => (
              <tr key={b.batchId} data-batch-id={b.batchId}>
                <td>{b.businessDate}</td>
                <td>{b.merchantId}</td>
                <td class="num">{b.captured}</td>
                <td class="num">{b.refunded}</td>
                <td class="num">{b.chargebacks}</td>
                <td class="num">{b.fee}</td>
                <td class="num">
                  <strong>{`${b.net} ${b.currency}`}</strong>
                </td>
                <td>{b.settleDate}</td>
                <td class="num">{b.lineCount}</td>
                <td>{formatTime(b.createdAtMs, locale)}</td>
                <td>
                  <a href={`/portal/api/o/settlements/${encodeURIComponent(b.merchantId)}/${b.businessDate}/statement.csv`} download>
                    {t('opmoney.statementCsv')}
                  </a>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
      <Section title={t('opmoney.reconcile')}>
        {finance ? (
          <form
            class="inline-form wide"
            onSubmit={(e) => {
              e.preventDefault();
              void check.run(async () => setReport(await api.post<Report>('/o/reconciliation/check', { date: recDate, merchantId: recMerchant, statement })));
            }}
          >
            <p class="muted">{t('opmoney.reconcileHelp')}</p>
            <Field label={t('opmoney.date')} id="rc-date" error={check.error('date')}>
              <input id="rc-date" type="date" required value={recDate} onInput={(e) => setRecDate(e.currentTarget.value)} />
            </Field>
            <Field label={t('opmoney.merchantOptional')} id="rc-merchant" error={check.error('merchantId')}>
              <input id="rc-merchant" inputMode="numeric" value={recMerchant} onInput={(e) => setRecMerchant(e.currentTarget.value)} />
            </Field>
            <Field label={t('opmoney.statement')} id="rc-file" error={check.error('statement')}>
              <input
                id="rc-file"
                type="file"
                accept=".csv,text/csv,text/plain"
                onChange={async (e) => {
                  const file = e.currentTarget.files?.[0];
                  setFileName(file?.name ?? '');
                  setStatement(file ? await file.text() : '');
                }}
              />
            </Field>
            {fileName ? <p class="muted">{fileName}</p> : null}
            {/^\d{9}$/.test(recMerchant) && /^\d{4}-\d{2}-\d{2}$/.test(recDate) ? (
              <p>
                <a href={`/portal/api/o/reconciliation/${recMerchant}/${recDate}/file.csv`} download>
                  {t('opmoney.ourFile', { merchant: recMerchant, date: recDate })}
                </a>
              </p>
            ) : null}
            <ErrorLine error={check.formError} />
            <button type="submit" disabled={check.busy || statement === ''}>
              {t('opmoney.check')}
            </button>
          </form>
        ) : null}
        {report ? (
          <>
            <p data-testid="reconcile-summary">{t('opmoney.summary', { date: report.date, matched: report.matched, mismatches: report.mismatches.length, carried: report.carried.length })}</p>
            {report.mismatches.length > 0 ? (
              <DataTable headings={[t('opmoney.class'), t('opmoney.type'), t('orders.serialNumber'), t('opmoney.ours'), t('opmoney.theirs')]}>
                {report.mismatches.map((m, i) => (
                  <tr key={i} data-mismatch={m.class}>
                    <td class="state state-FAILED">{m.class}</td>
                    <td>{m.type}</td>
                    <td class="id">{m.serialNumber}</td>
                    <td>{m.ours ?? '—'}</td>
                    <td>{m.theirs ?? '—'}</td>
                  </tr>
                ))}
              </DataTable>
            ) : null}
          </>
        ) : null}
      </Section>
    </>
  );
}
