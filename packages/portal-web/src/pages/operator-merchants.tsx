import { useState } from 'preact/hooks';
import { api, can } from '../api.js';
import { DataTable, ErrorLine, Field, Link, Loading, useLoad } from '../components.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { downloadJson, State, textToPlans, useSubmit } from './operator-kit.js';

export interface MerchantRow {
  merchantId: string;
  name: string;
  status: string;
  sandbox: boolean;
  allowedHosts: string[];
  currencies: string[] | null;
  createdAtMs: number;
}

export interface MerchantOptions {
  availableMethods: { method: string; currencies: string[] }[];
  currencies: string[];
}

export function OperatorMerchantsPage() {
  const { me, t, locale } = useApp();
  const { data, error } = useLoad(() => api.get<{ merchants: MerchantRow[] }>('/o/merchants'), []);
  return (
    <>
      <h1>{t('merchants.title')}</h1>
      {can(me, 'operator.merchants') ? (
        <p>
          <Link href="/merchants/new">{t('opm.onboard')}</Link>
        </p>
      ) : null}
      <ErrorLine error={error} />
      {!data ? (
        <Loading />
      ) : (
        <DataTable headings={[t('merchants.id'), t('merchants.name'), t('merchants.status'), t('merchants.mode'), t('orders.created')]}>
          {data.merchants.map((m) => (
            <tr key={m.merchantId} data-merchant-id={m.merchantId}>
              <td>
                <Link href={`/merchants/${m.merchantId}`}>{m.merchantId}</Link>
              </td>
              <td>{m.name}</td>
              <td>
                <State value={m.status} />
              </td>
              <td>{m.sandbox ? t('merchants.sandbox') : t('merchants.live')}</td>
              <td>{formatTime(m.createdAtMs, locale)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

/** Check boxes for a list (payment methods, currencies); none ticked: all of them. */
export function ChoicePicker({ name, legend, help, choices, value, onChange, error }: { name: string; legend: string; help: string; choices: readonly string[]; value: string[]; onChange: (v: string[]) => void; error?: string | undefined }) {
  return (
    <fieldset class="field checks" aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{legend}</legend>
      {choices.map((m) => (
        <label key={m} class="check">
          <input type="checkbox" checked={value.includes(m)} onChange={(e) => onChange(e.currentTarget.checked ? [...value, m] : value.filter((x) => x !== m))} /> {m}
        </label>
      ))}
      <span class="muted">{help}</span>
      {error ? (
        <span class="field-error" role="alert" id={`${name}-error`}>
          {error}
        </span>
      ) : null}
    </fieldset>
  );
}

export function OnboardMerchantPage() {
  const { t, navigate } = useApp();
  const [merchantId, setMerchantId] = useState('');
  const [name, setName] = useState('');
  const [mode, setMode] = useState('sandbox');
  const [hosts, setHosts] = useState('');
  const [methods, setMethods] = useState<string[]>(['CARD']);
  const [currencies, setCurrencies] = useState<string[]>([]);
  const [plans, setPlans] = useState('');
  const options = useLoad(() => api.get<MerchantOptions>('/o/merchant-options'), []);
  const [bundle, setBundle] = useState<{ merchantId: string; pfxPassword: string } & Record<string, unknown>>();
  const form = useSubmit();
  if (bundle) {
    return (
      <>
        <h1>{t('opm.onboarded', { id: bundle.merchantId })}</h1>
        <p class="notice" role="status" data-testid="bundle-notice">
          {t('opm.bundleOnce')}
        </p>
        <p>
          <button type="button" onClick={() => downloadJson(`${bundle.merchantId}-key-bundle.json`, bundle)}>
            {t('opm.downloadBundle')}
          </button>{' '}
          <button type="button" class="secondary" onClick={() => navigate(`/merchants/${bundle.merchantId}`)}>
            {t('opm.toMerchant')}
          </button>
        </p>
      </>
    );
  }
  return (
    <>
      <p>
        <Link href="/merchants">{t('opm.back')}</Link>
      </p>
      <h1>{t('opm.onboard')}</h1>
      <form
        class="inline-form wide"
        onSubmit={(e) => {
          e.preventDefault();
          void form.run(async () => {
            const r = await api.post<{ bundle: { merchantId: string; pfxPassword: string } & Record<string, unknown> }>('/o/merchants', { merchantId, name, mode, allowedHosts: hosts, methods, currencies: currencies.join(','), plans: textToPlans(plans) });
            setBundle(r.bundle);
          });
        }}
      >
        <Field label={t('opm.merchantIdHelp')} id="om-id" error={form.error('merchantId')}>
          <input id="om-id" inputMode="numeric" autoComplete="off" required value={merchantId} onInput={(e) => setMerchantId(e.currentTarget.value)} />
        </Field>
        <Field label={t('merchants.name')} id="om-name" error={form.error('name')}>
          <input id="om-name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field label={t('merchants.mode')} id="om-mode" error={form.error('mode')}>
          <select id="om-mode" value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
            <option value="sandbox">{t('merchants.sandbox')}</option>
            <option value="live">{t('merchants.live')}</option>
          </select>
        </Field>
        <Field label={t('opm.hosts')} id="om-hosts" error={form.error('allowedHosts')}>
          <textarea id="om-hosts" rows={3} required value={hosts} onInput={(e) => setHosts(e.currentTarget.value)} />
        </Field>
        {options.data ? (
          <>
            <ChoicePicker name="methods" legend={t('opm.methods')} help={t('opm.methodsHelp')} choices={options.data.availableMethods.map((a) => a.method)} value={methods} onChange={setMethods} error={form.error('methods')} />
            <ChoicePicker name="currencies" legend={t('opm.currencies')} help={t('opm.currenciesHelp')} choices={options.data.currencies} value={currencies} onChange={setCurrencies} error={form.error('currencies')} />
          </>
        ) : (
          <ErrorLine error={options.error} />
        )}
        <Field label={t('opm.feePlansHelp')} id="om-plans" error={form.error('plans')}>
          <textarea id="om-plans" rows={3} value={plans} onInput={(e) => setPlans(e.currentTarget.value)} />
        </Field>
        <ErrorLine error={form.formError} />
        <button type="submit" disabled={form.busy}>
          {t('opm.create')}
        </button>
      </form>
    </>
  );
}
