import { useState } from 'preact/hooks';
import { api, can, prefixOf } from '../api.js';
import { ErrorLine, Field, Link, Loading, useLoad, TableScroll } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { amountError, parseAmount } from '../money.js';

export interface OrderRow {
  orderId: string;
  merchantId: string;
  requestId: string;
  state: string;
  amount: string;
  currency: string;
  cardLast4: string | null;
  createdAtMs: number;
}

const STATES = ['INIT', 'PROCESSING', 'CHALLENGE', 'UNKNOWN', 'SUCCESS', 'FAILED', 'CANCEL'];
const CURRENCIES = ['CNY', 'USD', 'JPY', 'EUR', 'CHF', 'GBP', 'CAD', 'AUD', 'HKD'];

type Filter = Record<'requestId' | 'serialNumber' | 'from' | 'to' | 'status' | 'currency' | 'amount' | 'cardLast4' | 'merchantId', string>;
const EMPTY: Filter = { requestId: '', serialNumber: '', from: '', to: '', status: '', currency: '', amount: '', cardLast4: '', merchantId: '' };

/** The filter as query parameters; dates from the viewer's local time to milliseconds. */
function queryOf(f: Filter): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (!v) continue;
    if (k === 'from' || k === 'to') q.set(k, String(new Date(v).getTime()));
    else if (k === 'amount') {
      // The filter was checked on submit: a typed decimal becomes the API's minor units here.
      const parsed = parseAmount(v, f.currency);
      if (parsed.ok) q.set('amountMinor', parsed.minor);
    } else q.set(k, v);
  }
  return q;
}

export function OrdersPage() {
  const { me, t, locale } = useApp();
  const prefix = prefixOf(me);
  const [draft, setDraft] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const [pages, setPages] = useState<string[]>(['']);
  const [amountProblem, setAmountProblem] = useState<string>();
  const cursor = pages[pages.length - 1]!;
  const { data, error } = useLoad(() => {
    const q = queryOf(filter);
    q.set('limit', '25');
    if (cursor) q.set('after', cursor);
    return api.get<{ orders: OrderRow[]; next: string | null }>(`${prefix}/orders?${q}`);
  }, [JSON.stringify(filter), cursor]);

  const input = (name: keyof Filter, type = 'text', extra: Record<string, string> = {}) => (
    <input id={`f-${name}`} name={name} type={type} value={draft[name]} onInput={(e) => setDraft({ ...draft, [name]: e.currentTarget.value })} {...extra} />
  );
  const exportAllowed = prefix === '/o' || can(me, 'merchant.export');
  return (
    <>
      <h1>{t('orders.title')}</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          // An amount means nothing without its currency's exponent; a refused one searches nothing.
          const parsed = draft.amount.trim() === '' ? undefined : parseAmount(draft.amount, draft.currency);
          if (parsed && !parsed.ok) {
            setAmountProblem(amountError(parsed.reason, draft.currency, t));
            return;
          }
          setAmountProblem(undefined);
          setFilter(draft);
          setPages(['']);
        }}
      >
        <Field label={t('orders.requestId')} id="f-requestId">{input('requestId')}</Field>
        <Field label={t('orders.serialNumber')} id="f-serialNumber">{input('serialNumber')}</Field>
        {prefix === '/o' ? <Field label={t('orders.merchant')} id="f-merchantId">{input('merchantId')}</Field> : null}
        <Field label={t('orders.from')} id="f-from">{input('from', 'datetime-local')}</Field>
        <Field label={t('orders.to')} id="f-to">{input('to', 'datetime-local')}</Field>
        <Field label={t('orders.status')} id="f-status">
          <select id="f-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">{t('orders.any')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('orders.currency')} id="f-currency">
          <select id="f-currency" value={draft.currency} onChange={(e) => setDraft({ ...draft, currency: e.currentTarget.value })}>
            <option value="">{t('orders.any')}</option>
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('orders.amountExact')} id="f-amount" error={amountProblem}>
          {input('amount', 'text', { inputMode: 'decimal', ...(amountProblem ? { 'aria-invalid': 'true', 'aria-describedby': 'f-amount-error' } : {}) })}
        </Field>
        <Field label={t('orders.cardLast4')} id="f-cardLast4">{input('cardLast4', 'text', { inputMode: 'numeric', pattern: '[0-9]{4}', maxLength: '4' })}</Field>
        <div class="actions">
          <button type="submit">{t('orders.search')}</button>
          {exportAllowed ? (
            <a class="button secondary" href={`/portal/api${prefix}/orders.csv?${queryOf(filter)}`} download>
              {t('orders.export')}
            </a>
          ) : null}
        </div>
      </form>
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : data.orders.length === 0 ? (
        <p>{t('orders.empty')}</p>
      ) : (
        <TableScroll label={t('orders.title')} headings={[]}>
          <table>
            <thead>
              <tr>
                <th>{t('orders.created')}</th>
                <th>{t('orders.requestId')}</th>
                {prefix === '/o' ? <th>{t('orders.merchant')}</th> : null}
                <th>{t('orders.status')}</th>
                <th>{t('orders.amount')}</th>
                <th>{t('orders.card')}</th>
              </tr>
            </thead>
            <tbody>
              {data.orders.map((o) => (
                <tr key={o.orderId} data-request-id={o.requestId}>
                  <td>{formatTime(o.createdAtMs, locale)}</td>
                  <td>
                    <Link href={`/orders/${o.orderId}`}>{o.requestId}</Link>
                  </td>
                  {prefix === '/o' ? <td>{o.merchantId}</td> : null}
                  <td>
                    <span class={`state state-${o.state}`}>{o.state}</span>
                  </td>
                  <td class="num">
                    {o.amount} {o.currency}
                  </td>
                  <td>{o.cardLast4 ? `•••• ${o.cardLast4}` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {data?.next ? (
        <button type="button" class="secondary" onClick={() => setPages([...pages, data.next!])}>
          {t('orders.more')}
        </button>
      ) : null}
    </>
  );
}
