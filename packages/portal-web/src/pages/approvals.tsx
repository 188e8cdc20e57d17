import { useEffect, useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, errorText, Field, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { amountError, formatMinor, parseAmount } from '../money.js';
import { approvalBlocked } from '../approvers.js';

interface Policy {
  mode: 'off' | 'above' | 'all';
  thresholdMinor: string | null;
  thresholdCurrency: string | null;
}

interface Approval {
  approvalId: string;
  orderId: string;
  requestId: string;
  estimatedMinor: string;
  estimated: string;
  currency: string;
  remark: string | null;
  requestedByUserId: string;
  requestedByEmail: string;
  state: 'PENDING' | 'APPROVED' | 'REJECTED';
  decidedByEmail: string | null;
  decidedAtMs: number | null;
  decisionNote: string | null;
  refundState: string | null;
  failureCode: string | null;
  createdAtMs: number;
}

/** The stored threshold as a person reads it: a decimal in its currency. */
function shownThreshold(policy: Policy): string {
  return policy.thresholdMinor === null || policy.thresholdCurrency === null ? '' : formatMinor(policy.thresholdMinor, policy.thresholdCurrency);
}

/** Admins edit the policy; finance users see it. */
function PolicyForm({ policy, onSaved }: { policy: Policy; onSaved: () => void }) {
  const { me, t } = useApp();
  const editable = can(me, 'merchant.settings');
  const [mode, setMode] = useState(policy.mode);
  const [threshold, setThreshold] = useState(shownThreshold(policy));
  const [currency, setCurrency] = useState(policy.thresholdCurrency ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<string>();
  useEffect(() => {
    setMode(policy.mode);
    setThreshold(shownThreshold(policy));
    setCurrency(policy.thresholdCurrency ?? '');
  }, [policy]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setErrors({});
    setNotice(undefined);
    const parsed = parseAmount(threshold, currency);
    if (mode === 'above' && !parsed.ok) {
      setErrors(parsed.reason === 'currency' ? { currency: amountError(parsed.reason, currency, t) } : { threshold: amountError(parsed.reason, currency, t) });
      return;
    }
    try {
      await api.post('/m/refund-policy', { mode, ...(mode === 'above' && parsed.ok ? { thresholdMinor: parsed.minor, thresholdCurrency: currency } : {}) });
      setNotice(t('approvals.saved'));
      onSaved();
    } catch (err) {
      const text = errorText(err);
      // The answer names the field; the error goes next to it.
      const field = /thresholdCurrency/.test(text) ? 'currency' : /thresholdMinor|AMOUNT_INVALID/.test(text) ? 'threshold' : 'mode';
      setErrors({ [field]: text });
    }
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="policy-title">
      <h2 id="policy-title">{t('approvals.policy')}</h2>
      <Field label={t('approvals.mode')} id="policy-mode" error={errors.mode}>
        <select id="policy-mode" value={mode} disabled={!editable} onChange={(e) => setMode(e.currentTarget.value as Policy['mode'])}>
          <option value="off">{t('approvals.mode.off')}</option>
          <option value="above">{t('approvals.mode.above')}</option>
          <option value="all">{t('approvals.mode.all')}</option>
        </select>
      </Field>
      {mode === 'above' ? (
        <>
          <Field label={t('approvals.threshold')} id="policy-threshold" error={errors.threshold}>
            <input id="policy-threshold" inputMode="decimal" required disabled={!editable} value={threshold} onInput={(e) => setThreshold(e.currentTarget.value)} />
          </Field>
          <Field label={t('approvals.thresholdCurrency')} id="policy-currency" error={errors.currency}>
            <input id="policy-currency" required maxLength={3} disabled={!editable} value={currency} onInput={(e) => setCurrency(e.currentTarget.value.toUpperCase())} />
          </Field>
        </>
      ) : null}
      {editable ? <button type="submit">{t('approvals.save')}</button> : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
    </form>
  );
}

function Decision({ approval, onDone }: { approval: Approval; onDone: () => void }) {
  const { me, t } = useApp();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (approval.requestedByUserId === me.user.userId) return <span class="muted">{t('approvals.own')}</span>;
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/m/refund-approvals/${encodeURIComponent(approval.approvalId)}/decision`, { decision, ...(note ? { note } : {}) });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const id = `note-${approval.approvalId}`;
  return (
    <div>
      <Field label={t('approvals.note')} id={id} error={error}>
        <input id={id} maxLength={256} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <div class="row-actions">
        <button type="button" disabled={busy} onClick={() => void decide('approve')}>
          {t('approvals.approve')}
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => void decide('reject')}>
          {t('approvals.reject')}
        </button>
      </div>
    </div>
  );
}

/** Maker / checker: the policy, the refunds waiting for a second user, and the recent decisions. */
export function ApprovalsPage() {
  const { me, t, locale } = useApp();
  const policy = useLoad(() => api.get<{ policy: Policy }>('/m/refund-policy'), []);
  // Only admins may list users; they are also who set the policy, so they are who must be told.
  const users = useLoad(() => (can(me, 'merchant.users') ? api.get<{ users: { role: string; status: string; locked: boolean }[] }>('/m/users') : Promise.resolve(undefined)), []);
  const blocked = policy.data && users.data ? approvalBlocked(policy.data.policy.mode, users.data.users) : false;
  const list = useLoad(() => api.get<{ approvals: Approval[] }>('/m/refund-approvals'), []);
  const pending = list.data?.approvals.filter((a) => a.state === 'PENDING') ?? [];
  const decided = list.data?.approvals.filter((a) => a.state !== 'PENDING') ?? [];
  return (
    <>
      <h1>{t('approvals.title')}</h1>
      <p class="muted">{t('approvals.help')}</p>
      <ErrorLine error={policy.error ?? list.error} />
      {blocked ? (
        <p class="notice warning" role="alert" data-testid="approval-blocked">
          {t('approvals.blocked')}
        </p>
      ) : null}
      {policy.data ? <PolicyForm policy={policy.data.policy} onSaved={policy.reload} /> : <Loading />}
      <h2>{t('approvals.pending')}</h2>
      {!list.data ? (
        <Loading />
      ) : pending.length === 0 ? (
        <p class="muted">{t('approvals.none')}</p>
      ) : (
        <DataTable headings={[t('orders.created'), t('orders.serialNumber'), t('orders.amount'), t('refund.remark'), t('approvals.requestedBy'), '']}>
          {pending.map((a) => (
            <tr key={a.approvalId} data-approval={a.requestId}>
              <td>{formatTime(a.createdAtMs, locale)}</td>
              <td>
                <code>{a.orderId}</code>
              </td>
              <td class="num">
                {a.estimated} {a.currency}
              </td>
              <td>{a.remark ?? ''}</td>
              <td>{a.requestedByEmail}</td>
              <td>
                <Decision approval={a} onDone={list.reload} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {decided.length > 0 ? (
        <>
          <h2>{t('approvals.decided')}</h2>
          <DataTable headings={[t('orders.serialNumber'), t('orders.amount'), t('approvals.state'), t('approvals.decidedBy'), t('approvals.note'), t('approvals.result')]}>
            {decided.map((a) => (
              <tr key={a.approvalId} data-decided={a.requestId}>
                <td>
                  <code>{a.orderId}</code>
                </td>
                <td class="num">
                  {a.estimated} {a.currency}
                </td>
                <td class="state">{a.state}</td>
                <td>
                  {a.decidedByEmail} {formatTime(a.decidedAtMs, locale)}
                </td>
                <td>{a.decisionNote ?? ''}</td>
                <td>{a.failureCode ? `${a.refundState}: ${a.failureCode}` : (a.refundState ?? '')}</td>
              </tr>
            ))}
          </DataTable>
        </>
      ) : null}
    </>
  );
}
