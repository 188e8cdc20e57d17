import { useEffect, useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, errorText, Field, Link, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { base64Of, fieldErrors } from '../field-errors.js';
import { formatTime, newRequestId } from '../format.js';
import { DeliverySection } from './deliveries.js';

interface Dispute {
  disputeId: string;
  orderId: string;
  orderRequestId: string | null;
  stage: string;
  status: string;
  reasonCode: string;
  reasonText: string | null;
  amount: string;
  currency: string;
  openedAtMs: number;
  respondByMs: number;
  closedAtMs: number | null;
}

interface Evidence {
  evidenceId: string;
  stage: string;
  requestId: string | null;
  details: Record<string, unknown>;
  attachments: { name: string; contentType: string; sizeBytes: number; sha256: string }[];
  submittedAtMs: number;
}

interface HistoryEvent {
  actor: { kind: string; name?: string };
  toStage: string;
  toStatus: string;
  note: string | null;
  atMs: number;
}

/** The gateway's clock as the viewer's browser follows it: the offset is measured once per answer. */
function useGatewayNow(serverNowMs: number | undefined): number {
  const [now, setNow] = useState(Date.now());
  const [offsetMs, setOffsetMs] = useState(0);
  useEffect(() => {
    if (serverNowMs !== undefined) setOffsetMs(serverNowMs - Date.now());
  }, [serverNowMs]);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now + offsetMs;
}

function Countdown({ d, nowMs }: { d: Dispute; nowMs: number }) {
  const { t } = useApp();
  if (d.status !== 'OPEN') return <span class="muted">{d.closedAtMs !== null ? t('disputes.closed') : t('disputes.answered')}</span>;
  const leftMs = d.respondByMs - nowMs;
  if (leftMs <= 0) return <span class="state state-FAILED">{t('disputes.overdue')}</span>;
  const minutes = Math.floor(leftMs / 60_000);
  const urgent = leftMs < 2 * 86_400_000;
  return (
    <span class={urgent ? 'state state-FAILED' : 'state state-pending'} data-testid="countdown">
      {t('disputes.left', { days: Math.floor(minutes / 1440), hours: Math.floor((minutes % 1440) / 60), minutes: minutes % 60 })}
    </span>
  );
}

export function DisputesPage() {
  const { t, locale } = useApp();
  const [status, setStatus] = useState('');
  const { data, error } = useLoad(() => api.get<{ nowMs: number; disputes: Dispute[] }>(`/m/disputes${status ? `?status=${status}` : ''}`), [status]);
  const nowMs = useGatewayNow(data?.nowMs);
  return (
    <>
      <h1>{t('disputes.title')}</h1>
      <p class="muted">{t('disputes.help')}</p>
      <div class="chart-controls">
        <Field label={t('disputes.status')} id="dispute-status-filter">
          <select id="dispute-status-filter" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            <option value="">{t('orders.any')}</option>
            {DISPUTE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : data.disputes.length === 0 ? (
        <p class="muted">{t('disputes.none')}</p>
      ) : (
        <DataTable headings={[t('orders.requestId'), t('disputes.stage'), t('disputes.status'), t('orders.amount'), t('disputes.reason'), t('disputes.deadline'), '']}>
          {data.disputes.map((d) => (
            <tr key={d.disputeId} data-dispute={d.disputeId} data-stage={d.stage} data-status={d.status}>
              <td>{d.orderRequestId ?? d.orderId}</td>
              <td>{d.stage}</td>
              <td class={`state state-${d.status}`}>{d.status}</td>
              <td class="num">
                {d.amount} {d.currency}
              </td>
              <td>{d.reasonText ?? d.reasonCode}</td>
              <td>
                {formatTime(d.respondByMs, locale)}
                <br />
                <Countdown d={d} nowMs={nowMs} />
              </td>
              <td>
                <Link href={`/disputes/${encodeURIComponent(d.disputeId)}`}>{t('disputes.open')}</Link>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <DeliverySection />
    </>
  );
}

const DISPUTE_STATUSES = ['OPEN', 'EVIDENCE_SUBMITTED', 'WON', 'LOST', 'ACCEPTED', 'REVERSED', 'EXPIRED'] as const;

const BACKFILL_FIELDS = ['customerName', 'customerEmail', 'customerPhone', 'productDescription', 'statement', 'logisticsCompany', 'trackingNumbers', 'deliveryDate', 'attachments'] as const;

function BackfillForm({ disputeId, onDone }: { disputeId: string; onDone: () => void }) {
  const { t } = useApp();
  const [values, setValues] = useState<Record<string, string>>({});
  const [files, setFiles] = useState<File[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string>();
  // One number per form: sending twice answers the same, never a second answer.
  const [requestId] = useState(newRequestId());
  const set = (name: string) => (e: Event) => setValues({ ...values, [name]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const attachments = await Promise.all(files.map(async (f) => ({ name: f.name, contentType: f.type, contentBase64: await base64Of(f) })));
      const tracking = (values.trackingNumbers ?? '').split(/[\s,;]+/).filter((n) => n !== '');
      const body: Record<string, unknown> = { requestId, attachments };
      for (const name of BACKFILL_FIELDS) if (values[name]) body[name] = values[name];
      if (tracking.length > 0) body.trackingNumbers = tracking;
      const r = await api.post<{ dispute: { status: string } }>(`/m/disputes/${encodeURIComponent(disputeId)}/evidence`, body);
      setNotice(t('disputes.sent', { status: r.dispute.status }));
      onDone();
    } catch (err) {
      setErrors(fieldErrors(err, BACKFILL_FIELDS, 'statement'));
    } finally {
      setBusy(false);
    }
  };
  const input = (name: (typeof BACKFILL_FIELDS)[number], type = 'text', required = false) => (
    <Field label={t(`disputes.${name}` as 'disputes.customerName')} id={`bf-${name}`} error={errors[name]}>
      <input id={`bf-${name}`} type={type} required={required} value={values[name] ?? ''} onInput={set(name)} />
    </Field>
  );
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="bf-title">
      <h2 id="bf-title">{t('disputes.backfill')}</h2>
      {input('customerName', 'text', true)}
      {input('customerEmail', 'email', true)}
      {input('customerPhone', 'tel')}
      {input('productDescription', 'text', true)}
      <Field label={t('disputes.statement')} id="bf-statement" error={errors.statement}>
        <textarea id="bf-statement" required rows={4} value={values.statement ?? ''} onInput={set('statement')} />
      </Field>
      {input('logisticsCompany')}
      {input('trackingNumbers')}
      {input('deliveryDate', 'date')}
      <Field label={t('disputes.files')} id="bf-attachments" error={errors.attachments}>
        <input id="bf-attachments" type="file" multiple accept="application/pdf,image/png,image/jpeg" onChange={(e) => setFiles(Array.from(e.currentTarget.files ?? []))} />
      </Field>
      <button type="submit" disabled={busy}>
        {t('disputes.send')}
      </button>
      {busy ? <progress aria-label={t('common.loading')} /> : null}
      {notice ? (
        <p class="notice" role="status" data-testid="backfill-result">
          {notice}
        </p>
      ) : null}
    </form>
  );
}

function AcceptForm({ disputeId, onDone }: { disputeId: string; onDone: () => void }) {
  const { t } = useApp();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!confirm(t('disputes.acceptConfirm'))) return;
    setError(undefined);
    try {
      await api.post(`/m/disputes/${encodeURIComponent(disputeId)}/accept`, { note });
      onDone();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form class="inline-form" onSubmit={submit}>
      <Field label={t('disputes.acceptReason')} id="accept-note" error={error}>
        <input id="accept-note" required maxLength={255} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <button type="submit" class="secondary">
        {t('disputes.accept')}
      </button>
    </form>
  );
}

export function DisputeDetailPage({ disputeId }: { disputeId: string }) {
  const { me, t, locale } = useApp();
  const { data, error, reload } = useLoad(
    () => api.get<{ nowMs: number; dispute: Dispute; history: HistoryEvent[]; evidence: Evidence[] }>(`/m/disputes/${encodeURIComponent(disputeId)}`),
    [disputeId],
  );
  const nowMs = useGatewayNow(data?.nowMs);
  if (error) return <ErrorLine error={error} />;
  if (!data) return <Loading />;
  const d = data.dispute;
  const answerable = can(me, 'merchant.disputes') && d.status === 'OPEN' && d.respondByMs > nowMs;
  return (
    <>
      <p>
        <Link href="/disputes">{t('disputes.back')}</Link>
      </p>
      <h1>{t('disputes.case', { id: d.disputeId })}</h1>
      <dl class="facts">
        <dt>{t('orders.requestId')}</dt>
        <dd>
          <Link href={`/orders/${encodeURIComponent(d.orderId)}`}>{d.orderRequestId ?? d.orderId}</Link>
        </dd>
        <dt>{t('disputes.stage')}</dt>
        <dd>{d.stage}</dd>
        <dt>{t('disputes.status')}</dt>
        <dd class={`state state-${d.status}`} data-testid="dispute-status">
          {d.status}
        </dd>
        <dt>{t('orders.amount')}</dt>
        <dd>
          {d.amount} {d.currency}
        </dd>
        <dt>{t('disputes.reason')}</dt>
        <dd>
          {d.reasonCode} {d.reasonText ?? ''}
        </dd>
        <dt>{t('disputes.deadline')}</dt>
        <dd>
          {formatTime(d.respondByMs, locale)} <Countdown d={d} nowMs={nowMs} />
        </dd>
      </dl>
      <h2>{t('disputes.history')}</h2>
      <ol class="timeline">
        {data.history.map((h, i) => (
          <li key={i}>
            {formatTime(h.atMs, locale)} — {h.toStage}/{h.toStatus} ({h.actor.kind}){h.note ? `: ${h.note}` : ''}
          </li>
        ))}
      </ol>
      {data.evidence.length > 0 ? (
        <>
          <h2>{t('disputes.evidence')}</h2>
          {data.evidence.map((e) => (
            <dl key={e.evidenceId} class="facts" data-testid="evidence">
              <dt>{t('orders.created')}</dt>
              <dd>{formatTime(e.submittedAtMs, locale)}</dd>
              <dt>{t('disputes.statement')}</dt>
              <dd>{String(e.details.statement ?? '')}</dd>
              <dt>{t('disputes.attachments')}</dt>
              <dd>
                {e.attachments.map((a) => (
                  <a key={a.sha256} href={`/portal/api/m/disputes/${encodeURIComponent(d.disputeId)}/attachments/${a.sha256}`} download={a.name}>
                    {a.name} ({Math.ceil(a.sizeBytes / 1024)} KB){' '}
                  </a>
                ))}
              </dd>
            </dl>
          ))}
        </>
      ) : null}
      {answerable ? <BackfillForm disputeId={d.disputeId} onDone={reload} /> : null}
      {answerable && d.stage !== 'RETRIEVAL' ? <AcceptForm disputeId={d.disputeId} onDone={reload} /> : null}
    </>
  );
}
