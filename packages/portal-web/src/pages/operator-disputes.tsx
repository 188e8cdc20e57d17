import { useState } from 'preact/hooks';
import { api, ApiFailure, can } from '../api.js';
import { amountError, parseAmount } from '../money.js';
import type { MessageKey } from '../i18n/en.js';
import { DataTable, ErrorLine, Field, Link, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { Section, State, useSubmit } from './operator-kit.js';

/**
 * The disputed amount as minor units of the order's currency: the operator
 * types a decimal ("12.50"), which means something only in the currency of
 * the order it disputes, so the order is looked up first (by serial number,
 * then by the merchant's request id). An order not found is left to the
 * gateway, which names it.
 */
async function disputedMinor(merchantId: string, order: string, amount: string, t: (key: MessageKey, params?: Record<string, string | number>) => string): Promise<string> {
  const find = async (field: 'serialNumber' | 'requestId') => (await api.get<{ orders: { currency: string }[] }>(`/o/orders?${new URLSearchParams({ merchantId, [field]: order, limit: '1' })}`)).orders[0];
  const found = (await find('serialNumber')) ?? (await find('requestId'));
  if (!found) return amount;
  const parsed = parseAmount(amount, found.currency);
  if (!parsed.ok) throw new ApiFailure({ status: 400, code: 'FIELD_INVALID', message: amountError(parsed.reason, found.currency, t), field: 'amountMinor' });
  return parsed.minor;
}

interface Case {
  disputeId: string;
  orderId: string;
  merchantId: string;
  stage: string;
  status: string;
  reasonCode: string;
  amount: string;
  currency: string;
  acquirerReference: string | null;
  openedAt: string;
  respondBy: string;
  closedAt: string | null;
}

const OPEN_STATUSES = ['OPEN', 'EVIDENCE_SUBMITTED'];

/** Decide one case: won or lost (the outcomes an acquirer's file reports), with a note. */
function DecideCell({ c, onDone }: { c: Case; onDone: (text: string) => void }) {
  const { t } = useApp();
  const [note, setNote] = useState('');
  const form = useSubmit();
  const id = `dc-note-${c.disputeId}`;
  const decide = (outcome: 'WON' | 'LOST') =>
    void form.run(async () => {
      const r = await api.post<{ dispute: Case }>(`/o/disputes/${encodeURIComponent(c.disputeId)}/decide`, { outcome, note });
      onDone(t('opd.decided', { id: c.disputeId, status: r.dispute.status }));
    });
  return (
    <div class="review">
      <Field label={t('opd.note')} id={id} error={form.formError}>
        <input id={id} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <div class="row-actions">
        <button type="button" disabled={form.busy} onClick={() => decide('WON')}>
          {t('opd.won')}
        </button>
        <button type="button" class="secondary" disabled={form.busy} onClick={() => decide('LOST')}>
          {t('opd.lost')}
        </button>
      </div>
    </div>
  );
}

interface FileRow {
  line: number;
  order: string;
  acquirerReference: string;
  outcome: string;
  disputeId: string | null;
  status: string | null;
  code: string | null;
  message: string | null;
}

/** An acquirer's file of cases: one row each, a result per row; uploading it again opens nothing twice. */
function DisputeFileForm({ onDone }: { onDone: () => void }) {
  const { t } = useApp();
  const [csv, setCsv] = useState('');
  const [rows, setRows] = useState<FileRow[]>();
  const form = useSubmit();
  return (
    <>
      <form
        class="inline-form wide"
        onSubmit={(e) => {
          e.preventDefault();
          void form.run(async () => {
            setRows((await api.post<{ rows: FileRow[] }>('/o/disputes/file', { csv })).rows);
            onDone();
          });
        }}
      >
        <p class="muted">{t('opd.fileHelp')}</p>
        <Field label={t('opd.file')} id="dp-file" error={form.error('csv')}>
          <input id="dp-file" type="file" accept=".csv,text/csv,text/plain" onChange={async (e) => setCsv((await e.currentTarget.files?.[0]?.text()) ?? '')} />
        </Field>
        <ErrorLine error={form.formError} />
        <button type="submit" disabled={form.busy || csv === ''}>
          {form.busy ? t('opd.fileRunning') : t('opd.fileSubmit')}
        </button>
      </form>
      {rows ? (
        <>
          <p data-testid="dispute-file-summary">{t('opd.fileSummary', { recorded: rows.filter((r) => r.outcome === 'recorded').length, refused: rows.filter((r) => r.outcome === 'refused').length })}</p>
          <DataTable headings={[t('batch.line'), t('opd.order'), t('opd.reference'), t('batch.outcome'), t('opd.case')]}>
            {rows.map((r) => (
              <tr key={r.line} data-outcome={r.outcome}>
                <td class="num">{r.line}</td>
                <td class="id">{r.order}</td>
                <td>{r.acquirerReference}</td>
                <td>{r.outcome === 'recorded' ? r.status : `${r.code}: ${r.message}`}</td>
                <td class="id">{r.disputeId ?? '—'}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
    </>
  );
}

export function OperatorDisputesPage() {
  const { me, t, locale } = useApp();
  const { data, error, reload } = useLoad(() => api.get<{ disputes: Case[] }>('/o/disputes'), []);
  const [merchantId, setMerchantId] = useState('');
  const [order, setOrder] = useState('');
  const [stage, setStage] = useState('CHARGEBACK');
  const [reasonCode, setReasonCode] = useState('');
  const [reference, setReference] = useState('');
  const [amount, setAmount] = useState('');
  const [days, setDays] = useState('');
  const [notice, setNotice] = useState<string>();
  const form = useSubmit();
  const manage = can(me, 'operator.disputes');
  const date = (iso: string | null) => (iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(new Date(iso)) : '—');
  return (
    <>
      <h1>{t('opd.title')}</h1>
      {notice ? (
        <p class="notice" role="status" data-testid="disputes-notice">
          {notice}
        </p>
      ) : null}
      {manage ? (
        <Section title={t('opd.open')}>
          <p class="muted">{t('opd.openHelp')}</p>
          <form
            class="inline-form wide"
            onSubmit={(e) => {
              e.preventDefault();
              void form.run(async () => {
                const amountMinor = amount.trim() === '' ? '' : await disputedMinor(merchantId, order, amount, t);
                const r = await api.post<{ dispute: Case }>('/o/disputes', { merchantId, order, stage, reasonCode, acquirerReference: reference, amountMinor, respondByDays: days });
                setNotice(t('opd.opened', { id: r.dispute.disputeId }));
                setOrder('');
                setReference('');
                reload();
              });
            }}
          >
            <Field label={t('orders.merchant')} id="dp-merchant" error={form.error('merchantId')}>
              <input id="dp-merchant" inputMode="numeric" required value={merchantId} onInput={(e) => setMerchantId(e.currentTarget.value)} />
            </Field>
            <Field label={t('opd.order')} id="dp-order" error={form.error('order')}>
              <input id="dp-order" required value={order} onInput={(e) => setOrder(e.currentTarget.value)} />
            </Field>
            <Field label={t('opd.stage')} id="dp-stage" error={form.error('stage')}>
              <select id="dp-stage" value={stage} onChange={(e) => setStage(e.currentTarget.value)}>
                <option value="CHARGEBACK">{t('opd.chargeback')}</option>
                <option value="RETRIEVAL">{t('opd.retrieval')}</option>
              </select>
            </Field>
            <Field label={t('opd.reason')} id="dp-reason" error={form.error('reasonCode')}>
              <input id="dp-reason" value={reasonCode} onInput={(e) => setReasonCode(e.currentTarget.value)} />
            </Field>
            <Field label={t('opd.reference')} id="dp-ref" error={form.error('acquirerReference')}>
              <input id="dp-ref" value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
            </Field>
            <Field label={t('opd.amount')} id="dp-amount" error={form.error('amountMinor')}>
              <input id="dp-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
            </Field>
            <Field label={t('opd.days')} id="dp-days" error={form.error('respondByDays')}>
              <input id="dp-days" inputMode="numeric" value={days} onInput={(e) => setDays(e.currentTarget.value)} />
            </Field>
            <ErrorLine error={form.formError} />
            <button type="submit" disabled={form.busy}>
              {t('opd.openButton')}
            </button>
          </form>
        </Section>
      ) : null}
      {manage ? (
        <Section title={t('opd.fileTitle')}>
          <DisputeFileForm onDone={reload} />
        </Section>
      ) : null}
      <Section title={t('opd.list')}>
        <ErrorLine error={error} />
        {!data ? (
          <Loading />
        ) : data.disputes.length === 0 ? (
          <p class="muted">{t('order.none')}</p>
        ) : (
          <DataTable headings={[t('opd.case'), t('orders.serialNumber'), t('opd.stage'), t('orders.status'), t('orders.amount'), t('opd.respondBy'), '']}>
            {data.disputes.map((c) => (
              <tr key={c.disputeId} data-dispute-id={c.disputeId} data-status={c.status}>
                <td class="id">
                  {c.disputeId}
                  <br />
                  <span class="muted">
                    {c.merchantId} · {c.reasonCode}
                  </span>
                </td>
                <td class="id">
                  <Link href={`/orders/${c.orderId}`}>{c.orderId}</Link>
                </td>
                <td>{c.stage}</td>
                <td>
                  <State value={c.status} />
                </td>
                <td class="num">{`${c.amount} ${c.currency}`}</td>
                <td>{c.closedAt ? date(c.closedAt) : date(c.respondBy)}</td>
                <td>
                  {manage && OPEN_STATUSES.includes(c.status) ? (
                    <DecideCell
                      c={c}
                      onDone={(text) => {
                        setNotice(text);
                        reload();
                      }}
                    />
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
    </>
  );
}
