import { useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, Field, Link, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { State, useSubmit } from './operator-kit.js';

interface Transfer {
  transferId: string;
  bankReference: string;
  postscript: string;
  amount: string;
  currency: string;
  payerName: string | null;
  orderId: string | null;
  outcome: string;
  receivedAtMs: number;
}

/** Ties one unmatched transfer to the order it pays, by the order's serialNumber. */
function MatchCell({ transfer, onDone }: { transfer: Transfer; onDone: (text: string) => void }) {
  const { t } = useApp();
  const [orderId, setOrderId] = useState('');
  const form = useSubmit();
  const id = `rm-order-${transfer.transferId}`;
  return (
    <form
      class="review"
      onSubmit={(e) => {
        e.preventDefault();
        void form.run(async () => {
          const r = await api.post<{ transfer: Transfer }>(`/o/remittances/${encodeURIComponent(transfer.transferId)}/match`, { orderId });
          onDone(t('opremit.matched', { bank: transfer.bankReference, outcome: r.transfer.outcome }));
        });
      }}
    >
      <Field label={t('opremit.order')} id={id} error={form.error('orderId') ?? form.formError}>
        <input id={id} required value={orderId} onInput={(e) => setOrderId(e.currentTarget.value)} />
      </Field>
      <button type="submit" disabled={form.busy}>
        {t('opremit.match')}
      </button>
    </form>
  );
}

export function OperatorRemittancesPage() {
  const { me, t, locale } = useApp();
  const { data, error, reload } = useLoad(() => api.get<{ transfers: Transfer[] }>('/o/remittances'), []);
  const [notice, setNotice] = useState<string>();
  return (
    <>
      <h1>{t('opremit.title')}</h1>
      <p class="muted">{t('opremit.help')}</p>
      {notice ? (
        <p class="notice" role="status" data-testid="remit-notice">
          {notice}
        </p>
      ) : null}
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : data.transfers.length === 0 ? (
        <p class="muted">{t('order.none')}</p>
      ) : (
        <DataTable headings={[t('opremit.bank'), t('opremit.postscript'), t('orders.amount'), t('opremit.payer'), t('opremit.outcome'), t('opremit.received'), '']}>
          {data.transfers.map((x) => (
            <tr key={x.transferId} data-transfer-id={x.transferId} data-outcome={x.outcome}>
              <td>{x.bankReference}</td>
              <td>
                <code>{x.postscript}</code>
              </td>
              <td class="num">{`${x.amount} ${x.currency}`}</td>
              <td>{x.payerName ?? '—'}</td>
              <td class="id">
                <State value={x.outcome} />
                {x.orderId ? (
                  <>
                    <br />
                    <Link href={`/orders/${x.orderId}`}>{x.orderId}</Link>
                  </>
                ) : null}
              </td>
              <td>{formatTime(x.receivedAtMs, locale)}</td>
              <td>
                {x.outcome === 'UNMATCHED' && can(me, 'operator.finance') ? (
                  <MatchCell
                    transfer={x}
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
    </>
  );
}
