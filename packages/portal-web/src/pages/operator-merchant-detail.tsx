import { useEffect, useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, Field, Link, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { ChoicePicker, type MerchantRow } from './operator-merchants.js';
import type { FeePlan } from './operator-kit.js';
import { downloadJson, plansToText, Section, State, textToPlans, useSubmit } from './operator-kit.js';

interface Detail {
  merchant: MerchantRow;
  methods: string[];
  fxMarkupBps: number;
  settlementDelayDays: number;
  feePlans: FeePlan[];
  certificates: { fingerprintSha256: string; notAfterMs: number; createdAtMs: number; retiresAtMs: number | null }[];
  availableMethods: { method: string; currencies: string[] }[];
  supportedCurrencies: string[];
}

export function OperatorMerchantDetailPage({ merchantId }: { merchantId: string }) {
  const { me, t, locale } = useApp();
  const { data, error, reload } = useLoad(() => api.get<Detail>(`/o/merchants/${encodeURIComponent(merchantId)}`), [merchantId]);
  const manage = can(me, 'operator.merchants');
  const [mode, setMode] = useState('sandbox');
  const [hosts, setHosts] = useState('');
  const [methods, setMethods] = useState<string[]>([]);
  const [currencies, setCurrencies] = useState<string[]>([]);
  const [markup, setMarkup] = useState('');
  const [delay, setDelay] = useState('');
  const [plans, setPlans] = useState('');
  const [reason, setReason] = useState('');
  const [confirmId, setConfirmId] = useState('');
  const [notice, setNotice] = useState<string>();
  const settings = useSubmit();
  const status = useSubmit();
  const fees = useSubmit();
  const keys = useSubmit();
  useEffect(() => {
    if (!data) return;
    setMode(data.merchant.sandbox ? 'sandbox' : 'live');
    setHosts(data.merchant.allowedHosts.join('\n'));
    setMethods(data.methods);
    setCurrencies(data.merchant.currencies ?? []);
    setMarkup(String(data.fxMarkupBps));
    setDelay(String(data.settlementDelayDays));
    setPlans(plansToText(data.feePlans));
  }, [data]);
  if (error) return <ErrorLine error={error} />;
  if (!data) return <Loading />;
  const m = data.merchant;
  const suspended = m.status === 'suspended';
  return (
    <>
      <p>
        <Link href="/merchants">{t('opm.back')}</Link>
      </p>
      <h1>
        {m.name} · {m.merchantId}
      </h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <dl class="facts">
        <dt>{t('merchants.status')}</dt>
        <dd data-testid="merchant-status">
          <State value={m.status} />
        </dd>
        <dt>{t('merchants.mode')}</dt>
        <dd>{m.sandbox ? t('merchants.sandbox') : t('merchants.live')}</dd>
        <dt>{t('opm.hosts')}</dt>
        <dd>{m.allowedHosts.join(', ')}</dd>
        <dt>{t('opm.methods')}</dt>
        <dd>{data.methods.join(', ')}</dd>
        <dt>{t('opm.currencies')}</dt>
        <dd>{m.currencies ? m.currencies.join(', ') : t('opm.allCurrencies')}</dd>
        <dt>{t('opm.markup')}</dt>
        <dd>{data.fxMarkupBps}</dd>
        <dt>{t('opm.delay')}</dt>
        <dd>{data.settlementDelayDays}</dd>
      </dl>

      {manage ? (
        <Section title={suspended ? t('opm.reactivate') : t('opm.suspend')}>
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void status.run(async () => {
                await api.post(`/o/merchants/${m.merchantId}/status`, suspended ? { status: 'active' } : { status: 'suspended', reason });
                setReason('');
                setNotice(suspended ? t('opm.reactivated') : t('opm.suspended'));
                reload();
              });
            }}
          >
            {suspended ? null : (
              <Field label={t('opm.reason')} id="om-reason" error={status.error('reason')}>
                <input id="om-reason" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
              </Field>
            )}
            <p class="muted">{t('opm.suspendHelp')}</p>
            <ErrorLine error={status.formError} />
            <button type="submit" class={suspended ? '' : 'danger'} disabled={status.busy}>
              {suspended ? t('opm.reactivate') : t('opm.suspend')}
            </button>
          </form>
        </Section>
      ) : null}

      {manage ? (
        <Section title={t('opm.settings')}>
          <form
            class="inline-form wide"
            onSubmit={(e) => {
              e.preventDefault();
              void settings.run(async () => {
                await api.post(`/o/merchants/${m.merchantId}/settings`, { mode, allowedHosts: hosts, methods, currencies: currencies.join(','), fxMarkupBps: markup, settlementDelayDays: delay });
                setNotice(t('account.saved'));
                reload();
              });
            }}
          >
            <Field label={t('merchants.mode')} id="os-mode" error={settings.error('mode')}>
              <select id="os-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
                <option value="sandbox">{t('merchants.sandbox')}</option>
                <option value="live">{t('merchants.live')}</option>
              </select>
            </Field>
            <Field label={t('opm.hosts')} id="os-hosts" error={settings.error('allowedHosts')}>
              <textarea id="os-hosts" rows={3} value={hosts} onInput={(e) => setHosts(e.currentTarget.value)} />
            </Field>
            <ChoicePicker name="methods" legend={t('opm.methods')} help={t('opm.methodsHelp')} choices={data.availableMethods.map((a) => a.method)} value={methods} onChange={setMethods} error={settings.error('methods')} />
            <ChoicePicker name="currencies" legend={t('opm.currencies')} help={t('opm.currenciesHelp')} choices={data.supportedCurrencies} value={currencies} onChange={setCurrencies} error={settings.error('currencies')} />
            <Field label={t('opm.markup')} id="os-markup" error={settings.error('fxMarkupBps')}>
              <input id="os-markup" inputMode="numeric" value={markup} onInput={(e) => setMarkup(e.currentTarget.value)} />
            </Field>
            <Field label={t('opm.delay')} id="os-delay" error={settings.error('settlementDelayDays')}>
              <input id="os-delay" inputMode="numeric" value={delay} onInput={(e) => setDelay(e.currentTarget.value)} />
            </Field>
            <ErrorLine error={settings.formError} />
            <button type="submit" disabled={settings.busy}>
              {t('account.save')}
            </button>
          </form>
        </Section>
      ) : null}

      <Section title={t('opm.feePlans')}>
        {manage ? (
          <form
            class="inline-form wide"
            onSubmit={(e) => {
              e.preventDefault();
              void fees.run(async () => {
                await api.post(`/o/merchants/${m.merchantId}/fee-plans`, { plans: textToPlans(plans) });
                setNotice(t('account.saved'));
                reload();
              });
            }}
          >
            <Field label={t('opm.feePlansHelp')} id="os-plans" error={fees.error('plans')}>
              <textarea id="os-plans" rows={4} value={plans} onInput={(e) => setPlans(e.currentTarget.value)} />
            </Field>
            <ErrorLine error={fees.formError} />
            <button type="submit" disabled={fees.busy}>
              {t('opm.saveFees')}
            </button>
          </form>
        ) : (
          <pre>{plansToText(data.feePlans) || '—'}</pre>
        )}
      </Section>

      <Section title={t('opm.certificates')}>
        <DataTable headings={['SHA-256', t('opm.validUntil'), t('orders.created'), t('opm.retires')]}>
          {data.certificates.map((c) => (
            <tr key={c.fingerprintSha256}>
              <td>
                <code>{c.fingerprintSha256.slice(0, 16)}…</code>
              </td>
              <td>{formatTime(c.notAfterMs, locale)}</td>
              <td>{formatTime(c.createdAtMs, locale)}</td>
              <td>{formatTime(c.retiresAtMs, locale)}</td>
            </tr>
          ))}
        </DataTable>
        {manage ? (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              void keys.run(async () => {
                const r = await api.post<{ bundle: unknown }>(`/o/merchants/${m.merchantId}/key-bundle`, { confirmMerchantId: confirmId });
                downloadJson(`${m.merchantId}-key-bundle.json`, r.bundle);
                setConfirmId('');
                setNotice(t('opm.bundleOnce'));
                reload();
              });
            }}
          >
            <p class="muted">{t('opm.rotateHelp')}</p>
            <Field label={t('opm.confirmId')} id="os-confirm" error={keys.error('confirmMerchantId')}>
              <input id="os-confirm" inputMode="numeric" value={confirmId} onInput={(e) => setConfirmId(e.currentTarget.value)} />
            </Field>
            <ErrorLine error={keys.formError} />
            <button type="submit" class="secondary" disabled={keys.busy}>
              {t('opm.newBundle')}
            </button>
          </form>
        ) : null}
      </Section>
    </>
  );
}
