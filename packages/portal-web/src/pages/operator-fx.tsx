import { useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, Field, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { Section, State, useSubmit } from './operator-kit.js';

interface FxOrderRow {
  serialNumber: string;
  merchantId: string;
  requestId: string;
  orderAmount: string;
  orderCurrency: string;
  fxCurrency: string;
  forUse: string;
  fileName: string | null;
  proofPresent: boolean;
  reviewStatus: string | null;
  reviewRemark: string | null;
  purchaseStatus: string;
  payer: Record<string, string>;
  updatedAtMs: number;
}

/** One order of the review queue: the proof to open, a remark, approve or refuse. */
function ReviewRow({ order, onDone }: { order: FxOrderRow; onDone: (text: string) => void }) {
  const { me, t, locale } = useApp();
  const [remark, setRemark] = useState('');
  const form = useSubmit();
  const id = `fx-remark-${order.serialNumber}`;
  const decide = (decision: 'SUCCESS' | 'REFUSE') =>
    void form.run(async () => {
      const r = await api.post<{ order: FxOrderRow }>(`/o/fx/orders/${encodeURIComponent(order.serialNumber)}/review`, { decision, remark });
      onDone(t('opfx.decided', { id: order.requestId, review: r.order.reviewStatus ?? '', purchase: r.order.purchaseStatus }));
    });
  return (
    <tr data-serial-number={order.serialNumber} data-review={order.reviewStatus ?? ''}>
      <td>
        {order.requestId}
        <br />
        <span class="muted">{order.merchantId}</span>
      </td>
      <td class="num">{`${order.orderAmount} ${order.orderCurrency}`}</td>
      <td>
        {order.forUse} → {order.fxCurrency}
        <br />
        <span class="muted">{order.payer.name ?? ''}</span>
      </td>
      <td>
        <State value={order.reviewStatus} />
        <br />
        <span class="muted">{formatTime(order.updatedAtMs, locale)}</span>
      </td>
      <td>
        {order.proofPresent ? (
          <a href={`/portal/api/o/fx/orders/${encodeURIComponent(order.serialNumber)}/proof`} target="_blank" rel="noopener">
            {t('opfx.viewProof', { file: order.fileName ?? '' })}
          </a>
        ) : (
          <span class="muted">{t('opfx.noProof', { file: order.fileName ?? '—' })}</span>
        )}
      </td>
      <td>
        {can(me, 'operator.fx') ? (
          <div class="review">
            <Field label={t('opfx.remark')} id={id} error={form.error('remark') ?? form.formError}>
              <input id={id} value={remark} onInput={(e) => setRemark(e.currentTarget.value)} />
            </Field>
            <div class="row-actions">
              <button type="button" disabled={form.busy || !order.proofPresent} onClick={() => decide('SUCCESS')}>
                {t('opfx.approve')}
              </button>
              <button type="button" class="secondary" disabled={form.busy} onClick={() => decide('REFUSE')}>
                {t('opfx.refuse')}
              </button>
            </div>
          </div>
        ) : null}
      </td>
    </tr>
  );
}

export function OperatorFxPage() {
  const { t, locale } = useApp();
  const [notice, setNotice] = useState<string>();
  const queue = useLoad(() => api.get<{ orders: FxOrderRow[] }>('/o/fx/orders?review=UPLOADED,INIT'), []);
  const rates = useLoad(
    () => api.get<{ rates: { pair: string; bid: string; ask: string; mid: string; asOfMs: number; source: string }[]; history: { pair: string; side: string; marketRate: string; source: string; asOfMs: number; uses: number; lastUsedAtMs: number }[] }>('/o/fx/rates'),
    [],
  );
  const locks = useLoad(() => api.get<{ locks: { quoteId: string; merchantId: string; requestId: string | null; pair: string; rate: string; markupBps: number; expiresAtMs: number }[] }>('/o/fx/locks'), []);
  return (
    <>
      <h1>{t('opfx.title')}</h1>
      {notice ? (
        <p class="notice" role="status" data-testid="fx-notice">
          {notice}
        </p>
      ) : null}
      <Section title={t('opfx.queue')}>
        <ErrorLine error={queue.error} />
        {!queue.data ? (
          <Loading />
        ) : queue.data.orders.length === 0 ? (
          <p class="muted">{t('opfx.queueEmpty')}</p>
        ) : (
          <DataTable headings={[t('orders.requestId'), t('orders.amount'), t('opfx.purpose'), t('opfx.review'), t('opfx.proof'), '']}>
            {queue.data.orders.map((o) => (
              <ReviewRow
                key={o.serialNumber}
                order={o}
                onDone={(text) => {
                  setNotice(text);
                  queue.reload();
                }}
              />
            ))}
          </DataTable>
        )}
      </Section>
      <Section title={t('opfx.rates')}>
        <ErrorLine error={rates.error} />
        {!rates.data ? (
          <Loading />
        ) : (
          <DataTable headings={[t('opfx.pair'), t('opfx.bid'), t('opfx.ask'), t('opfx.mid'), t('opfx.asOf'), t('opfx.source')]}>
            {rates.data.rates.map((r) => (
              <tr key={r.pair}>
                <td>{r.pair}</td>
                <td class="num">{r.bid}</td>
                <td class="num">{r.ask}</td>
                <td class="num">{r.mid}</td>
                <td>{formatTime(r.asOfMs, locale)}</td>
                <td>{r.source}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
      <Section title={t('opfx.locks')}>
        <ErrorLine error={locks.error} />
        {!locks.data ? (
          <Loading />
        ) : locks.data.locks.length === 0 ? (
          <p class="muted">{t('order.none')}</p>
        ) : (
          <DataTable headings={[t('orders.merchant'), t('orders.requestId'), t('opfx.pair'), t('opfx.rate'), t('opfx.expires')]}>
            {locks.data.locks.map((l) => (
              <tr key={l.quoteId}>
                <td>{l.merchantId}</td>
                <td>{l.requestId ?? '—'}</td>
                <td>{l.pair}</td>
                <td class="num">{l.rate}</td>
                <td>{formatTime(l.expiresAtMs, locale)}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
      <Section title={t('opfx.history')}>
        <p class="muted">{t('opfx.historyHelp')}</p>
        {!rates.data ? null : (
          <DataTable headings={[t('opfx.pair'), t('opfx.side'), t('opfx.rate'), t('opfx.asOf'), t('opfx.source'), t('opfx.uses')]}>
            {rates.data.history.map((h, i) => (
              <tr key={i}>
                <td>{h.pair}</td>
                <td>{h.side}</td>
                <td class="num">{h.marketRate}</td>
                <td>{formatTime(h.asOfMs, locale)}</td>
                <td>{h.source}</td>
                <td class="num">{h.uses}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>
    </>
  );
}
