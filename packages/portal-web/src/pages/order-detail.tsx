import { useState } from 'preact/hooks';
import { api, can, prefixOf } from '../api.js';
import { ErrorLine, errorText, Field, Link, Loading, useLoad, DataTable } from '../components.js';
import { useApp } from '../context.js';
import { formatTime, newRequestId } from '../format.js';
import { amountError, parseAmount, showMinor } from '../money.js';
import { stateName, timelineReason } from '../timeline.js';

interface Detail {
  order: { orderId: string; merchantId: string; requestId: string; state: string; amount: string; currency: string; refundedMinor: string; refundable: string; cardBrand: string | null; cardLast4: string | null; declineCode: string | null; createdAtMs: number; completedAtMs: number | null; notifyUrl: string };
  timeline: { from: string | null; to: string; reason: string; atMs: number }[];
  postings: { journalKind: string; account: string; direction: string; amount: string; currency: string; atMs: number }[];
  refunds: { refundId: string; requestId: string; state: string; amount: string; currency: string; failureCode: string | null; createdAtMs: number }[];
  notifications: { notificationId: string; url: string; state: string; attemptCount: number; createdAtMs: number; attempts: { attemptNo: number; startedAtMs: number; latencyMs: number; httpStatus: number | null; responseExcerpt: string; error: string | null; delivered: boolean }[] }[];
}

export function OrderDetailPage({ orderId }: { orderId: string }) {
  const { me, t, locale } = useApp();
  const prefix = prefixOf(me);
  const { data, error, reload } = useLoad(() => api.get<Detail>(`${prefix}/orders/${encodeURIComponent(orderId)}`), [orderId]);
  const [notice, setNotice] = useState<string>();
  const resendAllowed = can(me, prefix === '/m' ? 'merchant.resend' : 'operator.resend');
  const resend = async (id: string) => {
    try {
      await api.post(`${prefix}/notifications/${encodeURIComponent(id)}/resend`);
      setNotice(t('order.resent'));
      reload();
    } catch (e) {
      setNotice(errorText(e));
    }
  };
  if (error) return <ErrorLine error={error} />;
  if (!data) return <Loading />;
  const o = data.order;
  return (
    <>
      <p>
        <Link href="/orders">{t('order.back')}</Link>
      </p>
      <h1>{t('order.title', { id: o.requestId })}</h1>
      <dl class="facts">
        <dt>{t('orders.serialNumber')}</dt>
        <dd>{o.orderId}</dd>
        <dt>{t('orders.status')}</dt>
        <dd>
          <span class={`state state-${o.state}`} data-testid="order-state">
            {o.state}
          </span>
          {o.declineCode ? ` (${o.declineCode})` : ''}
        </dd>
        <dt>{t('orders.amount')}</dt>
        <dd>
          {o.amount} {o.currency}
        </dd>
        <dt>{t('order.refunded')}</dt>
        <dd data-testid="refunded">{showMinor(o.refundedMinor, o.currency)}</dd>
        <dt>{t('orders.card')}</dt>
        <dd>{o.cardLast4 ? `${o.cardBrand ?? ''} •••• ${o.cardLast4}` : '—'}</dd>
        <dt>{t('orders.created')}</dt>
        <dd>{formatTime(o.createdAtMs, locale)}</dd>
      </dl>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      {prefix === '/m' && can(me, 'merchant.refund') && o.state === 'SUCCESS' && o.refundable !== '0' ? <RefundForm orderId={o.orderId} currency={o.currency} onDone={reload} /> : null}

      <h2>{t('order.timeline')}</h2>
      <ol class="timeline">
        {data.timeline.map((e, i) => {
          const why = timelineReason(e.reason, o.currency, t);
          return (
            <li key={i} data-state={e.to}>
              <time dateTime={new Date(e.atMs).toISOString()}>{formatTime(e.atMs, locale)}</time> {e.from && e.from !== e.to ? `${stateName(e.from, t)} → ` : ''}
              <strong>{stateName(e.to, t)}</strong>{' '}
              {/* A reason this page cannot translate is the gateway's English: marked so, it is read as English. */}
              <span class="muted" lang={why.untranslated && locale !== 'en' ? 'en' : undefined}>
                {why.text}
              </span>
            </li>
          );
        })}
      </ol>

      <h2>{t('order.ledger')}</h2>
      {data.postings.length === 0 ? (
        <p>{t('order.none')}</p>
      ) : (
        <DataTable headings={[t('order.kind'), t('order.account'), t('order.direction'), t('orders.amount'), t('order.at')]}>
              {data.postings.map((p, i) => (
                <tr key={i}>
                  <td>{p.journalKind}</td>
                  <td>{p.account}</td>
                  <td>{p.direction}</td>
                  <td class="num">
                    {p.amount} {p.currency}
                  </td>
                  <td>{formatTime(p.atMs, locale)}</td>
                </tr>
              ))}
        </DataTable>
      )}

      <h2>{t('order.refunds')}</h2>
      {data.refunds.length === 0 ? (
        <p>{t('order.none')}</p>
      ) : (
        <ul data-testid="refunds">
          {data.refunds.map((r) => (
            <li key={r.refundId}>
              {formatTime(r.createdAtMs, locale)} — {r.requestId}: {r.amount} {r.currency} <span class={`state state-${r.state}`}>{r.state}</span>
              {r.failureCode ? ` (${r.failureCode})` : ''}
            </li>
          ))}
        </ul>
      )}

      <h2>{t('order.notifications')}</h2>
      {data.notifications.length === 0 ? <p>{t('order.none')}</p> : null}
      {data.notifications.map((n) => (
        <section class="notification" key={n.notificationId}>
          <p>
            <span class={`state state-${n.state}`}>{n.state}</span> {n.url} — {formatTime(n.createdAtMs, locale)}{' '}
            {resendAllowed ? (
              <button type="button" class="secondary" onClick={() => void resend(n.notificationId)}>
                {t('order.resend')}
              </button>
            ) : null}
          </p>
          {n.attempts.length > 0 ? (
            <DataTable headings={[t('order.attempt'), t('order.at'), t('order.httpStatus'), t('order.latency'), t('order.answer')]}>
                  {n.attempts.map((a) => (
                    <tr key={a.attemptNo}>
                      <td>{a.attemptNo}</td>
                      <td>{formatTime(a.startedAtMs, locale)}</td>
                      <td>{a.httpStatus ?? a.error ?? ''}</td>
                      <td class="num">{a.latencyMs}</td>
                      <td>
                        <code>{a.responseExcerpt}</code>
                      </td>
                    </tr>
                  ))}
            </DataTable>
          ) : null}
        </section>
      ))}
    </>
  );
}

function RefundForm({ orderId, currency, onDone }: { orderId: string; currency: string; onDone: () => void }) {
  const { t } = useApp();
  const [amount, setAmount] = useState('');
  const [remark, setRemark] = useState('');
  // One number per form: a second click replays the same refund instead of making another.
  const [requestId, setRequestId] = useState(newRequestId());
  const [error, setError] = useState<string>();
  const [result, setResult] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    // An amount the currency cannot carry is refused here, before anything is asked of the gateway.
    const parsed = amount.trim() === '' ? undefined : parseAmount(amount, currency);
    if (parsed && !parsed.ok) {
      setError(amountError(parsed.reason, currency, t));
      return;
    }
    if (!confirm(t('refund.confirm'))) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ kind: string; refund?: { state: string; amount: string; currency: string }; approval?: { estimated: string; currency: string } }>(`/m/orders/${encodeURIComponent(orderId)}/refunds`, {
        requestId,
        ...(parsed ? { amountMinor: parsed.minor } : {}),
        ...(remark ? { remark } : {}),
      });
      // Above the merchant's approval threshold the refund waits for a second user.
      if (r.approval) setResult(t('refund.pending', { amount: r.approval.estimated, currency: r.approval.currency }));
      else if (r.refund) setResult(t('refund.done', { state: r.refund.state, amount: r.refund.amount, currency: r.refund.currency }));
      setRequestId(newRequestId());
      setAmount('');
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="refund" onSubmit={submit}>
      <h2>{t('refund.title')}</h2>
      <Field label={t('refund.amount', { currency })} id="refund-amount" error={error}>
        <input id="refund-amount" name="amount" inputMode="decimal" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'refund-amount-error' : undefined} value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
      </Field>
      <Field label={t('refund.remark')} id="refund-remark">
        <input id="refund-remark" name="remark" maxLength={256} value={remark} onInput={(e) => setRemark(e.currentTarget.value)} />
      </Field>
      <button type="submit" disabled={busy}>
        {t('refund.submit')}
      </button>
      {result ? (
        <p role="status" class="notice" data-testid="refund-result">
          {result}
        </p>
      ) : null}
    </form>
  );
}
