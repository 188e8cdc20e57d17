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

/** Rows sent per request: small enough that the progress bar moves, large enough to stay quick. */
const CHUNK_ROWS = 20;

/** Splits CSV text into records, keeping a quoted field's line breaks inside its record. */
export function csvRecords(text: string): string[] {
  const records: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === '\n' || ch === '\r')) {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      records.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current !== '') records.push(current);
  return records;
}

export function BatchRefundsPage() {
  const { t } = useApp();
  const [file, setFile] = useState<File>();
  const [rowCount, setRowCount] = useState(0);
  const [doneCount, setDoneCount] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [rows, setRows] = useState<Row[]>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setRows(undefined);
    setDoneCount(0);
    const all: Row[] = [];
    try {
      // The file goes in chunks, each with the header line, so the bar shows how far the refunds are.
      const [header = '', ...body] = csvRecords(await file.text());
      const dataRows = body.filter((l) => l.trim() !== '');
      setRowCount(dataRows.length);
      for (let start = 0; start < Math.max(1, dataRows.length); start += CHUNK_ROWS) {
        const chunk = dataRows.slice(start, start + CHUNK_ROWS);
        const answer = await api.post<{ rows: Row[] }>('/m/refunds/batch', { csv: [header, ...chunk].join('\r\n') });
        // Lines are counted in the chunk; the result names the line of the whole file.
        all.push(...answer.rows.map((r) => ({ ...r, line: r.line + start })));
        setDoneCount(Math.min(dataRows.length, start + chunk.length));
      }
      setRows(all);
    } catch (err) {
      setError(errorText(err));
      // The chunks already answered stay shown: their refunds were made.
      if (all.length > 0) setRows(all);
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
        {busy || rows ? (
          <p role="status" aria-busy={busy}>
            <progress data-testid="batch-progress" value={doneCount} max={Math.max(1, rowCount)} aria-label={t('batch.running', { count: rowCount })} /> {doneCount} / {rowCount}
            {busy ? ` ${t('batch.running', { count: rowCount })}` : ''}
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
