import { useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, errorText, Field } from '../components.js';
import { useApp } from '../context.js';
import { fieldErrors } from '../field-errors.js';

interface Row {
  line: number;
  serialNumber: string;
  outcome: 'recorded' | 'replayed' | 'refused';
  code: string | null;
  message: string | null;
}

const FIELDS = ['serialNumber', 'status', 'logisticsCompany', 'trackingNumbers', 'time'] as const;

/** Delivery confirmation on the disputes page: one order by hand, or many from a CSV file. */
export function DeliverySection() {
  const { me, t } = useApp();
  const [values, setValues] = useState<Record<string, string>>({ status: 'SHIPPED' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string>();
  const [file, setFile] = useState<File>();
  const [busy, setBusy] = useState(false);
  const [rows, setRows] = useState<Row[]>();
  const [fileError, setFileError] = useState<string>();
  if (!can(me, 'merchant.disputes')) return null;
  const set = (name: string) => (e: Event) => setValues({ ...values, [name]: (e.currentTarget as HTMLInputElement).value });
  const one = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setNotice(undefined);
    try {
      // datetime-local is the viewer's wall clock; the gateway gets an instant.
      const time = values.time ? String(new Date(values.time).getTime()) : '';
      const r = await api.post<{ deliveryStatus: string }>(`/m/orders/${encodeURIComponent(values.serialNumber ?? '')}/delivery`, { ...values, time });
      setNotice(t('delivery.done', { status: r.deliveryStatus }));
    } catch (err) {
      setErrors(fieldErrors(err, FIELDS, 'serialNumber'));
    }
  };
  const upload = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setRows(undefined);
    setFileError(undefined);
    try {
      setRows((await api.post<{ rows: Row[] }>('/m/deliveries/batch', { csv: await file.text() })).rows);
    } catch (err) {
      setFileError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const count = (o: Row['outcome']) => rows?.filter((r) => r.outcome === o).length ?? 0;
  return (
    <section aria-labelledby="delivery-title">
      <h2 id="delivery-title">{t('delivery.title')}</h2>
      <p class="muted">{t('delivery.help')}</p>
      <form class="inline-form" onSubmit={one}>
        <Field label={t('orders.serialNumber')} id="dl-serial" error={errors.serialNumber}>
          <input id="dl-serial" required value={values.serialNumber ?? ''} onInput={set('serialNumber')} />
        </Field>
        <Field label={t('delivery.status')} id="dl-status" error={errors.status}>
          <select id="dl-status" value={values.status} onChange={set('status')}>
            <option value="SHIPPED">SHIPPED</option>
            <option value="DELIVERED">DELIVERED</option>
          </select>
        </Field>
        <Field label={t('disputes.logisticsCompany')} id="dl-company" error={errors.logisticsCompany}>
          <input id="dl-company" required value={values.logisticsCompany ?? ''} onInput={set('logisticsCompany')} />
        </Field>
        <Field label={t('disputes.trackingNumbers')} id="dl-tracking" error={errors.trackingNumbers}>
          <input id="dl-tracking" required value={values.trackingNumbers ?? ''} onInput={set('trackingNumbers')} />
        </Field>
        <Field label={t('delivery.time')} id="dl-time" error={errors.time}>
          <input id="dl-time" type="datetime-local" required value={values.time ?? ''} onInput={set('time')} />
        </Field>
        <button type="submit">{t('delivery.submit')}</button>
        {notice ? (
          <p class="notice" role="status" data-testid="delivery-result">
            {notice}
          </p>
        ) : null}
      </form>
      <form class="inline-form" onSubmit={upload}>
        <Field label={t('delivery.file')} id="dl-file" error={fileError}>
          <input id="dl-file" type="file" accept=".csv,text/csv" required onChange={(e) => setFile(e.currentTarget.files?.[0])} />
        </Field>
        <button type="submit" disabled={busy || !file}>
          {t('delivery.upload')}
        </button>
        {busy ? <progress aria-label={t('common.loading')} /> : null}
      </form>
      {rows ? (
        <>
          <p role="status" data-testid="delivery-summary">
            {t('delivery.summary', { recorded: count('recorded'), replayed: count('replayed'), refused: count('refused') })}
          </p>
          <DataTable headings={[t('batch.line'), t('orders.serialNumber'), t('batch.outcome')]}>
            {rows.map((r) => (
              <tr key={r.line} data-outcome={r.outcome}>
                <td>{r.line}</td>
                <td>{r.serialNumber}</td>
                <td>{r.outcome === 'refused' ? `${r.code}: ${r.message}` : r.outcome}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
    </section>
  );
}
