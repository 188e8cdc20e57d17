import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { errorText, Field, DataTable } from '../components.js';
import { useApp } from '../context.js';

interface Row {
  line: number;
  serialNumber: string;
  requestId: string;
  outcome: 'created' | 'replayed' | 'pending' | 'refused';
  state: string | null;
  amountMinor: string | null;
  code: string | null;
  message: string | null;
}

function cell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The per-row result file, built in the browser from the answer. */
function resultCsv(rows: Row[]): string {
  const head = ['line', 'serialNumber', 'requestId', 'outcome', 'state', 'amountMinor', 'code', 'message'];
  return [head.join(','), ...rows.map((r) => [r.line, r.serialNumber, r.requestId, r.outcome, r.state, r.amountMinor, r.code, r.message].map(cell).join(','))].join('\r\n') + '\r\n';
}

export function BatchRefundsPage() {
  const { t } = useApp();
  const [file, setFile] = useState<File>();
  const [rowCount, setRowCount] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [rows, setRows] = useState<Row[]>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setRows(undefined);
    try {
      const csv = await file.text();
      setRowCount(Math.max(0, csv.split(/\r?\n/).filter((l) => l.trim() !== '').length - 1));
      setRows((await api.post<{ rows: Row[] }>('/m/refunds/batch', { csv })).rows);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const count = (o: Row['outcome']) => rows?.filter((r) => r.outcome === o).length ?? 0;
  return (
    <>
      <h1>{t('batch.title')}</h1>
      <p class="muted">{t('batch.help')}</p>
      <form class="inline-form" onSubmit={submit}>
        <Field label={t('batch.file')} id="batch-file" error={error}>
          <input id="batch-file" type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </Field>
        <button type="submit" disabled={busy || !file}>
          {t('batch.submit')}
        </button>
        {busy ? (
          <p role="status" aria-busy="true">
            <progress /> {t('batch.running', { count: rowCount })}
          </p>
        ) : null}
      </form>
      {rows ? (
        <>
          <p role="status" data-testid="batch-summary">
            {t('batch.summary', { created: count('created'), replayed: count('replayed'), refused: count('refused') })}{' '}
            {count('pending') > 0 ? <>{t('batch.pending', { pending: count('pending') })} </> : null}
            <a class="button secondary" download="refund-results.csv" href={URL.createObjectURL(new Blob([resultCsv(rows)], { type: 'text/csv' }))}>
              {t('batch.download')}
            </a>
          </p>
          <DataTable headings={[t('batch.line'), t('orders.serialNumber'), t('orders.requestId'), t('batch.outcome'), t('orders.amountMinor')]}>
                {rows.map((r) => (
                  <tr key={r.line} data-outcome={r.outcome}>
                    <td>{r.line}</td>
                    <td>{r.serialNumber}</td>
                    <td>{r.requestId}</td>
                    <td>{r.outcome === 'refused' ? `${r.code}: ${r.message}` : `${r.outcome} ${r.state ?? ''}`}</td>
                    <td class="num">{r.amountMinor ?? ''}</td>
                  </tr>
                ))}
          </DataTable>
        </>
      ) : null}
    </>
  );
}
